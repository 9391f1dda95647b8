// Header-only C++ layer over the plugin ABI in plugin.h. A plugin derives
// from starling::plugin::Plugin, overrides the hooks it wants, and exports
// itself with STARLING_PLUGIN(ClassName). Only the hooks it overrides are
// registered, so the broker skips the others at no cost.
//
// The class needs a constructor taking (starling::plugin::Host&, const
// starling::plugin::Options&); throw from it to refuse to start (the broker
// logs the message and stops). An exception thrown by a hook is logged and
// becomes STARLING_ERROR; none ever crosses into the broker. No C++ type
// crosses the ABI: everything below is compiled into the plugin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "starling/plugin.h"

namespace starling::plugin {

inline std::string_view view(starling_bytes bytes) {
  return bytes.size == 0 ? std::string_view{} : std::string_view(bytes.data, bytes.size);
}

// The plugin's [plugins.options], as text.
class Options {
 public:
  Options(const starling_option* options, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) values_[options[i].key] = options[i].value;
  }
  bool has(const std::string& key) const { return values_.contains(key); }
  std::string get(const std::string& key, std::string fallback = {}) const {
    auto found = values_.find(key);
    return found == values_.end() ? std::move(fallback) : found->second;
  }
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

// The broker's services. Thread-safety as documented in plugin.h.
class Host {
 public:
  Host(const starling_host* host, starling_plugin* self) : host_(host), self_(self) {}

  void log(starling_log_level level, const std::string& message) const {
    host_->log(self_, level, message.c_str());
  }
  std::uint64_t now_ms() const { return host_->now_ms(self_); }
  bool answer(std::uint64_t ticket, starling_decision decision, std::uint8_t reason_code = 0) const {
    return host_->answer(self_, ticket, decision, reason_code) == 0;
  }
  bool publish(std::string_view topic, std::string_view payload, int qos = 0,
               bool retain = false) const {
    return host_->publish(self_, topic.data(), topic.size(), payload.data(), payload.size(), qos,
                          retain ? 1 : 0) == 0;
  }
  bool disconnect_client(std::string_view client_id, bool send_will) const {
    return host_->disconnect_client(self_, client_id.data(), client_id.size(), send_will ? 1 : 0) ==
           0;
  }
  bool set_topic(starling_message* message, std::string_view topic) const {
    return host_->message_set_topic(message, topic.data(), topic.size()) == 0;
  }
  bool set_payload(starling_message* message, std::string_view payload) const {
    return host_->message_set_payload(message, payload.data(), payload.size()) == 0;
  }
  bool set_qos(starling_message* message, int qos) const {
    return host_->message_set_qos(message, qos) == 0;
  }
  bool set_retain(starling_message* message, bool retain) const {
    return host_->message_set_retain(message, retain ? 1 : 0) == 0;
  }
  // Retained messages matching `filter`: fn(topic, payload, qos) for each.
  template <typename Fn>
  int read_retained(std::string_view filter, Fn&& fn) const {
    auto visit = [](void* arg, starling_bytes topic, starling_bytes payload, int qos) {
      (*static_cast<Fn*>(arg))(view(topic), view(payload), qos);
    };
    return host_->retained_read(self_, filter.data(), filter.size(), visit, &fn);
  }
  bool schedule(std::uint32_t delay_ms, void (*fn)(void*), void* arg) const {
    return host_->schedule(self_, delay_ms, fn, arg) == 0;
  }
  // Replaces the topic filters set at init (empty: every topic). False when
  // a filter is invalid, or the broker predates host->set_topic_filters.
  bool set_topic_filters(const std::vector<std::string>& filters) const {
    if (!has(offsetof(starling_host, set_topic_filters), sizeof(host_->set_topic_filters)) ||
        host_->set_topic_filters == nullptr) {
      return false;
    }
    std::vector<const char*> pointers;
    pointers.reserve(filters.size());
    for (const std::string& filter : filters) pointers.push_back(filter.c_str());
    return host_->set_topic_filters(self_, pointers.data(), pointers.size()) == 0;
  }
  // During on_subscribe / on_unsubscribe, on event.subscription. False when
  // the value is invalid (nothing changed).
  bool set_filter(starling_subscription* subscription, std::string_view filter) const {
    return has(offsetof(starling_host, subscription_set_filter),
               sizeof(host_->subscription_set_filter)) &&
           host_->subscription_set_filter(subscription, filter.data(), filter.size()) == 0;
  }
  bool set_qos(starling_subscription* subscription, int qos) const {
    return has(offsetof(starling_host, subscription_set_qos),
               sizeof(host_->subscription_set_qos)) &&
           host_->subscription_set_qos(subscription, qos) == 0;
  }
  // Whether the broker's host table reaches a function at `offset`.
  bool has(std::size_t offset, std::size_t size) const {
    return host_->struct_size >= offset + size;
  }
  const starling_host& raw() const { return *host_; }
  starling_plugin* self() const { return self_; }

