#include "hook_calls.hpp"

#include <pybind11/pybind11.h>

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "hook_objects.hpp"
#include "hook_results.hpp"
#include "python_error.hpp"
#include "python_plugin.hpp"
#include "thread_gil.hpp"

namespace starling::plugins::python {

namespace py = pybind11;
using plugin::view;

namespace {

PythonPlugin& plugin_of(void* state) {
  return *static_cast<PythonPlugin*>(state);
}

// The hooks in force for this call (see PluginContext::current_hooks): a
// job that outlives the call keeps them alive by holding this pointer.
using Hooks = std::shared_ptr<HookSet>;

// The one `kind` hook of the hooks in force, or null: the scripts of a
// reload may lack a hook the broker still calls.
const Hook* single_hook(const Hooks& hooks, HookKind kind) {
  if (!hooks || !hooks->registry.has(kind)) return nullptr;
  return &hooks->registry.hooks(kind).front();
}

void report(const PluginContext& context, const Hook& hook, const std::string& what) {
  context.host.log(STARLING_LOG_ERROR, std::string(hook_kind_name(hook.kind)) + " hook " +
                                           hook.where + " failed:\n" + what);
}

void report_queue_full(const PluginContext& context, const Hook& hook) {
  static std::atomic<std::uint64_t> refused{0};
  const std::uint64_t n = refused.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n == 1 || n % 1000 == 0) {
    context.host.log(STARLING_LOG_WARN, "the Python thread is " + std::to_string(n) +
                                            " calls behind; refusing a call of " + hook.where +
                                            " (logged every 1000th)");
  }
}

// Runs `call` (which calls `hook`); an exception is logged as the hook's
// failure, with its traceback. False then. REQUIRES: the GIL.
template <typename Call>
bool call_hook(const PluginContext& context, const Hook& hook, Call&& call) {
  try {
    call();
    return true;
  } catch (const py::error_already_set& e) {
    report(context, hook, describe_python_error(e));
  } catch (const std::exception& e) {
    report(context, hook, e.what());
  }
  return false;
}

// An event's reply->reason_string must outlive the hook's return; the broker
// copies it before this thread calls a hook again.
thread_local std::string t_reason_string;

starling_decision reply_with(const Verdict& verdict, starling_reply* reply) {
  if (verdict.decision == STARLING_DENY) {
    reply->reason_code = verdict.reason_code;
    if (verdict.reason) {
      t_reason_string = *verdict.reason;
      reply->reason_string = t_reason_string.c_str();
    }
  }
  return verdict.decision;
}

// Runs `awaitable` as a task on the plugin's loop; `done(task)` runs there
// when it ends. REQUIRES: the Python thread.
void spawn(py::object awaitable, std::function<void(py::object)> done) {
  py::module_::import("starling")
      .attr("_spawn")(std::move(awaitable), py::cpp_function(std::move(done)));
}

void answer(const PluginContext& context, std::uint64_t ticket, const Verdict& verdict) {
  py::gil_scoped_release release;
  // False when the client left or the broker stopped waiting: nothing to do.
  [[maybe_unused]] const bool delivered =
      context.host.answer(ticket, verdict.decision, verdict.reason_code);
}

// REQUIRES: the Python thread.
void answer_when_done(PythonPlugin& plugin, Hooks hooks, const Hook& hook, std::uint64_t ticket,
                      py::object awaitable) {
  try {
    spawn(
        std::move(awaitable), [&plugin, hooks = std::move(hooks), &hook, ticket](py::object task) {
          if (task.attr("cancelled")().cast<bool>()) return;  // the broker is stopping
          Verdict verdict{STARLING_ERROR, 0, std::nullopt};
          py::object failure = task.attr("exception")();
          if (!failure.is_none()) {
            report(plugin.context, hook, describe_python_exception(failure));
          } else {
            call_hook(plugin.context, hook, [&] { verdict = verdict_from(task.attr("result")()); });
          }
          answer(plugin.context, ticket, verdict);
        });
  } catch (const py::error_already_set& e) {
    report(plugin.context, hook, describe_python_error(e));
    answer(plugin.context, ticket, Verdict{STARLING_ERROR, 0, std::nullopt});
  }
}

// An `async def` hook: called and awaited on the Python thread; this
// (broker) thread takes no GIL.
template <typename Info>
starling_decision pend(PythonPlugin& plugin, const Hooks& hooks, const Hook& hook,
                       std::shared_ptr<Info> info, std::uint64_t ticket) {
  const bool queued =
      plugin.context.queue->post([&plugin, hooks, &hook, info = std::move(info), ticket] {
        py::object awaitable;
        if (!call_hook(plugin.context, hook, [&] { awaitable = hook.function(info); })) {
          answer(plugin.context, ticket, Verdict{STARLING_ERROR, 0, std::nullopt});
          return;
        }
        answer_when_done(plugin, hooks, hook, ticket, std::move(awaitable));
      });
  if (!queued) {
    report_queue_full(plugin.context, hook);
    return STARLING_ERROR;
  }
  return STARLING_PENDING;
}

template <typename Info>
starling_decision decide(PythonPlugin& plugin, const Hooks& hooks, const Hook& hook,
                         std::shared_ptr<Info> info, std::uint64_t ticket, bool may_pend,
                         starling_reply* reply) {
  if (hook.is_async) return pend(plugin, hooks, hook, std::move(info), ticket);
  ThreadGil gil;
  starling_decision decision = STARLING_ERROR;
  call_hook(plugin.context, hook, [&] {
    py::object result = hook.function(std::move(info));
    if (!is_awaitable(result)) {
      decision = reply_with(verdict_from(result), reply);
      return;
    }
    if (!may_pend) {
      throw py::type_error(std::string(hook_kind_name(hook.kind)) +
                           " must answer at once, but returned an awaitable");
    }
    // A plain function that returned a coroutine: await it like an async hook.
    const bool queued = plugin.context.queue->post(
        [&plugin, hooks, &hook, ticket, awaitable = std::move(result)]() mutable {
          answer_when_done(plugin, hooks, hook, ticket, std::move(awaitable));
        });
    if (queued) {
      decision = STARLING_PENDING;
    } else {
      report_queue_full(plugin.context, hook);
    }
  });
  return decision;
}

// Calls every `kind` hook with `info`; errors are logged, the others still run.
template <typename Info>
void notify(PythonPlugin& plugin, HookKind kind, std::shared_ptr<Info> info) {
  const Hooks hooks = plugin.context.current_hooks();
  if (!hooks || !hooks->registry.has(kind)) return;
  ThreadGil gil;
  py::object event = py::cast(std::move(info));
  for (const Hook& hook : hooks->registry.hooks(kind)) {
    call_hook(plugin.context, hook, [&] { hook.function(event); });
  }
}

// Gives the broker what on_message hooks changed; an invalid value is the
// hook's error.
starling_decision apply_changes(const PythonPlugin& plugin, const starling_publish_event& event,
                                const MessageInfo& message) {
  const plugin::Host& host = plugin.context.host;
  std::string refused;
  if (message.topic != view(event.topic) && !host.set_topic(event.message, message.topic)) {
    refused = "topic '" + message.topic + "'";
  } else if (message.payload != view(event.payload) &&
             !host.set_payload(event.message, message.payload)) {
    refused = "payload of " + std::to_string(message.payload.size()) + " bytes";
  } else if (message.qos != event.qos && !host.set_qos(event.message, message.qos)) {
    refused = "QoS " + std::to_string(message.qos);
  } else if (message.retain != (event.retain != 0) &&
             !host.set_retain(event.message, message.retain)) {
    refused = "retain";
  }
  if (refused.empty()) return STARLING_NEXT;
  host.log(STARLING_LOG_ERROR, "on_message: the broker refused the changed message's " + refused);
  return STARLING_ERROR;
}

// Nothing may leave a hook: the catch-all covers allocation failures
// outside the Python calls (those catch their own errors).
template <typename Fn>
starling_decision guarded(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (...) {
    return STARLING_ERROR;
  }
}

template <typename Fn>
void guarded_event(Fn&& fn) noexcept {
  try {
    fn();
  } catch (...) {  // NOLINT(bugprone-empty-catch): an event has no error to return
  }
}

}  // namespace

