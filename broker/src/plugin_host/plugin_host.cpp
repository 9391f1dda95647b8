#include "plugin_host/plugin_host.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <type_traits>
#include <utility>

#include "plugin_host/message_edit.hpp"
#include "plugin_host/subscription_edit.hpp"
#include "routing/topic.hpp"
#include "util/log.hpp"

namespace starling::plugin_host {

namespace {

log::Level to_log_level(starling_log_level level) {
  switch (level) {
    case STARLING_LOG_TRACE: return log::Level::kTrace;
    case STARLING_LOG_DEBUG: return log::Level::kDebug;
    case STARLING_LOG_INFO: return log::Level::kInfo;
    case STARLING_LOG_WARN: return log::Level::kWarn;
    default: return log::Level::kError;
  }
}

// Calls `hook` (a lambda around one plugin's hook) and records how long it took.
template <typename Call>
auto timed(Histogram* latency, Call&& hook) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started = Clock::now();
  const auto record = [&] {
    const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started);
    latency->observe(static_cast<std::uint64_t>(took.count()));
  };
  if constexpr (std::is_void_v<decltype(hook())>) {
    hook();
    record();
  } else {
    auto result = hook();
    record();
    return result;
  }
}

// --- the host table: C entry points for plugins -----------------------------

void host_log(starling_plugin* self, starling_log_level level, const char* message) {
  log::Level l = to_log_level(level);
  if (!log::enabled(l, log::Subsystem::kPlugins)) return;
  log::LineWriter line(l, log::Subsystem::kPlugins);
  line.stream() << "plugin " << (self != nullptr ? self->name : "?") << ": "
                << (message != nullptr ? message : "");
}

std::uint64_t host_now_ms(starling_plugin*) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

int host_answer(starling_plugin* self, std::uint64_t ticket, starling_decision decision,
                std::uint8_t reason_code) {
  if (self == nullptr || decision < STARLING_NEXT || decision > STARLING_ERROR ||
      decision == STARLING_PENDING) {
    return -1;
  }
  return self->host->pending().answer(ticket, Answer{decision, reason_code}) ? 0 : -1;
}

int host_publish(starling_plugin* self, const char* topic, std::size_t topic_size,
                 const void* payload, std::size_t payload_size, int qos, int retain) {
  if (self == nullptr || (topic == nullptr && topic_size != 0) ||
      (payload == nullptr && payload_size != 0) || qos < 0 || qos > 2) {
    return -1;
  }
  std::string t(topic == nullptr ? "" : topic, topic_size);
  std::string p(static_cast<const char*>(payload), payload_size);
  return self->host->services().publish(std::move(t), std::move(p), qos, retain != 0) ? 0 : -1;
}

int host_disconnect_client(starling_plugin* self, const char* client_id, std::size_t size,
                           int send_will) {
  if (self == nullptr || client_id == nullptr) return -1;
  return self->host->services().disconnect_client(std::string(client_id, size), send_will != 0) ? 0
                                                                                               : -1;
}

int host_retained_read(starling_plugin* self, const char* filter, std::size_t filter_size,
                       void (*visit)(void*, starling_bytes, starling_bytes, int), void* arg) {
  if (self == nullptr || visit == nullptr || (filter == nullptr && filter_size != 0)) return -1;
  return self->host->services().read_retained(
      std::string_view(filter == nullptr ? "" : filter, filter_size),
      [visit, arg](std::string_view topic, std::string_view payload, int qos) {
        visit(arg, starling_bytes{topic.data(), topic.size()},
              starling_bytes{payload.data(), payload.size()}, qos);
      });
}

int host_schedule(starling_plugin* self, std::uint32_t delay_ms, void (*fn)(void*), void* arg) {
  if (self == nullptr || fn == nullptr) return -1;
  return self->host->schedule(std::chrono::milliseconds(delay_ms), fn, arg) ? 0 : -1;
}

int host_set_topic_filters(starling_plugin* self, const char* const* filters, std::size_t count) {
  if (self == nullptr || (filters == nullptr && count != 0)) return -1;
  std::vector<std::string> copied;
  copied.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (filters[i] == nullptr) return -1;
    copied.emplace_back(filters[i]);
  }
  return self->host->set_topic_filters(self->index, std::move(copied)) ? 0 : -1;
}

