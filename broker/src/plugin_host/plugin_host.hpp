#pragma once
// The loaded plugins, in configuration order, and their hook chains. The
// core calls the chain for a hook point; the first plugin whose answer is
// not STARLING_NEXT decides, and a pending answer resumes the chain after
// the plugin that pended.
//
// Threading: loaded before the workers start, destroyed after they stop;
// the hook chains are called from any worker thread at once (read-only).
// Plugin timers run on a thread of the host's own.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "plugin_host/host_services.hpp"
#include "plugin_host/pending_answers.hpp"
#include "plugin_host/plugin_library.hpp"
#include "starling/options.hpp"
#include "starling/plugin.h"
#include "starling/result.hpp"
#include "util/histogram.hpp"

namespace starling::plugin_host {
class PluginHost;
}

struct starling_plugin {
  starling::plugin_host::PluginHost* host;
  std::size_t index;
  std::string name;  // the library's file name, for log lines
};

namespace starling::plugin_host {

// The hooks whose calls are timed (for the hook latency metrics).
enum class HookPoint {
  kAuthenticate,
  kAuthorizePublish,
  kAuthorizeSubscribe,
  kAuthorizeDelivery,
  kOnPublish,
  kConnected,
  kDisconnected,
  kMessageDropped,
  kDelivered,
  kSessionExpired,
  kOnSubscribe,
  kOnUnsubscribe,
};
inline constexpr std::size_t kHookPointCount = 12;
// "authenticate", "authorize_publish", ...: the hook's name in starling_hooks
// without an "on_" prefix.
const char* hook_point_name(HookPoint hook);

// The outcome of running a chain (or part of it).
struct Verdict {
  enum class Kind { kNext, kAllow, kDeny, kPending };
  Kind kind = Kind::kNext;
  std::uint8_t reason_code = 0;  // for kDeny; 0: the hook point's default
  std::string reason_string;     // for kDeny, optional
  std::size_t plugin = 0;        // for kPending: who pended (resume after it)
  std::uint64_t ticket = 0;      // for kPending
};

class PluginHost {
 public:
  // Loads, negotiates and initialises every plugin in order. Fails naming
  // the first plugin that cannot load or whose init fails; those already
  // initialised are cleaned up again.
  static Result<std::unique_ptr<PluginHost>> load(const std::vector<PluginOptions>& plugins,
                                                  HostServices& services);
  ~PluginHost();  // stops the timers, calls every cleanup in reverse order
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  std::size_t size() const { return plugins_.size(); }
  const std::string& name(std::size_t plugin) const { return plugins_[plugin]->self.name; }
  // How long `plugin`'s `hook` took per call, in nanoseconds; null if the
  // plugin has no such hook. Any thread.
  const Histogram* hook_latency(std::size_t plugin, HookPoint hook) const {
    return plugins_[plugin]->latency[static_cast<std::size_t>(hook)].get();
  }

  bool has_authenticate() const { return has_.authenticate; }
  bool has_authorize_publish() const { return has_.authorize_publish; }
  bool has_authorize_subscribe() const { return has_.authorize_subscribe; }
  bool has_authorize_delivery() const { return has_.authorize_delivery; }
  bool has_on_publish() const { return has_.on_publish; }
  bool has_client_events() const { return has_.client_events; }
  bool has_message_dropped() const { return has_.message_dropped; }
  bool has_delivered() const { return has_.delivered; }
  bool has_session_expired() const { return has_.session_expired; }
  bool has_on_subscribe() const { return has_.on_subscribe; }
  bool has_on_unsubscribe() const { return has_.on_unsubscribe; }

