#pragma once
// A token bucket: `rate` tokens a second, holding at most one second's
// worth. Taking may overdraw it; the debt says how long to wait. Not
// thread-safe.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace starling {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket() = default;  // unlimited
  explicit TokenBucket(std::uint64_t rate) : rate_(rate), tokens_(static_cast<double>(rate)) {}

  bool unlimited() const { return rate_ == 0; }

  // Takes `count` tokens, overdrawing if need be.
  void take(std::uint64_t count, Clock::time_point now) {
    if (unlimited()) return;
    refill(now);
    tokens_ -= static_cast<double>(count);
  }

  // Takes one token if there is one.
  bool try_take(Clock::time_point now) {
    if (unlimited()) return true;
    refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  // How long until the bucket is out of debt; zero when it is not in debt.
  Clock::duration wait(Clock::time_point now) {
    if (unlimited()) return Clock::duration::zero();
    refill(now);
    if (tokens_ >= 0) return Clock::duration::zero();
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(-tokens_ / static_cast<double>(rate_)));
  }

 private:
  void refill(Clock::time_point now) {
    if (last_ != Clock::time_point{} && now > last_) {
      double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(static_cast<double>(rate_), tokens_ + elapsed * static_cast<double>(rate_));
    }
    last_ = now;
  }

  std::uint64_t rate_ = 0;
  double tokens_ = 0;
  Clock::time_point last_{};
};

}  // namespace starling
