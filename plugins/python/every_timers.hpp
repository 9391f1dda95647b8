#pragma once
// When each `@starling.every` hook is due. The broker calls the plugin's
// on_timer every timer_period_ms (the GCD of the intervals); this says
// which hooks to run then. A hook whose previous run has not finished (a
// slow async one) is skipped until it has, so runs never pile up.
// Thread-safety: start() and take_due() on one thread at a time (the
// broker's timer thread); finished() from any thread.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace starling::plugins::python {

class EveryTimers {
 public:
  using Clock = std::chrono::steady_clock;

  void start(const std::vector<std::uint32_t>& intervals_ms, Clock::time_point now);
  // The hooks due at `now`, marked running; each must get finished() later.
  std::vector<std::size_t> take_due(Clock::time_point now);
  void finished(std::size_t index);

 private:
  struct Timer {
    std::chrono::milliseconds interval{0};
    Clock::time_point next;
  };
  std::vector<Timer> timers_;
  std::unique_ptr<std::atomic<bool>[]> running_;
};

}  // namespace starling::plugins::python