starling_reply fresh_reply() {
  starling_reply reply{};
  reply.struct_size = sizeof(starling_reply);
  return reply;
}

Verdict deny(std::uint8_t reason_code, const char* reason_string = nullptr) {
  Verdict v{Verdict::Kind::kDeny, reason_code, {}, 0, 0};
  if (reason_string != nullptr) v.reason_string = reason_string;
  return v;
}

constexpr std::uint8_t kUnspecifiedError = 0x80;

}  // namespace

const char* hook_point_name(HookPoint hook) {
  switch (hook) {
    case HookPoint::kAuthenticate: return "authenticate";
    case HookPoint::kAuthorizePublish: return "authorize_publish";
    case HookPoint::kAuthorizeSubscribe: return "authorize_subscribe";
    case HookPoint::kAuthorizeDelivery: return "authorize_delivery";
    case HookPoint::kOnPublish: return "publish";
    case HookPoint::kConnected: return "connected";
    case HookPoint::kDisconnected: return "disconnected";
    case HookPoint::kMessageDropped: return "message_dropped";
    case HookPoint::kDelivered: return "delivered";
    case HookPoint::kSessionExpired: return "session_expired";
    case HookPoint::kOnSubscribe:
      return "subscribe";
    case HookPoint::kOnUnsubscribe:
      return "unsubscribe";
  }
  return "unknown";
}

// --- loading -----------------------------------------------------------------

PluginHost::PluginHost(HostServices& services) : services_(services) {
  host_table_.struct_size = sizeof(starling_host);
  host_table_.abi_version = STARLING_PLUGIN_ABI_VERSION;
  host_table_.log = &host_log;
  host_table_.now_ms = &host_now_ms;
  host_table_.answer = &host_answer;
  host_table_.publish = &host_publish;
  host_table_.disconnect_client = &host_disconnect_client;
  host_table_.message_set_topic = &message_set_topic;
  host_table_.message_set_payload = &message_set_payload;
  host_table_.message_set_qos = &message_set_qos;
  host_table_.message_set_retain = &message_set_retain;
  host_table_.retained_read = &host_retained_read;
  host_table_.schedule = &host_schedule;
  host_table_.set_topic_filters = &host_set_topic_filters;
  host_table_.subscription_set_filter = &subscription_set_filter;
  host_table_.subscription_set_qos = &subscription_set_qos;
}

Result<std::unique_ptr<PluginHost>> PluginHost::load(const std::vector<PluginOptions>& plugins,
                                                     HostServices& services) {
  std::unique_ptr<PluginHost> host(new PluginHost(services));
  for (const PluginOptions& options : plugins) {
    if (auto status = host->load_one(options); !status.ok()) {
      return Error{1, "plugin '" + options.path + "': " + status.error().message};
    }
  }
  host->start_timers();
  return host;
}

