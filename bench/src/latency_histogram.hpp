#pragma once
// A log-linear histogram of latencies in nanoseconds, HdrHistogram-style:
// 64 buckets per power of two above 128 ns, so any recorded value is
// reported within 1/64 (1.6%) of itself. Fixed size (about 30 KiB), so
// recording is O(1) and never allocates. Not thread-safe: one per
// subscriber, merged at the end.
#include <cstdint>
#include <vector>

namespace starling::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(std::uint64_t ns);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  // The value at quantile q (0..1): the midpoint of the bucket holding it,
  // capped at max(). 0 when empty.
  std::uint64_t quantile(double q) const;

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace starling::bench
