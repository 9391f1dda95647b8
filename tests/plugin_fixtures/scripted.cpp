// clang-format off
// A plugin whose every answer is set by its options, for the broker's plugin
// tests. Actions: "allow", "next", "deny", "deny:<reason>", "error", "throw",
// "pending:<action>:<ms>" (answers from another thread after ms) and
// "pending:never".
//   authenticate = ACTION          publish = ACTION         subscribe = ACTION
//   publish_topics = a/#,b         (publish's action applies to these only)
//   subscribe_filters = x/#        (subscribe's action applies to these only)
//   delivery_deny = secret/#       (authorize_delivery denies these topics)
//   rewrite_from / rewrite_to      (on_publish renames an exact topic)
//   payload_append = TEXT          (on_publish appends to every payload)
//   drop_topic = TOPIC             (on_publish drops it, v5 reason drop_reason)
//   kick_topic = TOPIC             (a publish there disconnects the client named in its payload)
//   events_topic = PREFIX          (connect/disconnect events published to PREFIX/<client id>)
//   identity_topic = PREFIX        (on connect, "<username>|<peer>|<certificate subject>|<certificate CN>"
//                                   published to PREFIX/<client id>)
//   reload_topic = T               (on_reload publishes "reloaded" to T)
//   reload_fails = true            (on_reload reports failure)
//   options_topic = T              (on_options publishes the new options, "k=v;k=v", to T; it
//                                   takes their topic_filters, and refuses them when they hold
//                                   options_reject = true)
//   timer_ms = N, timer_topic = T  (on_timer publishes "tick" to T)
//   sub_from / sub_to              (on_subscribe and on_unsubscribe rename an exact filter)
//   sub_qos = N                    (on_subscribe sets the QoS of a renamed filter)
//   sub_deny = FILTER, sub_deny_reason = CODE  (on_subscribe refuses it)
//   unsub_keep = FILTER, unsub_keep_reason = CODE  (on_unsubscribe refuses it)
//   sub_garbage = true             (on_subscribe answers a value that is no decision)
//   delivered_topic = PREFIX       (acknowledged deliveries published to PREFIX/<subscriber>: the topic)
//   expired_topic = PREFIX         (expired sessions published to PREFIX/<client id>)
//   drops_topic = PREFIX           (each drop published to PREFIX/<reason>: "<client>|<topic>|<count>")
//   topic_filters = a/#,b/#        (the hooks' topic filters)
//   throw_in_constructor = true
// clang-format on
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "starling/plugin.hpp"