Status PluginHost::load_one(const PluginOptions& options) {
  if (options.on_timeout != "deny" && options.on_timeout != "allow") {
    return Error{1, "on_timeout must be \"deny\" or \"allow\""};
  }
  if (options.on_error != "deny" && options.on_error != "next") {
    return Error{1, "on_error must be \"deny\" or \"next\""};
  }
  auto library = PluginLibrary::open(options.path);
  if (!library.ok()) return library.error();

  auto loaded = std::make_unique<Loaded>();
  loaded->self = starling_plugin{this, plugins_.size(),
                                 std::filesystem::path(options.path).filename().string()};
  loaded->options = options;
  loaded->library = std::move(library).value();
  loaded->hooks.struct_size = sizeof(starling_hooks);

  std::vector<starling_option> raw_options;
  raw_options.reserve(options.options.size());
  for (const auto& [key, value] : options.options) raw_options.push_back({key.c_str(), value.c_str()});
  Loaded& plugin = *loaded;
  plugins_.push_back(std::move(loaded));  // cleaned up by ~PluginHost from here on

  int rc = plugin.library->init()(&host_table_, &plugin.self, raw_options.data(),
                                  raw_options.size(), &plugin.hooks, &plugin.state);
  if (rc != 0) {
    plugins_.pop_back();  // a failed init owns nothing to clean up
    return Error{1, "init failed (returned " + std::to_string(rc) + ")"};
  }
  plugin.initialised = true;
  std::vector<std::string> filters;
  for (std::size_t i = 0; i < plugin.hooks.topic_filter_count; ++i) {
    const char* filter = plugin.hooks.topic_filters[i];
    if (filter == nullptr || !routing::is_valid_topic_filter(filter)) {
      return Error{1, std::string("invalid topic filter '") + (filter ? filter : "(null)") + "'"};
    }
    filters.emplace_back(filter);
  }
  // Filters given through host->set_topic_filters during init stay unless
  // the hooks name others.
  if (!filters.empty()) (void)set_topic_filters(plugin.self.index, std::move(filters));
  plugin.hooks.topic_filters = nullptr;  // the plugin's array is not ours to keep
  plugin.hooks.topic_filter_count = 0;

  const starling_hooks& h = plugin.hooks;
  const bool present[kHookPointCount] = {
      h.authenticate != nullptr,        h.authorize_publish != nullptr,
      h.authorize_subscribe != nullptr, h.authorize_delivery != nullptr,
      h.on_publish != nullptr,          h.on_connected != nullptr,
      h.on_disconnected != nullptr,     h.on_message_dropped != nullptr,
      h.on_delivered != nullptr,        h.on_session_expired != nullptr,
      h.on_subscribe != nullptr,        h.on_unsubscribe != nullptr};
  for (std::size_t i = 0; i < kHookPointCount; ++i) {
    if (present[i]) plugin.latency[i] = std::make_unique<Histogram>(kLatencyBucketsNs);
  }
  has_.authenticate |= h.authenticate != nullptr;
  has_.authorize_publish |= h.authorize_publish != nullptr;
  has_.authorize_subscribe |= h.authorize_subscribe != nullptr;
  has_.authorize_delivery |= h.authorize_delivery != nullptr;
  has_.on_publish |= h.on_publish != nullptr;
  has_.client_events |= h.on_connected != nullptr || h.on_disconnected != nullptr;
  has_.message_dropped |= h.on_message_dropped != nullptr;
  has_.delivered |= h.on_delivered != nullptr;
  has_.session_expired |= h.on_session_expired != nullptr;
  has_.on_subscribe |= h.on_subscribe != nullptr;
  has_.on_unsubscribe |= h.on_unsubscribe != nullptr;
  STARLING_LOG(kInfo) << "plugin " << plugin.self.name << " loaded (ABI version "
                      << plugin.library->abi_version() << ")";
  return {};
}

PluginHost::~PluginHost() {
  {
    std::lock_guard lock(timer_mutex_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_thread_.joinable()) timer_thread_.join();
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    Loaded& plugin = **it;
    if (plugin.initialised && plugin.library->cleanup() != nullptr) plugin.library->cleanup()(plugin.state);
  }
  plugins_.clear();  // dlclose after every cleanup
}

bool PluginHost::Loaded::matches(std::string_view topic) const {
  const std::vector<std::string>* filters = topic_filters.load(std::memory_order_acquire);
  if (filters == nullptr || filters->empty()) return true;
  return std::any_of(filters->begin(), filters->end(),
                     [topic](const std::string& f) { return routing::topic_matches(f, topic); });
}

bool PluginHost::set_topic_filters(std::size_t plugin, std::vector<std::string> filters) {
  if (plugin >= plugins_.size()) return false;
  for (const std::string& filter : filters) {
    if (!routing::is_valid_topic_filter(filter)) return false;
  }
  Loaded& p = *plugins_[plugin];
  auto fresh = std::make_unique<const std::vector<std::string>>(std::move(filters));
  std::lock_guard lock(p.filter_mutex);
  p.topic_filters.store(fresh.get(), std::memory_order_release);
  p.filter_sets.push_back(std::move(fresh));
  return true;
}

// --- chains ------------------------------------------------------------------

