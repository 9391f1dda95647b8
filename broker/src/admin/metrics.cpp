#include "admin/metrics.hpp"

#include <charconv>
#include <string_view>

#include "core/broker_core.hpp"
#include "plugin_host/plugin_host.hpp"
#include "storage/store_metrics.hpp"
#include "util/histogram.hpp"

namespace starling::admin {
namespace {

// Label values escape '\', '"' and newlines (exposition format 0.0.4).
std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

class Exposition {
 public:
  // The HELP and TYPE lines, once per metric family.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP starling_";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE starling_";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  // `labels` is already formatted: `qos="1"` or empty.
  void sample(std::string_view name, std::string_view labels, std::string_view value) {
    out_ += "starling_";
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
    sample(name, labels, std::to_string(value));
  }

  void single(std::string_view name, std::string_view type, std::string_view help,
              std::uint64_t value) {
    family(name, type, help);
    sample(name, {}, value);
  }

  // A histogram's buckets, sum and count; `scale` turns the recorded
  // integers into the exposed unit (1e-9: nanoseconds to seconds).
  void histogram(std::string_view name, std::string_view labels, const Histogram& histogram,
                 double scale) {
    const Histogram::Snapshot s = histogram.snapshot();
    const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
    const std::string bucket = std::string(name) + "_bucket";
    for (std::size_t i = 0; i < s.bounds.size(); ++i) {
      sample(bucket, prefix + "le=\"" + number(static_cast<double>(s.bounds[i]) * scale) + "\"",
             s.cumulative[i]);
    }
    sample(bucket, prefix + "le=\"+Inf\"", s.count);
    sample(std::string(name) + "_sum", labels, number(static_cast<double>(s.sum) * scale));
    sample(std::string(name) + "_count", labels, s.count);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::uint64_t load(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}
std::uint64_t load(const std::atomic<std::int64_t>& gauge) {
  const std::int64_t value = gauge.load(std::memory_order_relaxed);
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

}  // namespace

std::string render_metrics(BrokerCore& core, const std::vector<ListenerFigures>& listeners,
                           const SessionFigures& sessions) {
  const BrokerStats& stats = core.stats();
  Exposition e;
  e.single("connections", "gauge", "MQTT connections open now (before and after CONNECT).",
           load(stats.connections_current));
  e.single("connections_total", "counter", "MQTT connections accepted since start.",
           load(stats.connections_total));
  e.single("clients_connected", "gauge", "Clients connected now (CONNECT accepted).",
           load(stats.clients_connected));

  e.family("messages_received_total", "counter", "PUBLISH packets received from clients, by QoS.");
  for (int qos = 0; qos < 3; ++qos) {
    e.sample("messages_received_total", "qos=\"" + std::to_string(qos) + "\"",
             load(stats.messages_received_by_qos[qos]));
  }
  e.family("messages_sent_total", "counter", "PUBLISH packets sent to clients, by QoS.");
  for (int qos = 0; qos < 3; ++qos) {
    e.sample("messages_sent_total", "qos=\"" + std::to_string(qos) + "\"",
             load(stats.messages_sent_by_qos[qos]));
  }
  e.single("bytes_received_total", "counter", "MQTT bytes read from clients.",
           load(stats.bytes_received));
  e.single("bytes_sent_total", "counter", "MQTT bytes written to clients.", load(stats.bytes_sent));

  e.family("messages_dropped_total", "counter", "Messages not delivered, by reason.");
  e.sample("messages_dropped_total", "reason=\"queue_full\"",
           load(stats.messages_dropped_queue_full));
  e.sample("messages_dropped_total", "reason=\"expired\"", load(stats.messages_dropped_expired));
  e.sample("messages_dropped_total", "reason=\"too_large\"",
           load(stats.messages_dropped_too_large));
  e.sample("messages_dropped_total", "reason=\"denied\"", load(stats.messages_denied));
  e.single("protocol_errors_total", "counter", "Connections ended for a protocol violation.",
           load(stats.protocol_errors));

  e.single("sessions", "gauge", "Sessions held, online or offline.", sessions.sessions);
  e.single("sessions_online", "gauge", "Sessions with a connected client.", sessions.online);
  e.single("subscriptions", "gauge", "Subscriptions across all sessions.", sessions.subscriptions);
  e.single("retained_messages", "gauge", "Retained messages held.", core.retained_count());
  e.single("queued_messages", "gauge", "Messages queued across all sessions, not yet sent.",
           sessions.queued);
  e.single("queued_bytes", "gauge", "Payload bytes queued across all sessions.",
           sessions.queued_bytes);
  e.single("inflight_messages", "gauge", "QoS 1/2 messages sent and not yet acknowledged.",
           sessions.inflight);

  if (const storage::Store* store = core.store(); store != nullptr && store->metrics() != nullptr) {
    const storage::StoreMetrics& m = *store->metrics();
    e.family("storage_write_seconds", "histogram",
             "Time of one group write to the store, its fsync included when synced.");
    e.histogram("storage_write_seconds", {}, m.write_latency_ns, 1e-9);
    e.family("storage_sync_batch_size", "histogram",
             "Submissions made durable by one fsync (group commit).");
    e.histogram("storage_sync_batch_size", {}, m.sync_batch_size, 1.0);
    e.single("storage_write_errors_total", "counter", "Store writes and syncs that failed.",
             load(m.write_errors));
  }

  if (const plugin_host::PluginHost* plugins = core.plugins(); plugins != nullptr) {
    e.family("plugin_hook_seconds", "histogram", "Time spent in a plugin's hook, per call.");
    for (std::size_t p = 0; p < plugins->size(); ++p) {
      for (std::size_t h = 0; h < plugin_host::kHookPointCount; ++h) {
        const auto hook = static_cast<plugin_host::HookPoint>(h);
        const Histogram* latency = plugins->hook_latency(p, hook);
        if (latency == nullptr) continue;
        e.histogram("plugin_hook_seconds",
                    "plugin=\"" + escape_label(plugins->name(p)) + "\",hook=\"" +
                        plugin_host::hook_point_name(hook) + "\"",
                    *latency, 1e-9);
      }
    }
  }

  e.family("listener_connections", "gauge", "MQTT connections open now, per listener.");
  for (const ListenerFigures& l : listeners) {
    e.sample("listener_connections", "listener=\"" + escape_label(l.name) + "\"", l.open);
  }
  e.family("listener_accepted_total", "counter", "MQTT connections accepted, per listener.");
  for (const ListenerFigures& l : listeners) {
    e.sample("listener_accepted_total", "listener=\"" + escape_label(l.name) + "\"", l.accepted);
  }
  e.family("listener_refused_total", "counter",
           "Connections turned away by a connection limit or the connect rate, per listener.");
  for (const ListenerFigures& l : listeners) {
    e.sample("listener_refused_total", "listener=\"" + escape_label(l.name) + "\"", l.refused);
  }
  return e.take();
}

}  // namespace starling::admin
