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
  // messages_received / messages_sent split by QoS (index 0, 1, 2): the
  // QoS a message arrived with, and the QoS it was delivered with.
  std::atomic<std::uint64_t> messages_received_by_qos[3]{};
  std::atomic<std::uint64_t> messages_sent_by_qos[3]{};
  // messages_received / messages_sent above count PUBLISH packets; these
  // count every control packet (Mosquitto's $SYS/broker/messages/...).
  std::atomic<std::uint64_t> packets_received{0};
  std::atomic<std::uint64_t> packets_sent{0};
  // MQTT bytes read from and written to clients (after TLS / WebSocket
  // framing is taken off), and the payload bytes of PUBLISH packets.
  std::atomic<std::uint64_t> bytes_received{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> publish_bytes_received{0};
  std::atomic<std::uint64_t> publish_bytes_sent{0};
  // Connections past CONNACK with their session attached (connections_current
  // also counts sockets still before or in CONNECT), and the most at once.
  std::atomic<std::int64_t> clients_connected{0};
  std::atomic<std::int64_t> clients_maximum{0};
  std::atomic<std::uint64_t> sessions_expired{0};  // offline sessions ended by their expiry

  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }

  // A client finished CONNECT / went away: clients_connected and its maximum.
  void client_attached() {
    const std::int64_t now = clients_connected.fetch_add(1, std::memory_order_relaxed) + 1;
    std::int64_t seen = clients_maximum.load(std::memory_order_relaxed);
    while (now > seen && !clients_maximum.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
  }
  void client_detached() { clients_connected.fetch_sub(1, std::memory_order_relaxed); }
};

}  // namespace starling
