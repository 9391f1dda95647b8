#pragma once
// The Python functions a script registered with the starling decorators,
// by kind. Filled while the scripts load (on the Python thread, GIL held)
// and read-only afterwards, so broker threads read it without a lock; the
// functions themselves are called and dropped only with the GIL. Each load
// (the start, each reload) fills a new one: see HookSet.
#include <pybind11/pybind11.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "starling/result.hpp"

namespace starling::plugins::python {

enum class HookKind {
  kAuthenticate,
  kAuthorizePublish,
  kAuthorizeSubscribe,
  kDeliver,
  kMessage,
  kConnected,
  kDisconnected,
  kMessageDropped,
  kEvery,
};
inline constexpr std::size_t kHookKinds = 9;

// The decorator's name without "starling.", as scripts and logs spell it.
const char* hook_kind_name(HookKind kind);

struct Hook {
  HookKind kind = HookKind::kAuthenticate;
  pybind11::object function;
  bool is_async = false;             // an `async def` function
  std::vector<std::string> filters;  // topic hooks: empty means every topic
  std::uint32_t interval_ms = 0;     // every only
  std::string where;                 // "hooks.py:12 check_user", for logs

  bool matches(std::string_view topic) const;
};

class HookRegistry {
 public:
  // Adds `hook`, or says why not: a kind that takes one hook already has
  // one, async where the kind cannot wait, an invalid filter.
  // REQUIRES: the GIL.
  Status add(Hook hook);

  const std::vector<Hook>& hooks(HookKind kind) const {
    return hooks_[static_cast<std::size_t>(kind)];
  }
  bool has(HookKind kind) const { return !hooks(kind).empty(); }
  // True when some `kind` hook matches `topic` (no GIL needed).
  bool any_matches(HookKind kind, std::string_view topic) const;

  // What to give the broker as hooks->topic_filters: every filter of the
  // topic hooks, or none (every topic) when one of them has no filter.
  std::vector<std::string> broker_topic_filters() const;
  // The on_timer period that serves every `every` hook: the greatest
  // common divisor of their intervals; 0 when there are none.
  std::uint32_t timer_period_ms() const;

 private:
  std::array<std::vector<Hook>, kHookKinds> hooks_;
};

}  // namespace starling::plugins::python