starling_decision authenticate(void* state, const starling_auth_event* event,
                               starling_reply* reply) {
  return guarded([&] {
    PythonPlugin& plugin = plugin_of(state);
    const Hooks hooks = plugin.context.current_hooks();
    const Hook* hook = single_hook(hooks, HookKind::kAuthenticate);
    if (hook == nullptr) return STARLING_NEXT;
    return decide(plugin, hooks, *hook, ConnectInfo::from(*event), event->ticket, true, reply);
  });
}

starling_decision authorize_publish(void* state, const starling_publish_event* event,
                                    starling_reply* reply) {
  return guarded([&] {
    PythonPlugin& plugin = plugin_of(state);
    const Hooks hooks = plugin.context.current_hooks();
    const Hook* hook = single_hook(hooks, HookKind::kAuthorizePublish);
    if (hook == nullptr || !hook->matches(view(event->topic))) return STARLING_NEXT;
    return decide(plugin, hooks, *hook, MessageInfo::from(*event), event->ticket, true, reply);
  });
}

starling_decision authorize_subscribe(void* state, const starling_subscribe_event* event,
                                      starling_reply* reply) {
  return guarded([&] {
    PythonPlugin& plugin = plugin_of(state);
    const Hooks hooks = plugin.context.current_hooks();
    const Hook* hook = single_hook(hooks, HookKind::kAuthorizeSubscribe);
    if (hook == nullptr) return STARLING_NEXT;
    return decide(plugin, hooks, *hook, SubscriptionInfo::from(*event), event->ticket, true, reply);
  });
}