 private:
  const starling_host* host_;
  starling_plugin* self_;
};

class Plugin {
 public:
  explicit Plugin(Host& host) : host_(host) {}
  virtual ~Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  virtual starling_decision authenticate(const starling_auth_event&, starling_reply&) {
    return STARLING_NEXT;
  }
  virtual starling_decision authorize_publish(const starling_publish_event&, starling_reply&) {
    return STARLING_NEXT;
  }
  virtual starling_decision authorize_subscribe(const starling_subscribe_event&, starling_reply&) {
    return STARLING_NEXT;
  }
  virtual starling_decision authorize_delivery(const starling_publish_event&, starling_reply&) {
    return STARLING_NEXT;
  }
  virtual starling_decision on_publish(const starling_publish_event&, starling_reply&) {
    return STARLING_NEXT;
  }
  // Change a SUBSCRIBE filter (or its QoS) with host().set_filter /
  // set_qos on event.subscription, or deny it; must not pend.
  virtual starling_decision on_subscribe(const starling_subscribe_event&, starling_reply&) {
    return STARLING_NEXT;
  }
  // Change an UNSUBSCRIBE filter with host().set_filter, or deny to keep
  // the subscription; must not pend.
  virtual starling_decision on_unsubscribe(const starling_subscribe_event&, starling_reply&) {
    return STARLING_NEXT;
  }
  virtual void on_connected(const starling_client_event&) {}
  virtual void on_disconnected(const starling_client_event&) {}
  virtual void on_message_dropped(const starling_drop_event&) {}
  virtual void on_delivered(const starling_delivery_event&) {}
  virtual void on_session_expired(const starling_session_event&) {}
  virtual void on_timer() {}
  // SIGHUP or Broker::reload_plugins: re-read files. False when the reload
  // failed and the plugin kept its current state (log why).
  virtual bool on_reload() { return true; }
  // The config's [plugins.options] for this plugin changed (SIGHUP, or
  // Broker::update_plugin_options): switch to `options`, or return false
  // to refuse them and keep running with the old ones (log why). Runs while
  // other hooks run on the worker threads. Not overridden: new options take
  // a restart.
  virtual bool on_options(const Options&) { return false; }

  // Set from the constructor.
  void set_topic_filters(std::vector<std::string> filters) { topic_filters_ = std::move(filters); }
  void set_timer_interval_ms(std::uint32_t interval) { timer_interval_ms_ = interval; }

  Host& host() const { return host_; }
  const std::vector<std::string>& topic_filters() const { return topic_filters_; }
  std::uint32_t timer_interval_ms() const { return timer_interval_ms_; }

