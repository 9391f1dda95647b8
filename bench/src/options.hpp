#pragma once
// What one starling-bench run does, from the command line.
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/version.hpp"
#include "starling/result.hpp"

namespace starling::bench {

enum class Scenario { kFanout, kFanin, kPairs, kConn, kDurable };

struct BenchOptions {
  Scenario scenario = Scenario::kPairs;
  std::string host = "127.0.0.1";                        // Default: loopback
  std::uint16_t port = 1883;                             // Default: 1883
  protocol::Version version = protocol::Version::kV311;  // Default: 3.1.1
  std::uint8_t qos = 0;                                  // Default: 0 (durable: 1)
  std::size_t payload = 64;                              // bytes; at least the 24-byte stamp
  std::uint64_t count = 0;                               // messages per publisher; 0: use duration
  double duration_s = 0;                                 // publishing time (conn: hold time)
  double rate = 0;                                       // messages/s per publisher; 0: unbounded
  std::uint32_t inflight = 64;                           // QoS 1/2 window per publisher
  std::uint32_t clients = 10;                 // subscribers, publishers, pairs or connections
  unsigned threads = 1;                       // io_contexts, one thread each
  std::vector<std::string> source_addresses;  // local addresses, round robin; empty: any
  double drain_timeout_s = 10;                // after publishing; also the stall limit
  int broker_pid = 0;                         // for VmRSS (conn); 0: not measured
  std::string label;                          // copied into the JSON line
  bool json = false;                          // JSON line on stdout, summary on stderr
  bool help = false;
};

std::string_view scenario_name(Scenario scenario);

// Parses argv (argv[1] is the scenario). Fills defaults: with neither --count
// nor --duration, --count 10000 (conn: hold 1 s).
Result<BenchOptions> parse_options(int argc, char** argv);

std::string usage_text();

}  // namespace starling::bench
