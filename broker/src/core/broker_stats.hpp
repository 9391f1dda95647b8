#pragma once
// Broker-wide counters, updated with relaxed atomics (exact totals, no
// ordering). Read by $SYS and metrics (a later issue) and by tests.
#include <atomic>
#include <cstdint>

namespace starling {

struct BrokerStats {
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::int64_t> connections_current{0};
  std::atomic<std::uint64_t> messages_received{0};
  std::atomic<std::uint64_t> messages_sent{0};
  std::atomic<std::uint64_t> messages_dropped_queue_full{0};
  std::atomic<std::uint64_t> messages_dropped_expired{0};
  std::atomic<std::uint64_t> messages_dropped_too_large{0};
  std::atomic<std::uint64_t> protocol_errors{0};
  std::atomic<std::uint64_t> messages_denied{0};  // refused or dropped by a plugin

  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
};

}  // namespace starling