Verdict PluginHost::interpret(const Loaded& plugin, std::size_t index, starling_decision decision,
                              const starling_reply& reply, std::uint64_t ticket,
                              bool may_pend) const {
  switch (decision) {
    case STARLING_NEXT: return {};
    case STARLING_ALLOW: return Verdict{Verdict::Kind::kAllow};
    case STARLING_DENY: return deny(reply.reason_code, reply.reason_string);
    case STARLING_PENDING:
      if (may_pend) return Verdict{Verdict::Kind::kPending, 0, {}, index, ticket};
      STARLING_LOG(kWarn) << "plugin " << plugin.self.name
                          << ": answered pending where it may not; counted as deny";
      return deny(0);
    case STARLING_ERROR:
    default:
      if (std::uint64_t n = plugin.errors.fetch_add(1, std::memory_order_relaxed) + 1;
          n == 1 || n % 1000 == 0) {
        STARLING_LOG(kWarn) << "plugin " << plugin.self.name << ": hook reported an error ("
                            << n << " so far, logged every 1000th); "
                            << (plugin.options.on_error == "next" ? "asking the next plugin"
                                                                 : "denied");
      }
      if (plugin.options.on_error == "next") return {};
      return deny(kUnspecifiedError);
  }
}

Verdict PluginHost::resolve_answer(std::size_t plugin, Answer answer) const {
  starling_reply reply = fresh_reply();
  reply.reason_code = answer.reason_code;
  return interpret(*plugins_[plugin], plugin, answer.decision, reply, 0, false);
}

Verdict PluginHost::timed_out(std::size_t plugin) const {
  const Loaded& p = *plugins_[plugin];
  STARLING_LOG(kWarn) << "plugin " << p.self.name << ": no answer within "
                      << p.options.pending_timeout_ms << " ms; "
                      << (p.options.on_timeout == "allow" ? "allowed" : "denied");
  if (p.options.on_timeout == "allow") return Verdict{Verdict::Kind::kAllow};
  return deny(kUnspecifiedError);
}

Verdict PluginHost::authenticate(starling_auth_event& event, std::size_t from) {
  for (std::size_t i = from; i < plugins_.size(); ++i) {
    Loaded& p = *plugins_[i];
    if (p.hooks.authenticate == nullptr) continue;
    event.ticket = pending_.issue();
    starling_reply reply = fresh_reply();
    const starling_decision d = timed(p.timer(HookPoint::kAuthenticate), [&] {
      return p.hooks.authenticate(p.state, &event, &reply);
    });
    Verdict v = interpret(p, i, d, reply, event.ticket, true);
    if (v.kind != Verdict::Kind::kNext) return v;
  }
  return {};
}

Verdict PluginHost::authorize_publish(starling_publish_event& event, std::size_t from) {
  std::string_view topic(event.topic.data, event.topic.size);
  for (std::size_t i = from; i < plugins_.size(); ++i) {
    Loaded& p = *plugins_[i];
    if (p.hooks.authorize_publish == nullptr || !p.matches(topic)) continue;
    event.ticket = pending_.issue();
    starling_reply reply = fresh_reply();
    const starling_decision d = timed(p.timer(HookPoint::kAuthorizePublish), [&] {
      return p.hooks.authorize_publish(p.state, &event, &reply);
    });
    Verdict v = interpret(p, i, d, reply, event.ticket, true);
    if (v.kind != Verdict::Kind::kNext) return v;
  }
  return {};
}

Verdict PluginHost::authorize_subscribe(starling_subscribe_event& event, std::size_t from) {
  for (std::size_t i = from; i < plugins_.size(); ++i) {
    Loaded& p = *plugins_[i];
    if (p.hooks.authorize_subscribe == nullptr) continue;
    event.ticket = pending_.issue();
    starling_reply reply = fresh_reply();
    const starling_decision d = timed(p.timer(HookPoint::kAuthorizeSubscribe), [&] {
      return p.hooks.authorize_subscribe(p.state, &event, &reply);
    });
    Verdict v = interpret(p, i, d, reply, event.ticket, true);
    if (v.kind != Verdict::Kind::kNext) return v;
  }
  return {};
}

Verdict PluginHost::authorize_delivery(const starling_publish_event& event) {
  std::string_view topic(event.topic.data, event.topic.size);
  for (std::size_t i = 0; i < plugins_.size(); ++i) {
    Loaded& p = *plugins_[i];
    if (p.hooks.authorize_delivery == nullptr || !p.matches(topic)) continue;
    starling_reply reply = fresh_reply();
    const starling_decision d = timed(p.timer(HookPoint::kAuthorizeDelivery), [&] {
      return p.hooks.authorize_delivery(p.state, &event, &reply);
    });
    Verdict v = interpret(p, i, d, reply, 0, false);
    if (v.kind != Verdict::Kind::kNext) return v;
  }
  return {};
}