  // Chains that may pend start at plugin `from` (0, or the pending plugin's
  // index + 1 to resume). event->ticket is filled in here.
  Verdict authenticate(starling_auth_event& event, std::size_t from = 0);
  Verdict authorize_publish(starling_publish_event& event, std::size_t from = 0);
  Verdict authorize_subscribe(starling_subscribe_event& event, std::size_t from = 0);
  // Never pends (a pending answer counts as deny).
  Verdict authorize_delivery(const starling_publish_event& event);
  // event.message must point at the message being routed; event.topic and
  // event.payload are refreshed after each plugin that changed them.
  Verdict on_publish(starling_publish_event& event);
  // event.subscription must point at the filter being changed; event.filter
  // and event.qos are refreshed after each plugin. Never pend (a pending
  // answer counts as deny).
  Verdict on_subscribe(starling_subscribe_event& event);
  Verdict on_unsubscribe(starling_subscribe_event& event);
  void connected(const starling_client_event& event);
  void disconnected(const starling_client_event& event);
  void message_dropped(const starling_drop_event& event);
  void delivered(const starling_delivery_event& event);
  void session_expired(const starling_session_event& event);
  // Asks every plugin with an on_reload hook to reload; fails naming the
  // plugins that could not (they keep their current state).
  Status reload();
  // Hands each plugin whose [plugins.options] differ from the running ones
  // its new options (on_options), in plugin order, on the calling thread.
  // `plugins` must be the running list with only options changed: a
  // different length, path or other setting fails and changes nothing (a
  // restart applies it). A plugin that refuses keeps its old options.
  Result<PluginOptionsUpdate> update_options(const std::vector<PluginOptions>& plugins);
  // Replaces `plugin`'s topic filters (empty: every topic). False, changing
  // nothing, when one is not a valid topic filter. Any thread.
  bool set_topic_filters(std::size_t plugin, std::vector<std::string> filters);

  // A pending answer, applied the way the plugin's options say: NEXT means
  // "resume the chain after it", ERROR its on_error fallback.
  Verdict resolve_answer(std::size_t plugin, Answer answer) const;
  // A pending answer that never came, as the plugin's on_timeout says.
  Verdict timed_out(std::size_t plugin) const;
  std::chrono::milliseconds pending_timeout(std::size_t plugin) const {
    return std::chrono::milliseconds(plugins_[plugin]->options.pending_timeout_ms);
  }
  PendingAnswers& pending() { return pending_; }

  // Runs fn(arg) on the timer thread after `delay`. False once stopping.
  bool schedule(std::chrono::milliseconds delay, void (*fn)(void*), void* arg);

  const starling_host& host_table() const { return host_table_; }
  HostServices& services() { return services_; }

 private:
  struct Loaded {
    starling_plugin self;
    PluginOptions options;
    std::unique_ptr<PluginLibrary> library;
    starling_hooks hooks{};
    void* state = nullptr;
    // The topic filters in force (null: every topic), read by every worker
    // thread without a lock. A replaced set is kept until the plugin is
    // unloaded, since a hook call may still be reading it; sets change
    // only on a reload, so they are few.
    std::atomic<const std::vector<std::string>*> topic_filters{nullptr};
    std::vector<std::unique_ptr<const std::vector<std::string>>> filter_sets;  // by filter_mutex
    std::mutex filter_mutex;
    bool initialised = false;
    // Hook errors so far: a failing plugin on the message path must not
    // write a log line per message.
    mutable std::atomic<std::uint64_t> errors{0};
    // Per HookPoint; set for the hooks the plugin has.
    std::array<std::unique_ptr<Histogram>, kHookPointCount> latency;
    Histogram* timer(HookPoint hook) const { return latency[static_cast<std::size_t>(hook)].get(); }
    bool matches(std::string_view topic) const;
  };
  struct Presence {
    bool authenticate = false, authorize_publish = false, authorize_subscribe = false,
         authorize_delivery = false, on_publish = false, client_events = false,
         message_dropped = false, delivered = false, session_expired = false, on_subscribe = false,
         on_unsubscribe = false;
  };

  explicit PluginHost(HostServices& services);
  Status load_one(const PluginOptions& options);
  void start_timers();
  void run_timers();
  // What a hook's direct answer means for the chain.
  Verdict interpret(const Loaded& plugin, std::size_t index, starling_decision decision,
                    const starling_reply& reply, std::uint64_t ticket, bool may_pend) const;
  // The on_subscribe or on_unsubscribe chain.
  Verdict change_subscription(starling_subscribe_event& event, HookPoint point);

  HostServices& services_;
  starling_host host_table_{};
  std::vector<std::unique_ptr<Loaded>> plugins_;
  Presence has_;
  PendingAnswers pending_;
  // One reload or options update at a time.
  std::mutex admin_mutex_;

  struct Scheduled {
    void (*fn)(void*);
    void* arg;
  };
  std::mutex timer_mutex_;
  std::condition_variable timer_cv_;
  bool stopping_ = false;
  std::multimap<std::chrono::steady_clock::time_point, Scheduled> scheduled_;
  std::thread timer_thread_;
};

}  // namespace starling::plugin_host
