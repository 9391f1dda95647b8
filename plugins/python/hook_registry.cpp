#include "hook_registry.hpp"

#include <algorithm>
#include <numeric>

#include "../common/topic_filter.hpp"

namespace starling::plugins::python {

namespace {

bool is_decision(HookKind kind) {
  return kind == HookKind::kAuthenticate || kind == HookKind::kAuthorizePublish ||
         kind == HookKind::kAuthorizeSubscribe || kind == HookKind::kDeliver;
}

// Decision hooks that may answer later (STARLING_PENDING), and timers,
// which run on the plugin's loop anyway.
bool may_be_async(HookKind kind) {
  return kind == HookKind::kAuthenticate || kind == HookKind::kAuthorizePublish ||
         kind == HookKind::kAuthorizeSubscribe || kind == HookKind::kEvery;
}

bool takes_filters(HookKind kind) {
  return kind == HookKind::kAuthorizePublish || kind == HookKind::kDeliver ||
         kind == HookKind::kMessage;
}

}  // namespace

const char* hook_kind_name(HookKind kind) {
  switch (kind) {
    case HookKind::kAuthenticate:
      return "on_authenticate";
    case HookKind::kAuthorizePublish:
      return "on_authorize_publish";
    case HookKind::kAuthorizeSubscribe:
      return "on_authorize_subscribe";
    case HookKind::kDeliver:
      return "on_deliver";
    case HookKind::kMessage:
      return "on_message";
    case HookKind::kConnected:
      return "on_connected";
    case HookKind::kDisconnected:
      return "on_disconnected";
    case HookKind::kMessageDropped:
      return "on_message_dropped";
    case HookKind::kEvery:
      return "every";
  }
  return "?";
}

bool Hook::matches(std::string_view topic) const {
  return filters.empty() || std::any_of(filters.begin(), filters.end(),
                                        [topic](const auto& f) { return topic_matches(f, topic); });
}

Status HookRegistry::add(Hook hook) {
  const std::string name = std::string("starling.") + hook_kind_name(hook.kind);
  std::vector<Hook>& same = hooks_[static_cast<std::size_t>(hook.kind)];
  // One answer per decision: a chain inside one plugin would make "which
  // hook decided" and waiting for an async one in the middle hard to follow.
  if (is_decision(hook.kind) && !same.empty()) {
    return Error{0, name + " is registered already (" + same.front().where + "); " + hook.where +
                        " would be a second one"};
  }
  if (hook.is_async && !may_be_async(hook.kind)) {
    return Error{0, name + " cannot be async def (" + hook.where +
                        "): only on_authenticate, on_authorize_publish, "
                        "on_authorize_subscribe and every can wait"};
  }
  if (!hook.filters.empty() && !takes_filters(hook.kind)) {
    return Error{0, name + " takes no topic filter (" + hook.where + ")"};
  }
  for (const std::string& filter : hook.filters) {
    if (!is_valid_filter(filter)) {
      return Error{0, name + ": invalid topic filter '" + filter + "' (" + hook.where + ")"};
    }
  }
  if (hook.kind == HookKind::kEvery && hook.interval_ms == 0) {
    return Error{0, name + ": the interval must be at least 1 ms (" + hook.where + ")"};
  }
  same.push_back(std::move(hook));
  return {};
}

bool HookRegistry::any_matches(HookKind kind, std::string_view topic) const {
  const std::vector<Hook>& candidates = hooks(kind);
  return std::any_of(candidates.begin(), candidates.end(),
                     [topic](const Hook& hook) { return hook.matches(topic); });
}

std::vector<std::string> HookRegistry::broker_topic_filters() const {
  std::vector<std::string> filters;
  for (HookKind kind : {HookKind::kAuthorizePublish, HookKind::kDeliver, HookKind::kMessage}) {
    for (const Hook& hook : hooks(kind)) {
      if (hook.filters.empty()) return {};
      for (const std::string& filter : hook.filters) {
        if (std::find(filters.begin(), filters.end(), filter) == filters.end()) {
          filters.push_back(filter);
        }
      }
    }
  }
  return filters;
}

std::uint32_t HookRegistry::timer_period_ms() const {
  std::uint32_t period = 0;
  for (const Hook& hook : hooks(HookKind::kEvery)) period = std::gcd(period, hook.interval_ms);
  return period;
}

}  // namespace starling::plugins::python
