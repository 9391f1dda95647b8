// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK.
#include "protocol/packet_encoders.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/wire_writer.hpp"

namespace starling::protocol {
namespace {

std::uint8_t subscription_options(const SubscribeEntry& entry, Version version) {
  std::uint8_t options = entry.qos & 0x03;
  if (!is_v5(version)) return options;
  if (entry.no_local) options |= 0x04;
  if (entry.retain_as_published) options |= 0x08;
  options |= static_cast<std::uint8_t>((entry.retain_handling & 0x03) << 4);
  return options;
}

// The packet identifier and, in v5, the property block that start all four.
void put_header(std::uint16_t packet_id, const Properties& properties, Version version,
                std::string& out) {
  put_u16(packet_id, out);
  if (is_v5(version)) write_properties(properties, out);
}

}  // namespace

void encode_subscribe(const Subscribe& subscribe, Version version, std::string& out) {
  const std::size_t body = begin_packet(0x82, out);
  put_header(subscribe.packet_id, subscribe.properties, version, out);
  for (const SubscribeEntry& entry : subscribe.entries) {
    put_string(entry.filter, out);
    put_u8(subscription_options(entry, version), out);
  }
  end_packet(body, out);
}

void encode_suback(const Suback& suback, Version version, std::string& out) {
  const std::size_t body = begin_packet(0x90, out);
  put_header(suback.packet_id, suback.properties, version, out);
  for (ReasonCode reason : suback.reasons) {
    // v3 knows one failure code, 0x80 (3.9.3).
    const bool v3_failure = !is_v5(version) && is_failure(reason);
    put_u8(v3_failure ? 0x80 : static_cast<std::uint8_t>(reason), out);
  }
  end_packet(body, out);
}

void encode_unsubscribe(const Unsubscribe& unsubscribe, Version version, std::string& out) {
  const std::size_t body = begin_packet(0xA2, out);
  put_header(unsubscribe.packet_id, unsubscribe.properties, version, out);
  for (const std::string& filter : unsubscribe.filters) put_string(filter, out);
  end_packet(body, out);
}

void encode_unsuback(const Unsuback& unsuback, Version version, std::string& out) {
  const std::size_t body = begin_packet(0xB0, out);
  put_header(unsuback.packet_id, unsuback.properties, version, out);
  if (is_v5(version)) {  // v3 UNSUBACK has no payload
    for (ReasonCode reason : unsuback.reasons) put_u8(static_cast<std::uint8_t>(reason), out);
  }
  end_packet(body, out);
}

}  // namespace starling::protocol