namespace {

using starling::plugin::view;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// MQTT filter match, enough for the tests (no $-topic rules).
bool matches(std::string_view filter, std::string_view topic) {
  while (true) {
    auto f_end = filter.find('/');
    auto t_end = topic.find('/');
    std::string_view f = filter.substr(0, f_end);
    std::string_view t = topic.substr(0, t_end);
    if (f == "#") return true;
    if (f != "+" && f != t) return false;
    if (f_end == std::string_view::npos || t_end == std::string_view::npos) {
      return f_end == std::string_view::npos && t_end == std::string_view::npos;
    }
    filter.remove_prefix(f_end + 1);
    topic.remove_prefix(t_end + 1);
  }
}

bool matches_any(const std::vector<std::string>& filters, std::string_view topic) {
  for (const auto& f : filters) {
    if (matches(f, topic)) return true;
  }
  return false;
}

struct Action {
  starling_decision decision = STARLING_NEXT;
  std::uint8_t reason = 0;
  bool throws = false;
  bool pending = false;
  bool never = false;
  starling_decision later = STARLING_ALLOW;
  std::uint8_t later_reason = 0;
  int delay_ms = 0;
};

starling_decision parse_decision(const std::string& word, std::uint8_t* reason) {
  if (word == "allow") return STARLING_ALLOW;
  if (word == "next") return STARLING_NEXT;
  if (word == "error") return STARLING_ERROR;
  if (word.rfind("deny", 0) == 0) {
    if (word.size() > 5) *reason = static_cast<std::uint8_t>(std::stoi(word.substr(5), nullptr, 0));
    return STARLING_DENY;
  }
  throw std::invalid_argument("unknown action '" + word + "'");
}

Action parse_action(const std::string& text) {
  Action action;
  if (text.empty()) return action;
  if (text == "throw") {
    action.throws = true;
    return action;
  }
  if (text.rfind("pending:", 0) == 0) {
    action.pending = true;
    std::string rest = text.substr(8);
    if (rest == "never") {
      action.never = true;
      return action;
    }
    auto colon = rest.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("pending needs :<ms>");
    action.later = parse_decision(rest.substr(0, colon), &action.later_reason);
    action.delay_ms = std::stoi(rest.substr(colon + 1));
    return action;
  }
  action.decision = parse_decision(text, &action.reason);
  return action;
}

class Scripted final : public starling::plugin::Plugin {
 public:
  Scripted(starling::plugin::Host& host, const starling::plugin::Options& options)
      : Plugin(host),
        authenticate_(parse_action(options.get("authenticate"))),
        publish_(parse_action(options.get("publish"))),
        subscribe_(parse_action(options.get("subscribe"))),
        publish_topics_(split(options.get("publish_topics"), ',')),
        subscribe_filters_(split(options.get("subscribe_filters"), ',')),
        delivery_deny_(split(options.get("delivery_deny"), ',')),
        rewrite_from_(options.get("rewrite_from")),
        rewrite_to_(options.get("rewrite_to")),
        payload_append_(options.get("payload_append")),
        drop_topic_(options.get("drop_topic")),
        drop_reason_(
            static_cast<std::uint8_t>(std::stoi(options.get("drop_reason", "0"), nullptr, 0))),
        kick_topic_(options.get("kick_topic")),
        events_topic_(options.get("events_topic")),
        identity_topic_(options.get("identity_topic")),
        reload_topic_(options.get("reload_topic")),
        timer_topic_(options.get("timer_topic")),
        drops_topic_(options.get("drops_topic")),
        delivered_topic_(options.get("delivered_topic")),
        expired_topic_(options.get("expired_topic")),
        options_topic_(options.get("options_topic")),
        sub_from_(options.get("sub_from")),
        sub_to_(options.get("sub_to")),
        sub_deny_(options.get("sub_deny")),
        unsub_keep_(options.get("unsub_keep")),
        sub_qos_(std::stoi(options.get("sub_qos", "-1"))),
        sub_deny_reason_(
            static_cast<std::uint8_t>(std::stoi(options.get("sub_deny_reason", "0"), nullptr, 0))),
        unsub_keep_reason_(static_cast<std::uint8_t>(
            std::stoi(options.get("unsub_keep_reason", "0"), nullptr, 0))),
        sub_garbage_(options.get("sub_garbage") == "true"),
        reload_fails_(options.get("reload_fails") == "true") {
    if (options.get("throw_in_constructor") == "true") {
      throw std::runtime_error("told to refuse to start");
    }
    set_topic_filters(split(options.get("topic_filters"), ','));
    set_timer_interval_ms(static_cast<std::uint32_t>(std::stoul(options.get("timer_ms", "0"))));
  }

  ~Scripted() override {
    std::lock_guard lock(mutex_);
    for (auto& t : answering_) t.join();
  }

  starling_decision authenticate(const starling_auth_event& event, starling_reply& reply) override {
    return act(authenticate_, event.ticket, reply);
  }

  starling_decision authorize_publish(const starling_publish_event& event,
                                      starling_reply& reply) override {
    if (!publish_topics_.empty() && !matches_any(publish_topics_, view(event.topic))) {
      return STARLING_NEXT;
    }
    return act(publish_, event.ticket, reply);
  }

  starling_decision authorize_subscribe(const starling_subscribe_event& event,
                                        starling_reply& reply) override {
    if (!subscribe_filters_.empty()) {
      bool listed = false;
      for (const auto& f : subscribe_filters_) listed = listed || f == view(event.filter);
      if (!listed) return STARLING_NEXT;
    }
    return act(subscribe_, event.ticket, reply);
  }

  starling_decision authorize_delivery(const starling_publish_event& event,
                                       starling_reply&) override {
    return matches_any(delivery_deny_, view(event.topic)) ? STARLING_DENY : STARLING_NEXT;
  }

  starling_decision on_publish(const starling_publish_event& event, starling_reply& reply) override {
    std::string_view topic = view(event.topic);
    if (!kick_topic_.empty() && topic == kick_topic_) {
      host().disconnect_client(view(event.payload), false);
    }
    if (!drop_topic_.empty() && topic == drop_topic_) {
      reply.reason_code = drop_reason_;
      return STARLING_DENY;
    }
    if (!rewrite_from_.empty() && topic == rewrite_from_) host().set_topic(event.message, rewrite_to_);
    if (!payload_append_.empty()) {
      host().set_payload(event.message, std::string(view(event.payload)) + payload_append_);
    }
    return STARLING_NEXT;
  }

  bool on_reload() override {
    if (!reload_topic_.empty()) host().publish(reload_topic_, "reloaded", 1);
    return !reload_fails_;
  }

  starling_decision on_subscribe(const starling_subscribe_event& event,
                                 starling_reply& reply) override {
    if (sub_garbage_) return static_cast<starling_decision>(77);
    const std::string_view filter = view(event.filter);
    if (!sub_deny_.empty() && filter == sub_deny_) {
      reply.reason_code = sub_deny_reason_;
      return STARLING_DENY;
    }
    if (sub_from_.empty() || filter != sub_from_) return STARLING_NEXT;
    if (!host().set_filter(event.subscription, sub_to_)) {
      host().log(STARLING_LOG_WARN, "the broker refused the filter '" + sub_to_ + "'");
    }
    if (sub_qos_ >= 0) host().set_qos(event.subscription, sub_qos_);
    return STARLING_NEXT;
  }