starling_decision authorize_delivery(void* state, const starling_publish_event* event,
                                     starling_reply* reply) {
  return guarded([&] {
    PythonPlugin& plugin = plugin_of(state);
    const Hooks hooks = plugin.context.current_hooks();
    const Hook* hook = single_hook(hooks, HookKind::kDeliver);
    if (hook == nullptr || !hook->matches(view(event->topic))) return STARLING_NEXT;
    return decide(plugin, hooks, *hook, MessageInfo::from(*event), 0, false, reply);
  });
}

starling_decision on_publish(void* state, const starling_publish_event* event,
                             starling_reply* reply) {
  return guarded([&] {
    PythonPlugin& plugin = plugin_of(state);
    const Hooks snapshot = plugin.context.current_hooks();
    if (!snapshot) return STARLING_NEXT;
    const HookRegistry& hooks = snapshot->registry;
    if (!hooks.any_matches(HookKind::kMessage, view(event->topic))) return STARLING_NEXT;
    std::shared_ptr<MessageInfo> message = MessageInfo::from(*event);
    std::optional<Verdict> dropped;
    {
      ThreadGil gil;
      py::object object = py::cast(message);
      for (const Hook& hook : hooks.hooks(HookKind::kMessage)) {
        // A hook sees the topic as earlier hooks left it.
        if (!hook.matches(message->topic)) continue;
        if (!call_hook(plugin.context, hook, [&] {
              dropped = apply_message_result(hook.function(object), message, object);
            })) {
          return STARLING_ERROR;
        }
        if (dropped) break;
      }
    }
    if (dropped) return reply_with(*dropped, reply);
    return apply_changes(plugin, *event, *message);
  });
}

void on_connected(void* state, const starling_client_event* event) {
  guarded_event(
      [&] { notify(plugin_of(state), HookKind::kConnected, ConnectionInfo::connected(*event)); });
}

void on_disconnected(void* state, const starling_client_event* event) {
  guarded_event([&] {
    notify(plugin_of(state), HookKind::kDisconnected, ConnectionInfo::disconnected(*event));
  });
}

void on_message_dropped(void* state, const starling_drop_event* event) {
  guarded_event(
      [&] { notify(plugin_of(state), HookKind::kMessageDropped, DropInfo::from(*event)); });
}

void on_timer(void* state) {
  guarded_event([&] {
    PythonPlugin& plugin = plugin_of(state);
    // The timers belong to the hooks in force: a reload starts new ones.
    const Hooks snapshot = plugin.context.current_hooks();
    if (!snapshot) return;
    EveryTimers& timers = snapshot->timers;
    const std::vector<Hook>& hooks = snapshot->registry.hooks(HookKind::kEvery);
    for (std::size_t index : timers.take_due(EveryTimers::Clock::now())) {
      const Hook& hook = hooks[index];
      // Timers run on the Python thread, so a slow one never holds up the
      // broker's timer thread (shared by every plugin).
      const bool queued = plugin.context.queue->post([&plugin, snapshot, &timers, &hook, index] {
        bool spawned = false;
        call_hook(plugin.context, hook, [&] {
          py::object result = hook.function();
          if (!is_awaitable(result)) return;
          spawn(std::move(result), [&plugin, snapshot, &timers, &hook, index](py::object task) {
            timers.finished(index);
            if (task.attr("cancelled")().cast<bool>()) return;
            py::object failure = task.attr("exception")();
            if (!failure.is_none()) {
              report(plugin.context, hook, describe_python_exception(failure));
            }
          });
          spawned = true;
        });
        if (!spawned) timers.finished(index);
      });
      if (!queued) {
        timers.finished(index);
        report_queue_full(plugin.context, hook);
      }
    }
  });
}

}  // namespace starling::plugins::python
