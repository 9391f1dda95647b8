#include "rewrite_rules.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "../common/topic_filter.hpp"

namespace starling::plugins::topic_rewrite {
namespace {

constexpr std::string_view kArrow = "->";

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::size_t count_wildcards(std::string_view filter) {
  std::size_t count = 0;
  for (std::string_view level : split_levels(filter)) {
    if (level == "+" || level == "#") ++count;
  }
  return count;
}

}  // namespace

Result<RewriteRules::Rule> RewriteRules::parse_rule(const std::string& key,
                                                    std::string_view value) {
  const std::string where = key + " = \"" + std::string(value) + "\": ";
  const std::size_t arrow = value.find(kArrow);
  if (arrow == std::string_view::npos) return Error{0, where + "expected \"FROM -> TO\""};
  Rule rule;
  rule.from = std::string(trim(value.substr(0, arrow)));
  const std::string_view to = trim(value.substr(arrow + kArrow.size()));
  if (!is_valid_filter(rule.from)) {
    return Error{0, where + "FROM \"" + rule.from + "\" is not a valid topic filter"};
  }
  if (to.empty()) return Error{0, where + "TO is empty"};
  const std::size_t captures = count_wildcards(rule.from);
  std::size_t pos = 0;
  while (pos < to.size()) {
    const std::size_t open = to.find('{', pos);
    const std::size_t close = open == std::string_view::npos ? open : to.find('}', open);
    std::size_t number = 0;
    bool is_capture = false;
    if (close != std::string_view::npos && close > open + 1) {
      const auto [end, error] = std::from_chars(to.data() + open + 1, to.data() + close, number);
      is_capture = error == std::errc() && end == to.data() + close;
    }
    if (!is_capture) {  // a '{' that starts no {N} is text
      const std::size_t stop = open == std::string_view::npos ? to.size() : open + 1;
      rule.to.push_back({std::string(to.substr(pos, stop - pos)), 0});
      pos = stop;
      continue;
    }
    if (number == 0 || number > captures) {
      return Error{0, where + "{" + std::to_string(number) + "} but FROM has " +
                          std::to_string(captures) + " wildcard(s)"};
    }
    if (open > pos) rule.to.push_back({std::string(to.substr(pos, open - pos)), 0});
    rule.to.push_back({"", number});
    pos = close + 1;
  }
  for (const Piece& piece : rule.to) {
    if (piece.text.find_first_of("+#") != std::string::npos) {
      return Error{0, where + "TO must not contain the wildcards + or #"};
    }
  }
  return rule;
}

Result<RewriteRules> RewriteRules::parse(
    const std::vector<std::pair<std::string, std::string>>& options, std::string_view prefix) {
  std::map<std::size_t, Rule> ordered;
  for (const auto& [key, value] : options) {
    std::size_t number = 0;
    const char* digits = key.data() + prefix.size();
    const char* end = key.data() + key.size();
    const bool is_rule = key.size() > prefix.size() &&
                         std::string_view(key).substr(0, prefix.size()) == prefix &&
                         std::from_chars(digits, end, number).ptr == end;
    if (!is_rule) {
      return Error{0, "unknown option " + key + " (expected " + std::string(prefix) + "<N>)"};
    }
    auto rule = parse_rule(key, value);
    if (!rule) return rule.error();
    if (!ordered.emplace(number, std::move(*rule)).second) {
      return Error{0, "rule number " + std::to_string(number) + " is given twice"};
    }
  }
  if (ordered.empty()) {
    return Error{0, "no rules (add options " + std::string(prefix) + "1 = \"FROM -> TO\", ...)"};
  }
  RewriteRules rules;
  for (auto& [number, rule] : ordered) rules.rules_.push_back(std::move(rule));
  return rules;
}

std::optional<std::string> RewriteRules::rewrite(std::string_view topic) const {
  for (const Rule& rule : rules_) {
    const auto captures = match_topic(rule.from, topic);
    if (!captures) continue;
    std::string out;
    for (std::size_t i = 0; i < rule.to.size(); ++i) {
      const Piece& piece = rule.to[i];
      if (piece.capture == 0) {
        out += piece.text;
        continue;
      }
      const std::string& captured = (*captures)[piece.capture - 1];
      const bool last = i + 1 == rule.to.size();
      if (captured.empty() && last && !out.empty() && out.back() == '/') {
        out.pop_back();  // "a/{1}" with an empty `#` capture gives "a"
      }
      out += captured;
    }
    return out;
  }
  return std::nullopt;
}

std::vector<std::string> RewriteRules::filters() const {
  std::vector<std::string> filters;
  for (const Rule& rule : rules_) filters.push_back(rule.from);
  return filters;
}

}  // namespace starling::plugins::topic_rewrite
