// The topic_rewrite plugin: renames the topic of messages clients publish,
// and the filters they subscribe to and unsubscribe from, by rules in its
// options (see rewrite_rules.hpp and README.md). on_publish runs on the
// broker thread that received the message; the broker calls it only for
// topics matching a publish rule's FROM. on_subscribe and on_unsubscribe
// run for each filter of a SUBSCRIBE or UNSUBSCRIBE.
#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rewrite_rules.hpp"
#include "starling/plugin.hpp"

namespace starling::plugins::topic_rewrite {
namespace {

using plugin::view;

constexpr std::string_view kSubscribePrefix = "subscribe_rule_";
constexpr std::string_view kSharePrefix = "$share/";

// Publish rules (rule_<N>) and subscription rules (subscribe_rule_<N>);
// either may be absent, not both. Immutable once parsed.
struct Rules {
  std::optional<RewriteRules> publish;
  std::optional<RewriteRules> subscribe;
};

Result<Rules> parse_rules(const plugin::Options& options) {
  std::vector<std::pair<std::string, std::string>> publish, subscribe;
  for (const auto& [key, value] : options.all()) {
    (key.rfind(kSubscribePrefix, 0) == 0 ? subscribe : publish).emplace_back(key, value);
  }
  if (publish.empty() && subscribe.empty()) {
    return Error{0,
                 "no rules (add options rule_1 = \"FROM -> TO\" for published topics, "
                 "subscribe_rule_1 = \"FROM -> TO\" for subscriptions, ...)"};
  }
  Rules rules;
  if (!publish.empty()) {
    auto parsed = RewriteRules::parse(publish);
    if (!parsed) return parsed.error();
    rules.publish = std::move(*parsed);
  }
  if (!subscribe.empty()) {
    auto parsed = RewriteRules::parse(subscribe, kSubscribePrefix);
    if (!parsed) return parsed.error();
    rules.subscribe = std::move(*parsed);
  }
  return rules;
}

std::shared_ptr<const Rules> parse_or_throw(const plugin::Options& options) {
  auto rules = parse_rules(options);
  if (!rules) throw std::runtime_error("topic_rewrite: " + rules.error().message);
  return std::make_shared<const Rules>(std::move(*rules));
}

// The topics on_publish is called for: only subscription rules leave
// nothing to match, and an empty list would mean every topic.
std::vector<std::string> publish_filters(const Rules& rules) {
  if (rules.publish) return rules.publish->filters();
  return {};
}

// A filter rewritten by `rules`; "$share/<group>/" stays in front of the
// rewritten filter. nullopt when no rule matches.
std::optional<std::string> rewrite_filter(const RewriteRules& rules, std::string_view filter) {
  std::string_view share;
  if (filter.substr(0, kSharePrefix.size()) == kSharePrefix) {
    const std::size_t slash = filter.find('/', kSharePrefix.size());
    if (slash == std::string_view::npos) return std::nullopt;
    share = filter.substr(0, slash + 1);
    filter.remove_prefix(slash + 1);
  }
  auto rewritten = rules.rewrite(filter);
  if (!rewritten) return std::nullopt;
  return std::string(share) + *rewritten;
}

class TopicRewritePlugin : public plugin::Plugin {
 public:
  TopicRewritePlugin(plugin::Host& host, const plugin::Options& options)
      : Plugin(host), rules_(parse_or_throw(options)) {
    set_topic_filters(publish_filters(*rules_.load()));
  }

  // New rules take effect for the next message or filter; those being
  // rewritten finish with the old ones. Invalid rules refuse them all
  // (logged).
  bool on_options(const plugin::Options& options) override {
    auto parsed = parse_rules(options);
    if (!parsed) {
      host().log(STARLING_LOG_ERROR,
                 "new options refused, the old rules stay: " + parsed.error().message);
      return false;
    }
    auto fresh = std::make_shared<const Rules>(std::move(*parsed));
    if (!host().set_topic_filters(publish_filters(*fresh))) {
      host().log(STARLING_LOG_ERROR,
                 "new options refused: this broker cannot change the topics a plugin handles");
      return false;
    }
    rules_.store(std::move(fresh));
    host().log(STARLING_LOG_INFO, "new rules in force");
    return true;
  }

  starling_decision on_publish(const starling_publish_event& event, starling_reply&) override {
    const auto rules = rules_.load();
    if (!rules->publish) return STARLING_NEXT;  // only subscription rules
    const auto rewritten = rules->publish->rewrite(view(event.topic));
    if (rewritten && !host().set_topic(event.message, *rewritten)) {
      host().log(STARLING_LOG_WARN, "topic_rewrite: \"" + std::string(view(event.topic)) +
                                        "\" would become \"" + *rewritten +
                                        "\", not a valid topic name; left unchanged");
    }
    return STARLING_NEXT;
  }

  starling_decision on_subscribe(const starling_subscribe_event& event, starling_reply&) override {
    rename_filter(event);
    return STARLING_NEXT;
  }

  // The same rules: a client unsubscribes by the name it subscribed with.
  starling_decision on_unsubscribe(const starling_subscribe_event& event,
                                   starling_reply&) override {
    rename_filter(event);
    return STARLING_NEXT;
  }

 private:
  void rename_filter(const starling_subscribe_event& event) {
    const auto rules = rules_.load();
    if (!rules->subscribe) return;
    const auto rewritten = rewrite_filter(*rules->subscribe, view(event.filter));
    if (rewritten && !host().set_filter(event.subscription, *rewritten)) {
      host().log(STARLING_LOG_WARN, "topic_rewrite: filter \"" + std::string(view(event.filter)) +
                                        "\" would become \"" + *rewritten +
                                        "\", not a valid topic filter; left unchanged");
    }
  }

  // Swapped whole by on_options while broker threads read it.
  std::atomic<std::shared_ptr<const Rules>> rules_;
};

}  // namespace
}  // namespace starling::plugins::topic_rewrite

STARLING_PLUGIN(starling::plugins::topic_rewrite::TopicRewritePlugin)
