#include <string>

#include "protocol/decode_error.hpp"
#include "protocol/decoder.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/wire_reader.hpp"

namespace starling::protocol {
namespace {

// Connect flags (spec 3.1.2.3).
constexpr std::uint8_t kReservedFlag = 0x01;
constexpr std::uint8_t kCleanStartFlag = 0x02;
constexpr std::uint8_t kWillFlag = 0x04;
constexpr std::uint8_t kWillRetainFlag = 0x20;
constexpr std::uint8_t kPasswordFlag = 0x40;
constexpr std::uint8_t kUserNameFlag = 0x80;

std::uint8_t will_qos_of(std::uint8_t flags) {
  return (flags >> 3) & 0x03;
}

// The protocol name and level pick the version: "MQIsdp" 3, "MQTT" 4 or 5.
Result<Version> read_version(WireReader& reader) {
  std::string name;
  std::uint8_t level = 0;
  if (Status s = reader.read_utf8(name, "protocol name"); !s) return s.error();
  if (Status s = reader.read_u8(level, "protocol level"); !s) return s.error();
  if (name == "MQIsdp" && level == 3) return Version::kV31;
  if (name == "MQTT" && (level == 4 || level == 5)) return static_cast<Version>(level);
  return make_error(ReasonCode::kUnsupportedProtocolVersion,
                    "unsupported protocol '" + name + "' level " + std::to_string(level));
}

Status check_flags(std::uint8_t flags, Version version) {
  if ((flags & kReservedFlag) != 0) return malformed("reserved connect flag is set");
  if (will_qos_of(flags) == 3) return malformed("will QoS 3");
  if ((flags & kWillFlag) == 0 && (will_qos_of(flags) != 0 || (flags & kWillRetainFlag) != 0)) {
    return malformed("will QoS or will retain set without the will flag");
  }
  if (!is_v5(version) && (flags & kPasswordFlag) != 0 && (flags & kUserNameFlag) == 0) {
    return malformed("password flag set without the user name flag");
  }
  return {};
}

Status read_will(WireReader& reader, std::uint8_t flags, Version version, Will& will) {
  will.qos = will_qos_of(flags);
  will.retain = (flags & kWillRetainFlag) != 0;
  if (is_v5(version)) {
    if (Status s = read_properties(reader, PropertyScope::kWill, will.properties); !s) return s;
  }
  if (Status s = reader.read_utf8(will.topic, "will topic"); !s) return s;
  return reader.read_binary(will.payload, "will payload");
}

Status read_credentials(WireReader& reader, std::uint8_t flags, Connect& connect) {
  if ((flags & kUserNameFlag) != 0) {
    if (Status s = reader.read_utf8(connect.username.emplace(), "user name"); !s) return s;
  }
  if ((flags & kPasswordFlag) != 0) {
    if (Status s = reader.read_binary(connect.password.emplace(), "password"); !s) return s;
  }
  return {};
}

}  // namespace

Result<Connect> decode_connect(const Frame& frame, std::span<const std::uint8_t> body) {
  if (frame.type() != PacketType::kConnect) return protocol_error("first packet is not CONNECT");
  if ((frame.first_byte & 0x0F) != 0) return malformed("reserved fixed header flags are wrong");
  if (body.size() != frame.remaining_length) {
    return malformed("body size differs from the remaining length");
  }
  WireReader reader(body);
  Result<Version> version = read_version(reader);
  if (!version) return version.error();

  Connect connect;
  connect.version = *version;
  std::uint8_t flags = 0;
  if (Status s = reader.read_u8(flags, "connect flags"); !s) return s.error();
  if (Status s = check_flags(flags, connect.version); !s) return s.error();
  connect.clean_start = (flags & kCleanStartFlag) != 0;
  if (Status s = reader.read_u16(connect.keep_alive, "keep alive"); !s) return s.error();
  if (is_v5(connect.version)) {
    Status s = read_properties(reader, PropertyScope::kConnect, connect.properties);
    if (!s) return s.error();
  }
  if (Status s = reader.read_utf8(connect.client_id, "client identifier"); !s) return s.error();
  if ((flags & kWillFlag) != 0) {
    Status s = read_will(reader, flags, connect.version, connect.will.emplace());
    if (!s) return s.error();
  }
  if (Status s = read_credentials(reader, flags, connect); !s) return s.error();
  if (Status s = reader.expect_end("CONNECT"); !s) return s.error();
  if (connect.properties.authentication_data && !connect.properties.authentication_method) {
    return protocol_error("authentication data without an authentication method");
  }
  return connect;
}

}  // namespace starling::protocol
