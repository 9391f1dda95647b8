#pragma once
// The Prometheus text exposition (format 0.0.4) of the broker's figures,
// served at GET /metrics. Every name starts with "starling_".
#include <cstdint>
#include <string>
#include <vector>

namespace starling {
class BrokerCore;
}

namespace starling::admin {

// One MQTT listener's connection figures.
struct ListenerFigures {
  std::string name;            // "tcp://127.0.0.1:1883", as configured
  std::uint32_t open = 0;      // connections open now
  std::uint64_t accepted = 0;  // connections accepted so far
  std::uint64_t refused = 0;   // turned away by a connection limit or the connect rate
};

// Sums over every session, read on their owner threads (session_view.hpp).
struct SessionFigures {
  std::uint64_t sessions = 0;
  std::uint64_t online = 0;
  std::uint64_t subscriptions = 0;
  std::uint64_t queued = 0;
  std::uint64_t queued_bytes = 0;
  std::uint64_t inflight = 0;
};

// The whole exposition. Reads the counters (relaxed atomics) of `core`, its
// store's metrics and its plugins' hook latencies; any thread.
std::string render_metrics(BrokerCore& core, const std::vector<ListenerFigures>& listeners,
                           const SessionFigures& sessions);

}  // namespace starling::admin