Verdict PluginHost::on_publish(starling_publish_event& event) {
  protocol::Publish& publish = *event.message->publish;
  for (std::size_t i = 0; i < plugins_.size(); ++i) {
    Loaded& p = *plugins_[i];
    if (p.hooks.on_publish == nullptr || !p.matches(publish.topic)) continue;
    starling_reply reply = fresh_reply();
    starling_decision decision = timed(p.timer(HookPoint::kOnPublish),
                                       [&] { return p.hooks.on_publish(p.state, &event, &reply); });
    // A plugin may have changed the message: later plugins see the new one.
    event.topic = {publish.topic.data(), publish.topic.size()};
    event.payload = {publish.payload.data(), publish.payload.size()};
    event.qos = publish.qos;
    event.retain = publish.retain ? 1 : 0;
    Verdict v = interpret(p, i, decision, reply, 0, false);
    if (v.kind != Verdict::Kind::kNext) return v;
  }
  return {};
}

Verdict PluginHost::on_subscribe(starling_subscribe_event& event) {
  return change_subscription(event, HookPoint::kOnSubscribe);
}

Verdict PluginHost::on_unsubscribe(starling_subscribe_event& event) {
  return change_subscription(event, HookPoint::kOnUnsubscribe);
}

Verdict PluginHost::change_subscription(starling_subscribe_event& event, HookPoint point) {
  starling_subscription& subscription = *event.subscription;
  for (std::size_t i = 0; i < plugins_.size(); ++i) {
    Loaded& p = *plugins_[i];
    auto hook = point == HookPoint::kOnSubscribe ? p.hooks.on_subscribe : p.hooks.on_unsubscribe;
    if (hook == nullptr) continue;
    starling_reply reply = fresh_reply();
    const starling_decision decision =
        timed(p.timer(point), [&] { return hook(p.state, &event, &reply); });
    // A plugin may have changed the filter: later plugins see the new one.
    event.filter = {subscription.filter->data(), subscription.filter->size()};
    if (subscription.qos != nullptr) event.qos = *subscription.qos;
    Verdict v = interpret(p, i, decision, reply, 0, false);
    if (v.kind != Verdict::Kind::kNext) return v;
  }
  return {};
}

void PluginHost::connected(const starling_client_event& event) {
  for (auto& p : plugins_) {
    if (p->hooks.on_connected != nullptr) {
      timed(p->timer(HookPoint::kConnected), [&] { p->hooks.on_connected(p->state, &event); });
    }
  }
}

void PluginHost::disconnected(const starling_client_event& event) {
  for (auto& p : plugins_) {
    if (p->hooks.on_disconnected != nullptr) {
      timed(p->timer(HookPoint::kDisconnected),
            [&] { p->hooks.on_disconnected(p->state, &event); });
    }
  }
}

void PluginHost::message_dropped(const starling_drop_event& event) {
  for (auto& p : plugins_) {
    if (p->hooks.on_message_dropped != nullptr) {
      timed(p->timer(HookPoint::kMessageDropped),
            [&] { p->hooks.on_message_dropped(p->state, &event); });
    }
  }
}

void PluginHost::delivered(const starling_delivery_event& event) {
  for (auto& p : plugins_) {
    if (p->hooks.on_delivered != nullptr) {
      timed(p->timer(HookPoint::kDelivered), [&] { p->hooks.on_delivered(p->state, &event); });
    }
  }
}

void PluginHost::session_expired(const starling_session_event& event) {
  for (auto& p : plugins_) {
    if (p->hooks.on_session_expired != nullptr) {
      timed(p->timer(HookPoint::kSessionExpired),
            [&] { p->hooks.on_session_expired(p->state, &event); });
    }
  }
}

Status PluginHost::reload() {
  std::lock_guard lock(admin_mutex_);
  std::string failed;
  for (auto& p : plugins_) {
    if (p->hooks.on_reload == nullptr || p->hooks.on_reload(p->state) == 0) continue;
    failed += (failed.empty() ? "" : ", ") + p->self.name;
  }
  if (failed.empty()) return {};
  return Error{1, "plugin reload failed: " + failed + " (kept their current state)"};
}

