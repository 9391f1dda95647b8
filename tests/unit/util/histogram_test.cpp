#include "util/histogram.hpp"

#include <gtest/gtest.h>

#include <array>
#include <thread>
#include <vector>

namespace starling {
namespace {

constexpr std::array<std::uint64_t, 3> kBounds = {10, 100, 1000};

TEST(Histogram, AnEmptyHistogramHasZeroEverywhere) {
  Histogram h(kBounds);
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.bounds, std::vector<std::uint64_t>(kBounds.begin(), kBounds.end()));
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(s.sum, 0u);
  EXPECT_EQ(s.count, 0u);
}

TEST(Histogram, BucketsAreCumulativeWithInclusiveUpperBounds) {
  Histogram h(kBounds);
  for (std::uint64_t v : {0, 10, 11, 100, 999, 1000, 1001, 5000}) h.observe(v);
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 6, 8}));
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.sum, 0u + 10 + 11 + 100 + 999 + 1000 + 1001 + 5000);
}

TEST(Histogram, ConcurrentObservationsAreAllCounted) {
  Histogram h(kBounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i) h.observe(static_cast<std::uint64_t>(i % 2000));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.snapshot().count, 40000u);
}

}  // namespace
}  // namespace starling
