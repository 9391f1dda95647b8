// CONNACK, DISCONNECT and AUTH: the packets that carry a connection's state.
#include <string>
#include <utility>

#include "protocol/decode_error.hpp"
#include "protocol/packet_decoders.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/reason_code_rules.hpp"
#include "protocol/wire_reader.hpp"

namespace starling::protocol {
namespace {

// v3 CONNACK return codes 0..5 as the v5 reason codes they stand for.
constexpr ReasonCode kV3ReturnCodes[] = {
    ReasonCode::kSuccess,
    ReasonCode::kUnsupportedProtocolVersion,
    ReasonCode::kClientIdentifierNotValid,
    ReasonCode::kServerUnavailable,
    ReasonCode::kBadUserNameOrPassword,
    ReasonCode::kNotAuthorized,
};

Status read_reason(WireReader& reader, PacketType type, ReasonCode& reason) {
  std::uint8_t code = 0;
  if (Status s = reader.read_u8(code, "reason code"); !s) return s;
  if (!is_allowed_reason(type, code)) {
    return malformed("reason code " + std::to_string(code) + " is not valid here");
  }
  reason = static_cast<ReasonCode>(code);
  return {};
}

// DISCONNECT and AUTH: an empty body is reason 0 without properties; a reason
// alone has no properties (v5 3.14.2.2.1, 3.15.2.2.1).
Status read_reason_and_properties(WireReader& reader, PacketType type, PropertyScope scope,
                                  ReasonCode& reason, Properties& properties) {
  if (reader.empty()) return {};
  if (Status s = read_reason(reader, type, reason); !s) return s;
  if (reader.empty()) return {};
  if (Status s = read_properties(reader, scope, properties); !s) return s;
  return reader.expect_end("packet");
}

}  // namespace

Result<Packet> decode_connack(Body body, Version version) {
  WireReader reader(body);
  Connack connack;
  std::uint8_t flags = 0;
  if (Status s = reader.read_u8(flags, "acknowledge flags"); !s) return s.error();
  if ((flags & 0xFE) != 0) return malformed("reserved acknowledge flags are set");
  connack.session_present = (flags & 0x01) != 0;
  if (is_v5(version)) {
    if (Status s = read_reason(reader, PacketType::kConnack, connack.reason); !s) return s.error();
    Status s = read_properties(reader, PropertyScope::kConnack, connack.properties);
    if (!s) return s.error();
  } else {
    std::uint8_t code = 0;
    if (Status s = reader.read_u8(code, "return code"); !s) return s.error();
    if (code >= std::size(kV3ReturnCodes)) {
      return malformed("CONNACK return code " + std::to_string(code) + " is reserved");
    }
    connack.reason = kV3ReturnCodes[code];
  }
  if (Status s = reader.expect_end("CONNACK"); !s) return s.error();
  return Packet(std::move(connack));
}

Result<Packet> decode_disconnect(Body body, Version version) {
  WireReader reader(body);
  Disconnect disconnect;
  if (is_v5(version)) {
    Status s =
        read_reason_and_properties(reader, PacketType::kDisconnect, PropertyScope::kDisconnect,
                                   disconnect.reason, disconnect.properties);
    if (!s) return s.error();
  }
  if (Status s = reader.expect_end("DISCONNECT"); !s) return s.error();
  return Packet(std::move(disconnect));
}

Result<Packet> decode_auth(Body body) {
  WireReader reader(body);
  Auth auth;
  Status s = read_reason_and_properties(reader, PacketType::kAuth, PropertyScope::kAuth,
                                        auth.reason, auth.properties);
  if (!s) return s.error();
  return Packet(std::move(auth));
}

}  // namespace starling::protocol