Result<PluginOptionsUpdate> PluginHost::update_options(const std::vector<PluginOptions>& plugins) {
  std::lock_guard lock(admin_mutex_);
  if (plugins.size() != plugins_.size()) {
    return Error{1, "the plugin list changed (" + std::to_string(plugins_.size()) +
                        " plugins, now " + std::to_string(plugins.size()) +
                        "): a restart applies it"};
  }
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    PluginOptions settings = plugins[i];
    settings.options = plugins_[i]->options.options;
    if (settings != plugins_[i]->options) {
      return Error{1, "plugin " + plugins_[i]->self.name +
                          ": its path or settings changed: a restart applies them"};
    }
  }
  PluginOptionsUpdate update;
  update.in_force.assign(plugins.size(), true);
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    Loaded& p = *plugins_[i];
    if (plugins[i].options == p.options.options) continue;
    update.in_force[i] = false;
    if (p.hooks.on_options == nullptr) {
      update.need_restart.push_back(p.self.name);
      continue;
    }
    std::vector<starling_option> raw;
    raw.reserve(plugins[i].options.size());
    for (const auto& [key, value] : plugins[i].options) raw.push_back({key.c_str(), value.c_str()});
    if (p.hooks.on_options(p.state, raw.data(), raw.size()) != 0) {
      STARLING_LOG(kWarn) << "plugin " << p.self.name
                          << " rejected its new options and keeps its old ones";
      update.rejected.push_back(p.self.name);
      continue;
    }
    p.options.options = plugins[i].options;  // only this thread, under admin_mutex_, reads them
    STARLING_LOG(kInfo) << "plugin " << p.self.name << ": new options applied";
    update.applied.push_back(p.self.name);
    update.in_force[i] = true;
  }
  return update;
}

// --- timers --------------------------------------------------------------------

void PluginHost::start_timers() {
  if (!plugins_.empty()) timer_thread_ = std::thread([this] { run_timers(); });
}

bool PluginHost::schedule(std::chrono::milliseconds delay, void (*fn)(void*), void* arg) {
  {
    std::lock_guard lock(timer_mutex_);
    if (stopping_ || !timer_thread_.joinable()) return false;
    scheduled_.emplace(std::chrono::steady_clock::now() + delay, Scheduled{fn, arg});
  }
  timer_cv_.notify_all();
  return true;
}

void PluginHost::run_timers() {
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> due(plugins_.size());
  auto now = Clock::now();
  for (std::size_t i = 0; i < plugins_.size(); ++i) {
    due[i] = now + std::chrono::milliseconds(plugins_[i]->hooks.timer_interval_ms);
  }
  std::unique_lock lock(timer_mutex_);
  while (!stopping_) {
    Clock::time_point next = scheduled_.empty() ? Clock::time_point::max() : scheduled_.begin()->first;
    for (std::size_t i = 0; i < plugins_.size(); ++i) {
      const Loaded& p = *plugins_[i];
      if (p.hooks.on_timer != nullptr && p.hooks.timer_interval_ms > 0) next = std::min(next, due[i]);
    }
    auto woken = [&] {
      return stopping_ || (!scheduled_.empty() && scheduled_.begin()->first < next);
    };
    if (next == Clock::time_point::max()) {
      timer_cv_.wait(lock, woken);
    } else {
      timer_cv_.wait_until(lock, next, woken);
    }
    if (stopping_) break;
    now = Clock::now();
    std::vector<Scheduled> ready;
    while (!scheduled_.empty() && scheduled_.begin()->first <= now) {
      ready.push_back(scheduled_.begin()->second);
      scheduled_.erase(scheduled_.begin());
    }
    lock.unlock();
    for (const Scheduled& task : ready) task.fn(task.arg);
    for (std::size_t i = 0; i < plugins_.size(); ++i) {
      Loaded& p = *plugins_[i];
      if (p.hooks.on_timer == nullptr || p.hooks.timer_interval_ms == 0 || now < due[i]) continue;
      p.hooks.on_timer(p.state);
      due[i] = now + std::chrono::milliseconds(p.hooks.timer_interval_ms);
    }
    lock.lock();
  }
}

}  // namespace starling::plugin_host
