#include "every_timers.hpp"

namespace starling::plugins::python {

void EveryTimers::start(const std::vector<std::uint32_t>& intervals_ms, Clock::time_point now) {
  timers_.clear();
  for (std::uint32_t interval : intervals_ms) {
    const std::chrono::milliseconds period(interval);
    timers_.push_back(Timer{period, now + period});
  }
  running_ = std::make_unique<std::atomic<bool>[]>(timers_.size());
}

std::vector<std::size_t> EveryTimers::take_due(Clock::time_point now) {
  std::vector<std::size_t> due;
  // The broker's tick may come a little early or late: within a quarter of
  // a period counts as on time, so a 1 s hook does not slip to 2 s.
  for (std::size_t i = 0; i < timers_.size(); ++i) {
    Timer& timer = timers_[i];
    if (now + timer.interval / 4 < timer.next) continue;
    timer.next += timer.interval;
    if (timer.next <= now) timer.next = now + timer.interval;  // fell behind: no catching up
    if (running_[i].exchange(true)) continue;
    due.push_back(i);
  }
  return due;
}

void EveryTimers::finished(std::size_t index) {
  running_[index].store(false);
}

}  // namespace starling::plugins::python
