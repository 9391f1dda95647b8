// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK.
#include <string>
#include <utility>

#include "protocol/decode_error.hpp"
#include "protocol/packet_decoders.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/reason_code_rules.hpp"
#include "protocol/wire_reader.hpp"

namespace starling::protocol {
namespace {

// Subscription options (v5 3.8.3.1); v3 has only the QoS bits.
constexpr std::uint8_t kQosBits = 0x03;
constexpr std::uint8_t kNoLocalBit = 0x04;
constexpr std::uint8_t kRetainAsPublishedBit = 0x08;
constexpr std::uint8_t kV5ReservedBits = 0xC0;
constexpr std::uint8_t kV3ReservedBits = 0xFC;

// The packet identifier and, in v5, the property block that start all four.
Status read_header(WireReader& reader, PropertyScope scope, Version version,
                   std::uint16_t& packet_id, Properties& properties) {
  if (Status s = reader.read_u16(packet_id, "packet identifier"); !s) return s;
  if (!is_v5(version)) return {};
  return read_properties(reader, scope, properties);
}

Status read_entry(WireReader& reader, Version version, SubscribeEntry& entry) {
  std::uint8_t options = 0;
  if (Status s = reader.read_utf8(entry.filter, "topic filter"); !s) return s;
  if (Status s = reader.read_u8(options, "subscription options"); !s) return s;
  const std::uint8_t reserved = is_v5(version) ? kV5ReservedBits : kV3ReservedBits;
  if ((options & reserved) != 0) return malformed("reserved subscription option bits are set");
  entry.qos = options & kQosBits;
  if (entry.qos == 3) return malformed("subscription with QoS 3");
  entry.no_local = (options & kNoLocalBit) != 0;
  entry.retain_as_published = (options & kRetainAsPublishedBit) != 0;
  entry.retain_handling = (options >> 4) & 0x03;
  if (entry.retain_handling == 3) return protocol_error("retain handling 3");
  return {};
}

Status read_reasons(WireReader& reader, PacketType type, Version version,
                    std::vector<ReasonCode>& reasons) {
  while (!reader.empty()) {
    std::uint8_t code = 0;
    if (Status s = reader.read_u8(code, "reason code"); !s) return s;
    // v3 SUBACK return codes are 0, 1, 2 and 0x80 (3.9.3).
    const bool allowed = is_v5(version) ? is_allowed_reason(type, code) : code <= 2 || code == 0x80;
    if (!allowed) return malformed("reason code " + std::to_string(code) + " is not valid here");
    reasons.push_back(static_cast<ReasonCode>(code));
  }
  if (reasons.empty()) return protocol_error("acknowledgement without reason codes");
  return {};
}

// The shape all four share: packet identifier, v5 properties, a payload
// read by `read_payload(reader, packet)`, and no packet identifier 0.
template <typename T, typename ReadPayload>
Result<Packet> decode_with_packet_id(Body body, PropertyScope scope, Version version,
                                     ReadPayload read_payload) {
  WireReader reader(body);
  T packet;
  if (Status s = read_header(reader, scope, version, packet.packet_id, packet.properties); !s) {
    return s.error();
  }
  if (Status s = read_payload(reader, packet); !s) return s.error();
  if (packet.packet_id == 0) return protocol_error("packet identifier 0");
  return Packet(std::move(packet));
}

}  // namespace

Result<Packet> decode_subscribe(Body body, Version version) {
  return decode_with_packet_id<Subscribe>(
      body, PropertyScope::kSubscribe, version, [version](WireReader& reader, Subscribe& packet) {
        while (!reader.empty()) {
          if (Status s = read_entry(reader, version, packet.entries.emplace_back()); !s) return s;
        }
        if (packet.entries.empty())
          return Status(protocol_error("SUBSCRIBE without topic filters"));
        return Status();
      });
}

Result<Packet> decode_suback(Body body, Version version) {
  return decode_with_packet_id<Suback>(
      body, PropertyScope::kSuback, version, [version](WireReader& reader, Suback& packet) {
        return read_reasons(reader, PacketType::kSuback, version, packet.reasons);
      });
}

Result<Packet> decode_unsubscribe(Body body, Version version) {
  return decode_with_packet_id<Unsubscribe>(
      body, PropertyScope::kUnsubscribe, version, [](WireReader& reader, Unsubscribe& packet) {
        while (!reader.empty()) {
          if (Status s = reader.read_utf8(packet.filters.emplace_back(), "topic filter"); !s) {
            return s;
          }
        }
        if (packet.filters.empty()) {
          return Status(protocol_error("UNSUBSCRIBE without topic filters"));
        }
        return Status();
      });
}

Result<Packet> decode_unsuback(Body body, Version version) {
  return decode_with_packet_id<Unsuback>(
      body, PropertyScope::kUnsuback, version, [version](WireReader& reader, Unsuback& packet) {
        if (!is_v5(version)) return reader.expect_end("UNSUBACK");  // v3: no payload
        return read_reasons(reader, PacketType::kUnsuback, version, packet.reasons);
      });
}

}  // namespace starling::protocol
