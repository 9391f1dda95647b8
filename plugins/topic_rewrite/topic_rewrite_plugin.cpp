// The topic_rewrite plugin: renames the topic of messages clients publish,
// by rules in its options (see rewrite_rules.hpp and README.md). Runs in
// on_publish on the broker thread that received the message; the broker
// calls it only for topics matching a rule's FROM.
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rewrite_rules.hpp"
#include "starling/plugin.hpp"

namespace starling::plugins::topic_rewrite {
namespace {

using plugin::view;

RewriteRules parse_or_throw(const plugin::Options& options) {
  std::vector<std::pair<std::string, std::string>> pairs(options.all().begin(),
                                                         options.all().end());
  auto rules = RewriteRules::parse(pairs);
  if (!rules) throw std::runtime_error("topic_rewrite: " + rules.error().message);
  return std::move(*rules);
}

class TopicRewritePlugin : public plugin::Plugin {
 public:
  TopicRewritePlugin(plugin::Host& host, const plugin::Options& options)
      : Plugin(host), rules_(std::make_shared<const RewriteRules>(parse_or_throw(options))) {
    set_topic_filters(rules_.load()->filters());
  }

  // New rules take effect for the next message; messages being rewritten
  // finish with the old ones. Invalid rules refuse them all (logged).
  bool on_options(const plugin::Options& options) override {
    std::vector<std::pair<std::string, std::string>> pairs(options.all().begin(),
                                                           options.all().end());
    auto parsed = RewriteRules::parse(pairs);
    if (!parsed) {
      host().log(STARLING_LOG_ERROR,
                 "new options refused, the old rules stay: " + parsed.error().message);
      return false;
    }
    auto fresh = std::make_shared<const RewriteRules>(std::move(*parsed));
    if (!host().set_topic_filters(fresh->filters())) {
      host().log(STARLING_LOG_ERROR,
                 "new options refused: this broker cannot change the topics a plugin handles");
      return false;
    }
    rules_.store(std::move(fresh));
    host().log(STARLING_LOG_INFO, "new rules in force");
    return true;
  }

  starling_decision on_publish(const starling_publish_event& event, starling_reply&) override {
    const auto rewritten = rules_.load()->rewrite(view(event.topic));
    if (rewritten && !host().set_topic(event.message, *rewritten)) {
      host().log(STARLING_LOG_WARN, "topic_rewrite: \"" + std::string(view(event.topic)) +
                                        "\" would become \"" + *rewritten +
                                        "\", not a valid topic name; left unchanged");
    }
    return STARLING_NEXT;
  }

 private:
  // Swapped whole by on_options while broker threads read it.
  std::atomic<std::shared_ptr<const RewriteRules>> rules_;
};

}  // namespace
}  // namespace starling::plugins::topic_rewrite

STARLING_PLUGIN(starling::plugins::topic_rewrite::TopicRewritePlugin)
