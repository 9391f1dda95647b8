#pragma once
// A fixed-bucket histogram of integer observations (nanoseconds, counts),
// for the Prometheus endpoint. observe() is lock-free (relaxed atomics), so
// it may sit on a hot path; snapshot() is exact per counter but not across
// counters (a scrape racing an observe may see it in `count` and not yet in
// its bucket), which Prometheus tolerates.
//
// Thread-safety: every method from any thread.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace starling {

class Histogram {
 public:
  // `bounds`: the buckets' inclusive upper bounds, ascending; a last bucket
  // (+Inf) catches everything above.
  explicit Histogram(std::span<const std::uint64_t> bounds)
      : bounds_(bounds.begin(), bounds.end()),
        buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i)
      buckets_[i].store(0, std::memory_order_relaxed);
  }
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void observe(std::uint64_t value) {
    const std::size_t bucket =
        std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  struct Snapshot {
    std::vector<std::uint64_t> bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (== count)
    std::uint64_t sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const {
    Snapshot s;
    s.bounds = bounds_;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      running += buckets_[i].load(std::memory_order_relaxed);
      s.cumulative.push_back(running);
    }
    s.count = running;
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  const std::vector<std::uint64_t> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> sum_{0};
};

// Bucket bounds in nanoseconds for latencies from a microsecond to seconds.
inline constexpr std::array<std::uint64_t, 18> kLatencyBucketsNs = {
    1'000,      5'000,       10'000,      50'000,      100'000,       250'000,
    500'000,    1'000'000,   2'500'000,   5'000'000,   10'000'000,    25'000'000,
    50'000'000, 100'000'000, 250'000'000, 500'000'000, 1'000'000'000, 2'500'000'000};

}  // namespace starling
