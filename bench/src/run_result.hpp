#pragma once
// What one run measured; filled by the scenario, printed by the report.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace starling::bench {

struct RunResult {
  // Message scenarios.
  std::uint32_t publishers = 0;
  std::uint32_t subscribers = 0;
  std::uint64_t sent = 0;          // PUBLISH written, all publishers
  std::uint64_t acknowledged = 0;  // QoS 1/2: PUBACK / PUBCOMP received
  std::uint64_t expected = 0;      // deliveries due: sent (QoS 0) or acknowledged, per subscriber
  std::uint64_t delivered = 0;     // distinct deliveries, all subscribers
  std::uint64_t lost = 0;          // expected but never delivered
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  std::uint64_t unconfirmed = 0;  // QoS 1/2: sent, never acknowledged before the drain ended
  std::uint64_t rejected = 0;     // v5: PUBACK/PUBREC with a failure reason
  std::uint64_t foreign = 0;      // deliveries without our stamp
  std::uint8_t granted_qos = 0;   // lowest QoS the broker granted a subscriber
  double elapsed_s = 0;           // first publish to last delivery
  double throughput = 0;          // delivered / elapsed_s
  std::uint64_t latency_samples = 0;
  std::uint64_t p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;

  // conn.
  std::uint32_t connected = 0;
  std::uint32_t dropped = 0;  // connected, then closed by the broker during the hold
  double connect_s = 0;       // first connect to last CONNACK
  double connect_rate = 0;    // connected / connect_s
  std::optional<std::uint64_t> rss_before, rss_after;  // broker VmRSS, bytes
  std::optional<double> rss_per_connection;            // bytes

  // Every run.
  double wall_s = 0;  // the measured phase
  double cpu_user_s = 0, cpu_system_s = 0;
  std::uint64_t errors = 0;                // connections that failed (setup or during the run)
  std::vector<std::string> error_samples;  // the first few failure messages
  bool stalled = false;  // no progress for the drain timeout before publishing ended
  bool setup_failed = false;

  double cpu_percent() const { return wall_s > 0 ? 100 * (cpu_user_s + cpu_system_s) / wall_s : 0; }
};

}  // namespace starling::bench