 private:
  Host& host_;
  std::vector<std::string> topic_filters_;
  std::uint32_t timer_interval_ms_ = 0;
};

namespace detail {

// What the exported C functions keep behind the state pointer.
struct Instance {
  Host host;
  std::unique_ptr<Plugin> plugin;
  std::vector<const char*> filter_pointers;
};

inline void log_exception(const Host& host, const char* where) {
  try {
    throw;
  } catch (const std::exception& e) {
    host.log(STARLING_LOG_ERROR, std::string(where) + " threw: " + e.what());
  } catch (...) {
    host.log(STARLING_LOG_ERROR, std::string(where) + " threw a non-standard exception");
  }
}

template <typename Event, starling_decision (Plugin::*Hook)(const Event&, starling_reply&)>
starling_decision decide(void* state, const Event* event, starling_reply* reply) {
  auto* instance = static_cast<Instance*>(state);
  try {
    return (instance->plugin.get()->*Hook)(*event, *reply);
  } catch (...) {
    log_exception(instance->host, "a hook");
    return STARLING_ERROR;
  }
}

template <typename Event, void (Plugin::*Hook)(const Event&)>
void observe(void* state, const Event* event) {
  auto* instance = static_cast<Instance*>(state);
  try {
    (instance->plugin.get()->*Hook)(*event);
  } catch (...) {
    log_exception(instance->host, "an event hook");
  }
}

inline void timer(void* state) {
  auto* instance = static_cast<Instance*>(state);
  try {
    instance->plugin->on_timer();
  } catch (...) {
    log_exception(instance->host, "on_timer");
  }
}

inline int reload(void* state) {
  auto* instance = static_cast<Instance*>(state);
  try {
    return instance->plugin->on_reload() ? 0 : 1;
  } catch (...) {
    log_exception(instance->host, "on_reload");
    return 1;
  }
}

inline int take_options(void* state, const starling_option* options, std::size_t count) {
  auto* instance = static_cast<Instance*>(state);
  try {
    return instance->plugin->on_options(Options(options, count)) ? 0 : 1;
  } catch (...) {
    log_exception(instance->host, "on_options");
    return 1;
  }
}

// A hook is registered only when T overrides it: &T::f then has type
// "member of T", not "member of Plugin".
#define STARLING_DETAIL_OVERRIDES(T, name) \
  (!std::is_same_v<decltype(&T::name), decltype(&::starling::plugin::Plugin::name)>)

template <typename T>
int init(const starling_host* host, starling_plugin* self, const starling_option* options,
         std::size_t option_count, starling_hooks* hooks, void** state) {
  auto instance = std::make_unique<Instance>(Instance{Host(host, self), nullptr, {}});
  try {
    instance->plugin = std::make_unique<T>(instance->host, Options(options, option_count));
  } catch (...) {
    log_exception(instance->host, "the plugin's constructor");
    return 1;
  }
  Plugin& plugin = *instance->plugin;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, authenticate))
    hooks->authenticate = &decide<starling_auth_event, &Plugin::authenticate>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, authorize_publish))
    hooks->authorize_publish = &decide<starling_publish_event, &Plugin::authorize_publish>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, authorize_subscribe))
    hooks->authorize_subscribe = &decide<starling_subscribe_event, &Plugin::authorize_subscribe>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, authorize_delivery))
    hooks->authorize_delivery = &decide<starling_publish_event, &Plugin::authorize_delivery>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_publish))
    hooks->on_publish = &decide<starling_publish_event, &Plugin::on_publish>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_connected))
    hooks->on_connected = &observe<starling_client_event, &Plugin::on_connected>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_disconnected))
    hooks->on_disconnected = &observe<starling_client_event, &Plugin::on_disconnected>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_message_dropped))
    hooks->on_message_dropped = &observe<starling_drop_event, &Plugin::on_message_dropped>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_delivered))
    hooks->on_delivered = &observe<starling_delivery_event, &Plugin::on_delivered>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_session_expired))
    hooks->on_session_expired = &observe<starling_session_event, &Plugin::on_session_expired>;
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_timer)) {
    hooks->on_timer = &timer;
    hooks->timer_interval_ms = plugin.timer_interval_ms();
  }
  // Hooks appended after ABI version 1 exist only in a broker that sized the struct for them.
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_reload)) {
    if (hooks->struct_size >= offsetof(starling_hooks, on_reload) + sizeof(hooks->on_reload)) {
      hooks->on_reload = &reload;
    }
  }
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_subscribe)) {
    if (hooks->struct_size >=
        offsetof(starling_hooks, on_subscribe) + sizeof(hooks->on_subscribe)) {
      hooks->on_subscribe = &decide<starling_subscribe_event, &Plugin::on_subscribe>;
    }
  }
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_unsubscribe)) {
    if (hooks->struct_size >=
        offsetof(starling_hooks, on_unsubscribe) + sizeof(hooks->on_unsubscribe)) {
      hooks->on_unsubscribe = &decide<starling_subscribe_event, &Plugin::on_unsubscribe>;
    }
  }
  if constexpr (STARLING_DETAIL_OVERRIDES(T, on_options)) {
    if (hooks->struct_size >= offsetof(starling_hooks, on_options) + sizeof(hooks->on_options)) {
      hooks->on_options = &take_options;
    }
  }
  for (const std::string& filter : plugin.topic_filters()) {
    instance->filter_pointers.push_back(filter.c_str());
  }
  hooks->topic_filters = instance->filter_pointers.data();
  hooks->topic_filter_count = instance->filter_pointers.size();
  *state = instance.release();
  return 0;
}

#undef STARLING_DETAIL_OVERRIDES

inline void cleanup(void* state) {
  auto* instance = static_cast<Instance*>(state);
  try {
    delete instance;
  } catch (...) {
  }
}

}  // namespace detail
}  // namespace starling::plugin

// Exports the C entry points for plugin class T (once per plugin library).
#define STARLING_PLUGIN(T)                                                                      \
  extern "C" STARLING_PLUGIN_EXPORT int starling_plugin_version(const int* supported,          \
                                                                size_t count) {                \
    for (size_t i = 0; i < count; ++i) {                                                        \
      if (supported[i] == STARLING_PLUGIN_ABI_VERSION) return STARLING_PLUGIN_ABI_VERSION;      \
    }                                                                                           \
    return -1;                                                                                  \
  }                                                                                             \
  extern "C" STARLING_PLUGIN_EXPORT int starling_plugin_init(                                   \
      const starling_host* host, starling_plugin* self, const starling_option* options,         \
      size_t option_count, starling_hooks* hooks, void** state) {                               \
    return ::starling::plugin::detail::init<T>(host, self, options, option_count, hooks, state); \
  }                                                                                             \
  extern "C" STARLING_PLUGIN_EXPORT void starling_plugin_cleanup(void* state) {                 \
    ::starling::plugin::detail::cleanup(state);                                                 \
  }
