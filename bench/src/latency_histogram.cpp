#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace starling::bench {
namespace {

constexpr unsigned kLinear = 128;  // values below this have a bucket each
constexpr unsigned kSubBuckets = 64;
constexpr std::size_t kBucketCount = kLinear + 57 * kSubBuckets;

std::size_t index_of(std::uint64_t v) {
  if (v < kLinear) return static_cast<std::size_t>(v);
  const unsigned msb = 63 - static_cast<unsigned>(std::countl_zero(v));  // >= 7
  const unsigned shift = msb - 6;  // v >> shift is in [64, 128)
  return kLinear + (shift - 1) * kSubBuckets + static_cast<std::size_t>((v >> shift) - 64);
}

std::uint64_t midpoint_of(std::size_t index) {
  if (index < kLinear) return index;
  const std::size_t shift = (index - kLinear) / kSubBuckets + 1;
  const std::uint64_t sub = (index - kLinear) % kSubBuckets + 64;
  return (sub << shift) + ((std::uint64_t{1} << shift) >> 1);
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

void LatencyHistogram::record(std::uint64_t ns) {
  ++buckets_[index_of(ns)];
  ++count_;
  max_ = std::max(max_, ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(
      std::max(1.0, std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(midpoint_of(i), max_);
  }
  return max_;
}

}  // namespace starling::bench
