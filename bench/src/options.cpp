#include "options.hpp"

#include <charconv>
#include <functional>
#include <string_view>

#include "payload_stamp.hpp"

namespace starling::bench {
namespace {

Error usage_error(std::string message) {
  return Error{2, std::move(message)};
}

template <typename T>
Status parse_number(std::string_view flag, std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, out);
  if (text.empty() || error != std::errc{} || stop != end) {
    return usage_error(std::string(flag) + ": expected a number, got '" + std::string(text) + "'");
  }
  return {};
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

Result<Scenario> parse_scenario(std::string_view name) {
  if (name == "fanout") return Scenario::kFanout;
  if (name == "fanin") return Scenario::kFanin;
  if (name == "pairs") return Scenario::kPairs;
  if (name == "conn") return Scenario::kConn;
  if (name == "durable") return Scenario::kDurable;
  return usage_error("unknown scenario '" + std::string(name) +
                     "' (fanout, fanin, pairs, conn, durable)");
}

}  // namespace

std::string_view scenario_name(Scenario scenario) {
  switch (scenario) {
    case Scenario::kFanout:
      return "fanout";
    case Scenario::kFanin:
      return "fanin";
    case Scenario::kPairs:
      return "pairs";
    case Scenario::kConn:
      return "conn";
    case Scenario::kDurable:
      return "durable";
  }
  return "?";
}

std::string usage_text() {
  return "Usage: starling-bench SCENARIO [OPTIONS]\n"
         "\n"
         "Scenarios:\n"
         "  fanout   1 publisher -> N subscribers on one topic\n"
         "  fanin    N publishers -> 1 subscriber on a wildcard\n"
         "  pairs    N publisher/subscriber pairs, one topic each\n"
         "  durable  QoS 1 pairs whose subscribers keep persistent sessions, so the\n"
         "           broker stores every message (compare storage.durability modes)\n"
         "  conn     N idle connections: connect rate and broker RSS per connection\n"
         "\n"
         "Options:\n"
         "  --host HOST             broker address (default 127.0.0.1)\n"
         "  --port PORT             broker port (default 1883)\n"
         "  --version 3.1.1|5       MQTT version (default 3.1.1)\n"
         "  --qos 0|1|2             publish and subscribe QoS (default 0; durable 1)\n"
         "  --payload BYTES         payload size, at least 24 (default 64)\n"
         "  --count N               messages per publisher (default 10000)\n"
         "  --duration S            publish for S seconds instead of --count;\n"
         "                          conn: hold the connections S seconds (default 1)\n"
         "  --rate R                messages/s per publisher, 0 = unbounded (default 0)\n"
         "  --inflight W            QoS 1/2 window per publisher (default 64)\n"
         "  --clients N             subscribers (fanout), publishers (fanin), pairs,\n"
         "                          or connections (conn) (default 10)\n"
         "  --threads T             I/O threads (default 1)\n"
         "  --source-addresses A,B  local addresses to bind, round robin\n"
         "  --drain-timeout S       wait for deliveries after publishing; also the\n"
         "                          no-progress limit (default 10)\n"
         "  --broker-pid PID        read the broker's VmRSS (conn)\n"
         "  --label TEXT            copied into the JSON line\n"
         "  --json                  one JSON line on stdout, summary on stderr\n"
         "  -h, --help              this text\n"
         "\n"
         "Exit status: 0 ok; 1 lost QoS 1/2 messages, connection errors or\n"
         "connections that never completed; 2 usage error.\n";
}

Result<BenchOptions> parse_options(int argc, char** argv) {
  BenchOptions options;
  bool qos_given = false;
  bool scenario_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
      return options;
    }
    if (arg == "--json") {
      options.json = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      if (scenario_given) return usage_error("unexpected argument '" + std::string(arg) + "'");
      auto scenario = parse_scenario(arg);
      if (!scenario) return scenario.error();
      options.scenario = *scenario;
      scenario_given = true;
      continue;
    }
    if (i + 1 >= argc) return usage_error(std::string(arg) + " needs a value");
    const std::string_view value = argv[++i];
    Status s;
    if (arg == "--host") {
      options.host = value;
    } else if (arg == "--port") {
      s = parse_number(arg, value, options.port);
    } else if (arg == "--version") {
      if (value == "3.1.1") {
        options.version = protocol::Version::kV311;
      } else if (value == "5") {
        options.version = protocol::Version::kV5;
      } else {
        return usage_error("--version: expected 3.1.1 or 5");
      }
    } else if (arg == "--qos") {
      unsigned qos = 0;
      s = parse_number(arg, value, qos);
      if (s.ok() && qos > 2) return usage_error("--qos: expected 0, 1 or 2");
      options.qos = static_cast<std::uint8_t>(qos);
      qos_given = true;
    } else if (arg == "--payload") {
      s = parse_number(arg, value, options.payload);
    } else if (arg == "--count") {
      s = parse_number(arg, value, options.count);
    } else if (arg == "--duration") {
      s = parse_number(arg, value, options.duration_s);
    } else if (arg == "--rate") {
      s = parse_number(arg, value, options.rate);
    } else if (arg == "--inflight") {
      s = parse_number(arg, value, options.inflight);
    } else if (arg == "--clients") {
      s = parse_number(arg, value, options.clients);
    } else if (arg == "--threads") {
      s = parse_number(arg, value, options.threads);
    } else if (arg == "--source-addresses") {
      options.source_addresses = split_commas(value);
    } else if (arg == "--drain-timeout") {
      s = parse_number(arg, value, options.drain_timeout_s);
    } else if (arg == "--broker-pid") {
      s = parse_number(arg, value, options.broker_pid);
    } else if (arg == "--label") {
      options.label = value;
    } else {
      return usage_error("unknown option '" + std::string(arg) + "'");
    }
    if (!s) return s.error();
  }
  if (!scenario_given) return usage_error("missing scenario");
  if (options.scenario == Scenario::kDurable && !qos_given) options.qos = 1;
  if (options.count > 0 && options.duration_s > 0) {
    return usage_error("--count and --duration are alternatives");
  }
  if (options.count == 0 && options.duration_s <= 0) {
    if (options.scenario == Scenario::kConn) {
      options.duration_s = 1;
    } else {
      options.count = 10000;
    }
  }
  if (options.payload < kStampSize) options.payload = kStampSize;
  if (options.clients == 0) return usage_error("--clients must be at least 1");
  if (options.threads == 0) options.threads = 1;
  if (options.inflight == 0) options.inflight = 1;
  if (options.inflight > 65535) options.inflight = 65535;
  if (options.drain_timeout_s <= 0) options.drain_timeout_s = 1;
  return options;
}

}  // namespace starling::bench
