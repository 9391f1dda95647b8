#pragma once
// What a store's writer measures, for the Prometheus endpoint: how long the
// writes take and how many submissions share one fsync (group commit).
//
// Thread-safety: written by the writer thread, read from any thread.
#include <atomic>
#include <cstdint>

#include "util/histogram.hpp"

namespace starling::storage {

inline constexpr std::array<std::uint64_t, 11> kSyncBatchBuckets = {1,  2,   4,   8,   16,  32,
                                                                    64, 128, 256, 512, 1024};

struct StoreMetrics {
  // One group's write (with its fsync, when synced), in nanoseconds.
  Histogram write_latency_ns{kLatencyBucketsNs};
  // Submissions made durable by one synced write.
  Histogram sync_batch_size{kSyncBatchBuckets};
  std::atomic<std::uint64_t> write_errors{0};  // failed writes and syncs
};

}  // namespace starling::storage
