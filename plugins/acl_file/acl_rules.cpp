#include "acl_rules.hpp"

#include "../common/topic_filter.hpp"

namespace starling::plugins::acl_file {
namespace {

constexpr std::string_view kBlanks = " \t";

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// Splits off the first blank-separated word; `rest` keeps what follows.
std::string_view next_word(std::string_view& rest) {
  rest = trim(rest);
  const std::size_t end = rest.find_first_of(kBlanks);
  const std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
  return word;
}

std::optional<std::uint8_t> parse_access(std::string_view word) {
  if (word == "read") return kRead;
  if (word == "write") return kWrite;
  if (word == "readwrite") return kReadWrite;
  if (word == "deny") return kDeny;
  return std::nullopt;
}

// Deny rules go before every allowing rule, as in Mosquitto.
void add_rule(std::vector<AclRule>& rules, AclRule rule) {
  if (rule.access == kDeny) {
    auto first_allow = rules.begin();
    while (first_allow != rules.end() && first_allow->access == kDeny) ++first_allow;
    rules.insert(first_allow, std::move(rule));
  } else {
    rules.push_back(std::move(rule));
  }
}

std::string_view without_share_prefix(std::string_view filter) {
  constexpr std::string_view kShare = "$share/";
  if (filter.substr(0, kShare.size()) != kShare) return filter;
  const std::size_t slash = filter.find('/', kShare.size());
  return slash == std::string_view::npos ? filter : filter.substr(slash + 1);
}

}  // namespace

std::string substitute_pattern(std::string_view pattern, const AclClient& client) {
  std::string out;
  out.reserve(pattern.size() + client.client_id.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      if (pattern[i + 1] == 'c') {
        out += client.client_id;
        ++i;
        continue;
      }
      if (pattern[i + 1] == 'u' && client.username) {
        out += *client.username;
        ++i;
        continue;
      }
    }
    out += pattern[i];
  }
  return out;
}

template <typename Covers>
AclRules::Verdict AclRules::decide_in(const std::vector<AclRule>& rules, std::uint8_t needed,
                                      const Covers& covers) {
  for (const AclRule& rule : rules) {
    if (!covers(rule)) continue;
    if (rule.access == kDeny) return Verdict::kDeny;
    if ((rule.access & needed) != 0) return Verdict::kAllow;
  }
  return Verdict::kNoMatch;
}

template <typename Covers>
bool AclRules::decide(const AclClient& client, std::uint8_t needed, const Covers& covers) const {
  const std::vector<AclRule>* own = &anonymous_;
  if (client.username) {
    const auto found = users_.find(*client.username);
    own = found == users_.end() ? nullptr : &found->second;
  }
  if (own != nullptr) {
    const Verdict verdict =
        decide_in(*own, needed, [&](const AclRule& rule) { return covers(rule.topic); });
    if (verdict != Verdict::kNoMatch) return verdict == Verdict::kAllow;
  }
  if (patterns_.empty()) return false;
  // A wildcard in a client id or user name would widen every pattern it
  // is substituted into (CVE-2017-7650): such clients get no pattern access.
  if (client.client_id.find_first_of("+#") != std::string_view::npos) return false;
  if (client.username && client.username->find_first_of("+#") != std::string_view::npos) {
    return false;
  }
  const Verdict verdict = decide_in(patterns_, needed, [&](const AclRule& rule) {
    if (rule.has_username_placeholder && !client.username) return false;
    return covers(substitute_pattern(rule.topic, client));
  });
  return verdict == Verdict::kAllow;
}

bool AclRules::may_publish(const AclClient& client, std::string_view topic) const {
  return decide(client, kWrite,
                [&](std::string_view rule_topic) { return topic_matches(rule_topic, topic); });
}

bool AclRules::may_receive(const AclClient& client, std::string_view topic) const {
  return decide(client, kRead,
                [&](std::string_view rule_topic) { return topic_matches(rule_topic, topic); });
}

bool AclRules::may_subscribe(const AclClient& client, std::string_view filter) const {
  const std::string_view plain = without_share_prefix(filter);
  return decide(client, kRead,
                [&](std::string_view rule_topic) { return filter_covers(rule_topic, plain); });
}

std::size_t AclRules::rule_count() const {
  std::size_t count = anonymous_.size() + patterns_.size();
  for (const auto& [user, rules] : users_) count += rules.size();
  return count;
}

Result<AclRules> parse_acl_file(std::string_view contents, const std::string& source_name) {
  AclRules rules;
  std::vector<AclRule>* current = &rules.anonymous_;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < contents.size()) {
    std::size_t end = contents.find('\n', start);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view rest = trim(contents.substr(start, end - start));
    start = end + 1;
    ++line_number;
    const std::string where = source_name + ":" + std::to_string(line_number) + ": ";
    if (rest.empty() || rest.front() == '#') continue;

    const std::string_view keyword = next_word(rest);
    if (keyword == "user") {
      if (rest.empty()) return Error{0, where + "user needs a user name"};
      current = &rules.users_[std::string(rest)];  // the rest of the line, spaces included
      continue;
    }
    if (keyword != "topic" && keyword != "pattern") {
      return Error{0,
                   where + "expected topic, pattern or user, got \"" + std::string(keyword) + "\""};
    }
    AclRule rule;
    std::string_view topic = rest;
    std::string_view probe = rest;
    const std::string_view first = next_word(probe);
    if (!probe.empty()) {  // two or more words: an access word, then the topic
      const auto access = parse_access(first);
      if (!access) {
        return Error{0, where + "unknown access \"" + std::string(first) +
                            "\" (expected read, write, readwrite or deny)"};
      }
      rule.access = *access;
      topic = probe;
    }
    if (topic.empty()) return Error{0, where + std::string(keyword) + " needs a topic"};
    if (!is_valid_filter(topic)) {
      return Error{0, where + "\"" + std::string(topic) + "\" is not a valid topic filter"};
    }
    rule.topic = std::string(topic);
    if (keyword == "pattern") {
      rule.has_username_placeholder = rule.topic.find("%u") != std::string::npos;
      add_rule(rules.patterns_, std::move(rule));
    } else {
      add_rule(*current, std::move(rule));
    }
  }
  return rules;
}

}  // namespace starling::plugins::acl_file
