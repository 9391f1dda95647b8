#pragma once
// One value type per MQTT control packet. The same types serve v3.1, v3.1.1
// and v5; fields a version does not have are ignored when encoding for it
// (properties, reason codes beyond the v3 return codes).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/properties.hpp"
#include "protocol/reason_code.hpp"
#include "protocol/version.hpp"

namespace starling::protocol {

enum class PacketType : std::uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
  kAuth = 15,
};

struct Will {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  Properties properties;  // v5 will properties (will delay, expiry, ...)
  bool operator==(const Will&) const = default;
};

struct Connect {
  Version version = Version::kV311;
  bool clean_start = true;  // "clean session" in v3
  std::uint16_t keep_alive = 0;
  std::string client_id;
  std::optional<Will> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  // binary
  Properties properties;
  bool operator==(const Connect&) const = default;
};

struct Connack {
  bool session_present = false;
  ReasonCode reason = ReasonCode::kSuccess;
  Properties properties;
  bool operator==(const Connack&) const = default;
};

struct Publish {
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::string topic;
  std::uint16_t packet_id = 0;  // 0 for QoS 0
  Properties properties;
  std::string payload;
  bool operator==(const Publish&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP share a shape.
template <PacketType kType>
struct PublishResponse {
  static constexpr PacketType type = kType;
  std::uint16_t packet_id = 0;
  ReasonCode reason = ReasonCode::kSuccess;
  Properties properties;
  bool operator==(const PublishResponse&) const = default;
};
using Puback = PublishResponse<PacketType::kPuback>;
using Pubrec = PublishResponse<PacketType::kPubrec>;
using Pubrel = PublishResponse<PacketType::kPubrel>;
using Pubcomp = PublishResponse<PacketType::kPubcomp>;

struct SubscribeEntry {
  std::string filter;
  std::uint8_t qos = 0;
  bool no_local = false;             // v5
  bool retain_as_published = false;  // v5
  std::uint8_t retain_handling = 0;  // v5: 0, 1 or 2
  bool operator==(const SubscribeEntry&) const = default;
};

struct Subscribe {
  std::uint16_t packet_id = 0;
  std::vector<SubscribeEntry> entries;
  Properties properties;
  bool operator==(const Subscribe&) const = default;
};

struct Suback {
  std::uint16_t packet_id = 0;
  std::vector<ReasonCode> reasons;  // v3: any failure is sent as 0x80
  Properties properties;
  bool operator==(const Suback&) const = default;
};

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;
  Properties properties;
  bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {
  std::uint16_t packet_id = 0;
  std::vector<ReasonCode> reasons;  // v5 only; v3 UNSUBACK has no payload
  Properties properties;
  bool operator==(const Unsuback&) const = default;
};

struct Pingreq {
  bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
  bool operator==(const Pingresp&) const = default;
};

struct Disconnect {
  ReasonCode reason = ReasonCode::kNormalDisconnection;
  Properties properties;
  bool operator==(const Disconnect&) const = default;
};

struct Auth {
  ReasonCode reason = ReasonCode::kSuccess;
  Properties properties;
  bool operator==(const Auth&) const = default;
};

using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

}  // namespace starling::protocol
