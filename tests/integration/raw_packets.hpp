#pragma once
// MQTT packets built and read byte by byte, independent of the broker's own
// codec, so the integration tests can send exactly what they mean (including
// malformed input) and check exactly what the broker answered.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling::test::raw {

using Bytes = std::vector<std::uint8_t>;

enum class Version : std::uint8_t { kV311 = 4, kV5 = 5 };

// Control packet types (the high nibble of the first byte).
enum PacketType : std::uint8_t {
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
};

// v5 property identifiers used by the tests.
enum PropertyId : std::uint8_t {
  kPayloadFormatIndicator = 0x01,
  kMessageExpiryInterval = 0x02,
  kSubscriptionIdentifier = 0x0B,
  kSessionExpiryInterval = 0x11,
  kAssignedClientIdentifier = 0x12,
  kServerKeepAlive = 0x13,
  kWillDelayInterval = 0x18,
  kReceiveMaximum = 0x21,
  kTopicAliasMaximum = 0x22,
  kTopicAlias = 0x23,
  kMaximumQos = 0x24,
  kRetainAvailable = 0x25,
  kMaximumPacketSize = 0x27,
  kWildcardSubscriptionAvailable = 0x28,
  kSubscriptionIdentifierAvailable = 0x29,
  kSharedSubscriptionAvailable = 0x2A,
};

// --- property encoding (the returned bytes are one property, id included) ---
Bytes property_u8(std::uint8_t id, std::uint8_t value);
Bytes property_u16(std::uint8_t id, std::uint16_t value);
Bytes property_u32(std::uint8_t id, std::uint32_t value);
Bytes property_varint(std::uint8_t id, std::uint32_t value);
Bytes property_string(std::uint8_t id, std::string_view value);
Bytes concat(std::initializer_list<Bytes> parts);

// --- packet builders ---
struct Will {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  Bytes properties;  // v5 only (e.g. property_u32(kWillDelayInterval, 2))
};

struct Connect {
  Version version = Version::kV5;
  std::string client_id;
  std::uint16_t keep_alive = 60;
  bool clean = true;  // Clean Session (v3.1.1) / Clean Start (v5)
  Bytes properties;   // v5 only
  std::optional<Will> will;
  std::optional<std::string> username;
  std::optional<std::string> password;
};

Bytes connect(const Connect& c);

struct Publish {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;  // written as given, so 3 is possible
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 1;  // only written when qos > 0
  Bytes properties;             // v5 only
};

Bytes publish(Version version, const Publish& p);

// One filter per SUBSCRIBE; `options` is the whole options byte (QoS in the
// low two bits, v5 flags above).
Bytes subscribe(Version version, std::uint16_t packet_id, std::string_view filter,
                std::uint8_t options, const Bytes& properties = {});

// One filter per UNSUBSCRIBE.
Bytes unsubscribe(Version version, std::uint16_t packet_id, std::string_view filter);

Bytes puback(Version version, std::uint16_t packet_id);
Bytes pubrel(Version version, std::uint16_t packet_id);
Bytes pingreq();
Bytes disconnect(Version version, std::uint8_t reason_code = 0);

// Prepends the fixed header (first byte and Remaining Length) to a body.
Bytes frame(std::uint8_t first_byte, const Bytes& body);

// --- reading what the broker sent ---
struct Packet {
  std::uint8_t first_byte = 0;
  Bytes body;  // everything after the Remaining Length
  std::uint8_t type() const { return first_byte >> 4; }
  std::uint8_t flags() const { return first_byte & 0x0F; }
};

// Takes one whole packet off the front of `buffer` (received bytes), if it
// holds one. Throws std::runtime_error on a malformed Remaining Length.
std::optional<Packet> take_packet(Bytes& buffer);

// v5 properties as read off the wire, in order; values are kept undecoded.
class Properties {
 public:
  // Parses a property block (length prefix included) starting at `pos`;
  // advances `pos` past it. Returns nullopt when the block is malformed.
  static std::optional<Properties> parse(const Bytes& data, std::size_t& pos);

  bool has(std::uint8_t id) const;
  std::size_t count(std::uint8_t id) const;
  std::optional<std::uint32_t> integer(std::uint8_t id, std::size_t index = 0) const;
  std::optional<std::string> string(std::uint8_t id, std::size_t index = 0) const;

 private:
  const Bytes* find(std::uint8_t id, std::size_t index) const;
  std::vector<std::pair<std::uint8_t, Bytes>> entries_;
};

struct Connack {
  bool session_present = false;
  std::uint8_t reason_code = 0;  // v3.1.1 return code or v5 reason code
  Properties properties;
};
std::optional<Connack> parse_connack(Version version, const Packet& packet);

struct ReceivedPublish {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;
  Properties properties;
};
std::optional<ReceivedPublish> parse_publish(Version version, const Packet& packet);

// The reason code of a v5 DISCONNECT (0 when the packet carries none).
std::optional<std::uint8_t> disconnect_reason(const Packet& packet);

}  // namespace starling::test::raw
