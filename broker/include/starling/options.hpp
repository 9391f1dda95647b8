#pragma once
// Everything that configures a broker. Filled from the TOML config file and
// the command line (see docs/configuration.md), or directly by an embedder.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace starling {

struct ListenerOptions {
  // "tcp", "tls", "ws" (MQTT over WebSocket), "wss" (over TLS) or "unix".
  std::string type = "tcp";             // Default: "tcp"
  // HOST:PORT (port 0 picks a free port); for "unix", the socket's path.
  std::string bind = "127.0.0.1:1883";  // Default: "127.0.0.1:1883"
  bool allow_anonymous = true;          // Default: true
  // MQTT protocol levels accepted: 3 (3.1), 4 (3.1.1), 5 (5.0).
  std::vector<std::uint8_t> protocol_versions = {3, 4, 5};  // Default: all
  std::uint32_t max_connections = 0;    // Default: 0 (no limit besides limits.max_connections)
  // Topic prefix of this listener's clients: they publish and subscribe
  // below it without seeing it ("tenant-a/" turns "t" into "tenant-a/t").
  std::string mount_point;              // Default: "" (none)
  // Expect a PROXY protocol v1 or v2 header before the client's bytes, and
  // take the client address from it (behind HAProxy and similar).
  bool proxy_protocol = false;          // Default: false

  // WebSocket ("ws", "wss"): the HTTP path of the upgrade request.
  std::string path = "/mqtt";           // Default: "/mqtt"

  // TLS ("tls", "wss"): PEM files. The key must not be encrypted.
  std::string cert_file;                // the certificate chain, leaf first
  std::string key_file;
  std::string ca_file;                  // CAs that sign client certificates
  bool require_client_cert = false;     // Default: false (optional when ca_file is set)
  // Take the MQTT username from the client certificate's common name.
  bool use_identity_as_username = false;  // Default: false
  std::string tls_min_version = "1.2";  // Default: "1.2"; or "1.3"
  std::string ciphers;                  // OpenSSL list for TLS 1.2; Default: "" (OpenSSL's)

  bool operator==(const ListenerOptions&) const = default;
};

// Protocol behaviour advertised to and enforced on clients.
struct MqttOptions {
  std::uint16_t max_keep_alive = 65535;         // Server Keep Alive cap, seconds
  std::uint16_t topic_alias_maximum = 64;       // inbound aliases accepted per client
  std::uint8_t maximum_qos = 2;                 // 0, 1 or 2
  bool retain_available = true;
  bool wildcard_subscriptions = true;
  bool shared_subscriptions = true;
  bool subscription_identifiers = true;
  bool allow_zero_length_client_id = true;
  bool queue_qos0_offline = false;              // queue QoS 0 for offline sessions
  std::uint32_t max_session_expiry = 0xFFFFFFFF;  // seconds; caps the client's request

  bool operator==(const MqttOptions&) const = default;
};

// Resource bounds per client.
struct LimitOptions {
  std::uint32_t max_packet_size = 1024 * 1024;  // bytes, inbound and outbound
  std::uint16_t receive_maximum = 1024;         // inbound QoS 1/2 in flight per client
  std::uint16_t max_inflight = 256;             // outbound QoS 1/2 in flight per client
  std::uint32_t max_queued_messages = 100000;   // per session, waiting to be sent
  std::uint64_t max_queued_bytes = 64ull << 20;  // per session, payload bytes waiting
  std::uint32_t connect_timeout_ms = 10000;     // accept to CONNECT (TLS/WebSocket handshakes included)
  // What a full session queue gives up (QoS 0 always before QoS 1/2):
  // "drop_new": the arriving message. "drop_oldest": the oldest queued ones.
  std::string queue_full_policy = "drop_new";  // Default: "drop_new"
  std::uint32_t max_connections = 0;            // open at once, all listeners; 0: no limit
  std::uint32_t max_connect_rate = 0;           // new connections a second, all listeners; 0: no limit
  // Over a publish rate, a client is not read until it is back under (TCP
  // back-pressure); nothing it sent is dropped.
  std::uint32_t publish_rate = 0;               // PUBLISH packets a second per client; 0: no limit
  std::uint64_t publish_bytes_rate = 0;         // PUBLISH bytes a second per client; 0: no limit
  std::uint16_t max_topic_length = 65535;       // bytes of a topic name or filter
  std::uint16_t max_topic_levels = 128;         // '/'-separated levels of a topic or filter