  starling_decision on_unsubscribe(const starling_subscribe_event& event,
                                   starling_reply& reply) override {
    const std::string_view filter = view(event.filter);
    if (!unsub_keep_.empty() && filter == unsub_keep_) {
      reply.reason_code = unsub_keep_reason_;
      return STARLING_DENY;
    }
    if (!sub_from_.empty() && filter == sub_from_) host().set_filter(event.subscription, sub_to_);
    return STARLING_NEXT;
  }

  bool on_options(const starling::plugin::Options& options) override {
    std::string listed;
    for (const auto& [key, value] : options.all()) {
      listed += (listed.empty() ? "" : ";") + key + "=" + value;
    }
    if (!options_topic_.empty()) host().publish(options_topic_, listed, 1);
    if (options.get("options_reject") == "true") return false;
    return host().set_topic_filters(split(options.get("topic_filters"), ','));
  }

  void on_connected(const starling_client_event& event) override {
    if (!identity_topic_.empty()) {
      const starling_client& client = *event.client;
      std::string identity = std::string(view(client.username)) + "|" + std::string(view(client.peer));
      if (client.struct_size >= offsetof(starling_client, certificate_common_name) + sizeof(starling_bytes)) {
        identity += "|" + std::string(view(client.certificate_subject)) + "|" +
                    std::string(view(client.certificate_common_name));
      }
      host().publish(identity_topic_ + "/" + std::string(view(client.client_id)), identity, 1);
    }
    if (events_topic_.empty()) return;
    host().publish(events_topic_ + "/" + std::string(view(event.client->client_id)),
                   event.session_present ? "connected:resumed" : "connected", 1);
  }

  void on_disconnected(const starling_client_event& event) override {
    if (events_topic_.empty()) return;
    host().publish(events_topic_ + "/" + std::string(view(event.client->client_id)),
                   "disconnected:" + std::to_string(event.disconnect_kind), 1);
  }

  void on_message_dropped(const starling_drop_event& event) override {
    if (drops_topic_.empty()) return;
    // A drop of a report itself (nobody subscribed) would report again forever.
    if (view(event.topic).rfind(drops_topic_, 0) == 0) return;
    host().publish(drops_topic_ + "/" + std::to_string(event.reason),
                   std::string(view(event.client_id)) + "|" + std::string(view(event.topic)) + "|" +
                       std::to_string(event.count));
  }

  void on_delivered(const starling_delivery_event& event) override {
    if (delivered_topic_.empty() || view(event.topic).rfind(delivered_topic_, 0) == 0) return;
    host().publish(delivered_topic_ + "/" + std::string(view(event.client->client_id)),
                   std::string(view(event.topic)) + "|" + std::to_string(event.qos));
  }

  void on_session_expired(const starling_session_event& event) override {
    if (!expired_topic_.empty()) {
      host().publish(expired_topic_ + "/" + std::string(view(event.client_id)), "expired");
    }
  }

  void on_timer() override {
    if (!timer_topic_.empty()) host().publish(timer_topic_, "tick");
  }

 private:
  starling_decision act(const Action& action, std::uint64_t ticket, starling_reply& reply) {
    if (action.throws) throw std::runtime_error("told to throw");
    if (!action.pending) {
      reply.reason_code = action.reason;
      return action.decision;
    }
    if (action.never) return STARLING_PENDING;
    std::lock_guard lock(mutex_);
    answering_.emplace_back([this, action, ticket] {
      std::this_thread::sleep_for(std::chrono::milliseconds(action.delay_ms));
      host().answer(ticket, action.later, action.later_reason);
    });
    return STARLING_PENDING;
  }

  Action authenticate_, publish_, subscribe_;
  std::vector<std::string> publish_topics_, subscribe_filters_, delivery_deny_;
  std::string rewrite_from_, rewrite_to_, payload_append_, drop_topic_;
  std::uint8_t drop_reason_;
  std::string kick_topic_, events_topic_, identity_topic_, reload_topic_, timer_topic_,
      drops_topic_, delivered_topic_, expired_topic_, options_topic_;
  std::string sub_from_, sub_to_, sub_deny_, unsub_keep_;
  int sub_qos_;
  std::uint8_t sub_deny_reason_, unsub_keep_reason_;
  bool sub_garbage_;
  bool reload_fails_;
  std::mutex mutex_;
  std::vector<std::thread> answering_;
};

}  // namespace

STARLING_PLUGIN(Scripted)
