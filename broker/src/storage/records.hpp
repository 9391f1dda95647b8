#pragma once
// What the broker keeps on disk, as plain values. The store encodes them; the
// core builds and consumes them. Times are wall-clock (Unix milliseconds) so
// they mean the same after a restart.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/packets.hpp"
#include "session/subscription_record.hpp"

namespace starling::storage {

using MessageId = std::uint64_t;  // unique, increasing in publish order

// One application message, stored once however many sessions reference it.
struct StoredMessage {
  MessageId id = 0;
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  protocol::Properties properties;               // the forwarded ones
  std::optional<std::int64_t> expires_at_ms;     // Unix ms
  std::string origin_client_id;
  bool operator==(const StoredMessage&) const = default;
};

struct StoredSession {
  std::string client_id;
  std::uint32_t expiry_interval = 0;               // seconds; 0xFFFFFFFF never
  std::optional<std::int64_t> disconnected_at_ms;  // set while offline
  protocol::Version version = protocol::Version::kV311;
  std::optional<protocol::Will> will;
  std::vector<session::SubscriptionRecord> subscriptions;
  bool operator==(const StoredSession&) const = default;
};

// A message on its way to one session: queued, or in flight.
enum class OutboundStage : std::uint8_t {
  kQueued = 0,
  kAwaitPuback = 1,
  kAwaitPubrec = 2,
  kAwaitPubcomp = 3,
};

struct StoredOutbound {
  std::string client_id;
  MessageId message_id = 0;  // orders a session's entries
  std::uint8_t qos = 0;
  bool retain = false;
  std::vector<std::uint32_t> subscription_ids;
  std::string share_group;
  std::string share_filter;
  OutboundStage stage = OutboundStage::kQueued;
  std::uint16_t packet_id = 0;  // 0 while queued
  bool operator==(const StoredOutbound&) const = default;
};

// An inbound QoS 2 message acknowledged with PUBREC, awaiting PUBREL.
struct StoredInboundQos2 {
  std::string client_id;
  std::uint16_t packet_id = 0;
  bool operator==(const StoredInboundQos2&) const = default;
};

}  // namespace starling::storage
