// PUBLISH and its acknowledgements: PUBACK, PUBREC, PUBREL, PUBCOMP.
#include "protocol/encoder.hpp"
#include "protocol/packet_encoders.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/wire_writer.hpp"

namespace starling::protocol {
namespace {

std::size_t publish_body_size(std::uint8_t qos, std::string_view topic, std::string_view payload,
                              std::size_t properties, Version version) {
  std::size_t size = string_size(topic) + payload.size();
  if (qos > 0) size += 2;
  if (is_v5(version)) size += varint_size(properties) + properties;
  return size;
}

std::size_t v5_properties_size(const Properties* properties, Version version) {
  return is_v5(version) && properties != nullptr ? properties_size(*properties) : 0;
}

}  // namespace

void encode_publish(const PublishHeader& header, std::string_view topic, std::string_view payload,
                    const Properties* properties, Version version, std::string& out) {
  const std::size_t properties_bytes = v5_properties_size(properties, version);
  const std::size_t body = publish_body_size(header.qos, topic, payload, properties_bytes, version);
  out.reserve(out.size() + 1 + varint_size(body) + body);

  std::uint8_t first_byte = 0x30 | static_cast<std::uint8_t>((header.qos & 0x03) << 1);
  if (header.dup) first_byte |= 0x08;
  if (header.retain) first_byte |= 0x01;
  put_u8(first_byte, out);
  put_varint(body, out);
  put_string(topic, out);
  if (header.qos > 0) put_u16(header.packet_id, out);
  if (is_v5(version)) {
    put_varint(properties_bytes, out);
    if (properties != nullptr) write_property_list(*properties, out);
  }
  out.append(payload);
}

std::size_t encoded_publish_size(const PublishHeader& header, std::string_view topic,
                                 std::string_view payload, const Properties* properties,
                                 Version version) {
  const std::size_t body = publish_body_size(header.qos, topic, payload,
                                             v5_properties_size(properties, version), version);
  return 1 + varint_size(body) + body;
}

std::size_t encoded_publish_size(std::string_view topic, std::string_view payload,
                                 const Properties* properties, Version version) {
  return encoded_publish_size(PublishHeader{.qos = 1}, topic, payload, properties, version);
}

void encode_publish_response(PacketType type, std::uint16_t packet_id, ReasonCode reason,
                             const Properties& properties, Version version, std::string& out) {
  const std::uint8_t flags = type == PacketType::kPubrel ? 0x02 : 0x00;
  const std::size_t body = begin_packet(static_cast<std::uint8_t>(type) << 4 | flags, out);
  put_u16(packet_id, out);
  if (is_v5(version)) {
    // Shortest form (v5 3.4.2.1): Success without properties is the packet
    // identifier alone; a reason without properties needs no property length.
    const bool has_properties = properties_size(properties) > 0;
    if (reason != ReasonCode::kSuccess || has_properties) {
      put_u8(static_cast<std::uint8_t>(reason), out);
    }
    if (has_properties) write_properties(properties, out);
  }
  end_packet(body, out);
}

}  // namespace starling::protocol
