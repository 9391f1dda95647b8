#include "report.hpp"

#include <cstdio>
#include <string>

namespace starling::bench {
namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string micros(std::uint64_t ns) {
  return fixed(static_cast<double>(ns) / 1000.0, 1);
}

std::string json_string(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
      quoted += escape;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

std::string_view version_name(const BenchOptions& options) {
  return options.version == protocol::Version::kV5 ? "5" : "3.1.1";
}

}  // namespace

int exit_code(const BenchOptions& options, const RunResult& result) {
  if (result.setup_failed || result.stalled || result.errors > 0) return 1;
  if (options.scenario == Scenario::kConn) return result.connected == options.clients ? 0 : 1;
  return options.qos > 0 && result.lost > 0 ? 1 : 0;
}

void print_summary(const BenchOptions& options, const RunResult& result, std::ostream& out) {
  out << "starling-bench " << scenario_name(options.scenario) << ": MQTT " << version_name(options);
  if (options.scenario == Scenario::kConn) {
    out << ", " << options.clients << " connections\n"
        << "  connected " << result.connected << " in " << fixed(result.connect_s, 2) << " s ("
        << fixed(result.connect_rate, 0) << "/s), dropped during hold " << result.dropped << "\n";
    if (result.rss_per_connection) {
      out << "  broker RSS " << *result.rss_before / 1024 << " KiB -> " << *result.rss_after / 1024
          << " KiB: " << fixed(*result.rss_per_connection / 1024, 2) << " KiB per connection\n";
    }
  } else {
    out << ", QoS " << unsigned{options.qos} << ", " << result.publishers << " publisher(s) -> "
        << result.subscribers << " subscriber(s), payload " << options.payload << " B\n"
        << "  sent " << result.sent;
    if (options.qos > 0) out << " (acknowledged " << result.acknowledged << ")";
    out << ", delivered " << result.delivered << " of " << result.expected << " due in "
        << fixed(result.elapsed_s, 2) << " s: " << fixed(result.throughput, 0) << " msg/s\n"
        << "  latency us: p50 " << micros(result.p50_ns) << "  p99 " << micros(result.p99_ns)
        << "  p99.9 " << micros(result.p999_ns) << "  max " << micros(result.max_ns) << "\n"
        << "  lost " << result.lost << "  duplicated " << result.duplicated << "  reordered "
        << result.reordered;
    if (options.qos > 0)
      out << "  unconfirmed " << result.unconfirmed << "  rejected " << result.rejected;
    if (result.foreign > 0) out << "  foreign " << result.foreign;
    out << "\n";
    if (result.granted_qos < options.qos) {
      out << "  note: the broker granted QoS " << unsigned{result.granted_qos} << "\n";
    }
  }
  out << "  tool cpu " << fixed(result.cpu_percent(), 0) << "% of a core (user "
      << fixed(result.cpu_user_s, 2) << " s, sys " << fixed(result.cpu_system_s, 2) << " s over "
      << fixed(result.wall_s, 2) << " s)\n";
  if (result.stalled) out << "  STALLED: nothing moved for " << options.drain_timeout_s << " s\n";
  if (result.setup_failed) out << "  SETUP FAILED\n";
  if (result.errors > 0) out << "  connection errors: " << result.errors << "\n";
  for (const std::string& sample : result.error_samples) out << "    " << sample << "\n";
  if (options.qos > 0 && result.lost > 0) out << "  FAILED: acknowledged messages were lost\n";
}

void print_json(const BenchOptions& options, const RunResult& result, std::ostream& out) {
  auto number = [](double v) { return fixed(v, 3); };
  out << "{\"scenario\":" << json_string(scenario_name(options.scenario))
      << ",\"label\":" << json_string(options.label) << ",\"version\":\"" << version_name(options)
      << "\",\"qos\":" << unsigned{options.qos} << ",\"clients\":" << options.clients
      << ",\"threads\":" << options.threads << ",\"payload\":" << options.payload
      << ",\"count\":" << options.count << ",\"duration_s\":" << number(options.duration_s)
      << ",\"rate\":" << number(options.rate) << ",\"inflight\":" << options.inflight;
  if (options.scenario == Scenario::kConn) {
    out << ",\"connected\":" << result.connected << ",\"dropped\":" << result.dropped
        << ",\"connect_s\":" << number(result.connect_s)
        << ",\"connect_rate\":" << number(result.connect_rate);
    if (result.rss_before) out << ",\"rss_before\":" << *result.rss_before;
    if (result.rss_after) out << ",\"rss_after\":" << *result.rss_after;
    if (result.rss_per_connection) {
      out << ",\"rss_per_connection\":" << number(*result.rss_per_connection);
    }
  } else {
    out << ",\"publishers\":" << result.publishers << ",\"subscribers\":" << result.subscribers
        << ",\"sent\":" << result.sent << ",\"acknowledged\":" << result.acknowledged
        << ",\"expected\":" << result.expected << ",\"delivered\":" << result.delivered
        << ",\"lost\":" << result.lost << ",\"duplicated\":" << result.duplicated
        << ",\"reordered\":" << result.reordered << ",\"unconfirmed\":" << result.unconfirmed
        << ",\"rejected\":" << result.rejected
        << ",\"granted_qos\":" << unsigned{result.granted_qos}
        << ",\"elapsed_s\":" << number(result.elapsed_s)
        << ",\"throughput\":" << number(result.throughput)
        << ",\"latency_us\":{\"p50\":" << micros(result.p50_ns)
        << ",\"p99\":" << micros(result.p99_ns) << ",\"p99_9\":" << micros(result.p999_ns)
        << ",\"max\":" << micros(result.max_ns) << "}";
  }
  out << ",\"cpu_percent\":" << number(result.cpu_percent()) << ",\"errors\":" << result.errors
      << ",\"stalled\":" << (result.stalled ? "true" : "false")
      << ",\"setup_failed\":" << (result.setup_failed ? "true" : "false")
      << ",\"exit_code\":" << exit_code(options, result) << "}\n";
}

}  // namespace starling::bench