  bool operator==(const LimitOptions&) const = default;
};

// Where and how durably state is kept (see docs/configuration.md).
struct StorageOptions {
  // "sync": QoS 1/2 acknowledged only once on disk (group-committed fsync).
  // "batched": written at once, synced every batched_flush_ms.
  // "memory": nothing on disk; state is lost on exit.
  std::string durability = "sync";     // Default: "sync"
  std::uint32_t batched_flush_ms = 100;  // Default: 100 (batched mode only)

  bool operator==(const StorageOptions&) const = default;
};

// One [[plugins]] entry, in chain order (see docs/configuration.md).
struct PluginOptions {
  std::string path;  // the shared library
  std::vector<std::pair<std::string, std::string>> options;  // [plugins.options], as text
  std::uint32_t pending_timeout_ms = 5000;  // how long a pending answer may take
  // What a pending answer that never comes counts as: "deny" or "allow".
  std::string on_timeout = "deny";  // Default: "deny"
  // What a hook that reports an error counts as: "deny", or "next" to let
  // the next plugin decide.
  std::string on_error = "deny";  // Default: "deny"

  bool operator==(const PluginOptions&) const = default;
};

// What handing changed [plugins.options] to running plugins did, by plugin
// name (the library's file name).
struct PluginOptionsUpdate {
  std::vector<std::string> applied;       // the plugin runs with its new options
  std::vector<std::string> rejected;      // the plugin refused them and keeps its old ones
  std::vector<std::string> need_restart;  // changed, but the plugin takes options only at start
  // By position in the list: the plugin now runs with the options it was
  // given (they were unchanged, or it took them).
  std::vector<bool> in_force;
};

// The HTTP listener: Prometheus metrics at /metrics and, with an
// admin_token, the admin API under /api/v1/ (see docs/configuration.md).
struct HttpOptions {
  bool enabled = false;  // Default: false (true when the config has an [http] section)
  // HOST:PORT (port 0 picks a free port; Broker::endpoints() has the real one).
  std::string bind = "127.0.0.1:8080";  // Default: "127.0.0.1:8080"
  // Requests to /api/v1/ must carry "Authorization: Bearer <admin_token>".
  std::string admin_token;              // Default: "" (the admin API is off)
  std::uint32_t max_connections = 32;   // Default: 32 open at once
  std::uint32_t max_body_size = 1024 * 1024;  // Default: 1 MiB of request body
  // A request must arrive whole within this time; idle connections close after it.
  std::uint32_t request_timeout_ms = 10000;  // Default: 10000

  bool operator==(const HttpOptions&) const = default;
};

struct Options {
  std::vector<ListenerOptions> listeners;  // Default (when empty): one tcp listener on 127.0.0.1:1883
  std::string data_dir = "./data";
  unsigned threads = 0;                    // 0: one per core
  std::string log_level = "info";          // trace, debug, info, warn, error, off
  // Per-subsystem levels over log_level: {"storage", "debug"}, ... Subsystems:
  // broker, net, mqtt, session, routing, storage, config, plugins, http, sys.
  std::vector<std::pair<std::string, std::string>> log_levels;  // Default: none
  std::string log_format = "text";         // Default: "text" ("json": one JSON object per line)
  MqttOptions mqtt;
  LimitOptions limits;
  StorageOptions storage;
  std::vector<PluginOptions> plugins;  // Default: none
  // Seconds between publications of the $SYS/broker/... statistics (retained,
  // like Mosquitto's); 0 turns the $SYS/broker tree off, version included.
  std::uint32_t sys_interval = 10;     // Default: 10
  // Publish $SYS/clients/<client id>/connected and .../disconnected for every
  // client (see docs/configuration.md for the payloads and topic escaping).
  bool presence_events = true;         // Default: true
  HttpOptions http;                    // Default: off

  bool operator==(const Options&) const = default;
};

}  // namespace starling
