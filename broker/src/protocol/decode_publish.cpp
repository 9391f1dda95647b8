// PUBLISH and its acknowledgements: PUBACK, PUBREC, PUBREL, PUBCOMP.
#include <string>
#include <utility>

#include "protocol/decode_error.hpp"
#include "protocol/packet_decoders.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/reason_code_rules.hpp"
#include "protocol/wire_reader.hpp"

namespace starling::protocol {
namespace {

constexpr std::uint8_t kDupFlag = 0x08;
constexpr std::uint8_t kRetainFlag = 0x01;

template <typename Response>
Packet make_response(std::uint16_t packet_id, std::uint8_t reason, Properties&& properties) {
  Response response;
  response.packet_id = packet_id;
  response.reason = static_cast<ReasonCode>(reason);
  response.properties = std::move(properties);
  return Packet(std::move(response));
}

}  // namespace

Result<Packet> decode_publish(std::uint8_t flags, Body body, Version version) {
  Publish publish;
  publish.qos = (flags >> 1) & 0x03;
  publish.dup = (flags & kDupFlag) != 0;
  publish.retain = (flags & kRetainFlag) != 0;
  if (publish.qos == 3) return malformed("PUBLISH with QoS 3");
  if (publish.dup && publish.qos == 0) return malformed("PUBLISH with DUP set at QoS 0");

  WireReader reader(body);
  if (Status s = reader.read_utf8(publish.topic, "topic name"); !s) return s.error();
  if (publish.qos > 0) {
    if (Status s = reader.read_u16(publish.packet_id, "packet identifier"); !s) return s.error();
  }
  if (is_v5(version)) {
    Status s = read_properties(reader, PropertyScope::kPublish, publish.properties);
    if (!s) return s.error();
  }
  reader.read_rest(publish.payload);
  if (publish.qos > 0 && publish.packet_id == 0) {
    return protocol_error("PUBLISH with packet identifier 0");
  }
  return Packet(std::move(publish));
}

Result<Packet> decode_publish_response(PacketType type, Body body, Version version) {
  WireReader reader(body);
  std::uint16_t packet_id = 0;
  std::uint8_t reason = 0;
  Properties properties;
  if (Status s = reader.read_u16(packet_id, "packet identifier"); !s) return s.error();
  // v5 2.4 / 3.4.2.1: with nothing after the packet identifier the reason is
  // Success; with nothing after the reason there are no properties.
  if (is_v5(version) && !reader.empty()) {
    if (Status s = reader.read_u8(reason, "reason code"); !s) return s.error();
    if (!is_allowed_reason(type, reason)) {
      return malformed("reason code " + std::to_string(reason) + " is not valid here");
    }
    if (!reader.empty()) {
      Status s = read_properties(reader, PropertyScope::kPublishResponse, properties);
      if (!s) return s.error();
    }
  }
  if (Status s = reader.expect_end("publish acknowledgement"); !s) return s.error();
  if (packet_id == 0) return protocol_error("packet identifier 0");

  switch (type) {
    case PacketType::kPuback:
      return make_response<Puback>(packet_id, reason, std::move(properties));
    case PacketType::kPubrec:
      return make_response<Pubrec>(packet_id, reason, std::move(properties));
    case PacketType::kPubrel:
      return make_response<Pubrel>(packet_id, reason, std::move(properties));
    default:
      return make_response<Pubcomp>(packet_id, reason, std::move(properties));
  }
}

}  // namespace starling::protocol
