// CONNECT and CONNACK.
#include "protocol/encoder.hpp"
#include "protocol/packet_encoders.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/wire_writer.hpp"

namespace starling::protocol {
namespace {

std::uint8_t connect_flags(const Connect& connect) {
  std::uint8_t flags = connect.clean_start ? 0x02 : 0x00;
  if (connect.will) {
    flags |= 0x04;
    flags |= static_cast<std::uint8_t>((connect.will->qos & 0x03) << 3);
    if (connect.will->retain) flags |= 0x20;
  }
  if (connect.password) flags |= 0x40;
  if (connect.username) flags |= 0x80;
  return flags;
}

}  // namespace

void encode_connect(const Connect& connect, Version version, std::string& out) {
  const std::size_t body = begin_packet(0x10, out);
  put_string(version == Version::kV31 ? "MQIsdp" : "MQTT", out);
  put_u8(static_cast<std::uint8_t>(version), out);
  put_u8(connect_flags(connect), out);
  put_u16(connect.keep_alive, out);
  if (is_v5(version)) write_properties(connect.properties, out);
  put_string(connect.client_id, out);
  if (connect.will) {
    if (is_v5(version)) write_properties(connect.will->properties, out);
    put_string(connect.will->topic, out);
    put_string(connect.will->payload, out);
  }
  if (connect.username) put_string(*connect.username, out);
  if (connect.password) put_string(*connect.password, out);
  end_packet(body, out);
}

void encode_connack(const Connack& connack, Version version, std::string& out) {
  const std::size_t body = begin_packet(0x20, out);
  put_u8(connack.session_present ? 0x01 : 0x00, out);
  if (is_v5(version)) {
    put_u8(static_cast<std::uint8_t>(connack.reason), out);
    write_properties(connack.properties, out);
  } else {
    put_u8(connack_return_code_v3(connack.reason), out);
  }
  end_packet(body, out);
}

std::uint8_t connack_return_code_v3(ReasonCode reason) {
  switch (reason) {
    case ReasonCode::kSuccess:
      return 0;
    case ReasonCode::kUnsupportedProtocolVersion:
      return 1;
    case ReasonCode::kClientIdentifierNotValid:
      return 2;
    case ReasonCode::kBadUserNameOrPassword:
    case ReasonCode::kBadAuthenticationMethod:
      return 4;
    case ReasonCode::kNotAuthorized:
    case ReasonCode::kBanned:
      return 5;
    default:
      return 3;  // every other refusal reads best as "server unavailable"
  }
}

}  // namespace starling::protocol
