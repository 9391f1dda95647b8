#include "protocol/decoder.hpp"

#include <string>

#include "protocol/decode_error.hpp"
#include "protocol/packet_decoders.hpp"

namespace starling::protocol {
namespace {

// Fixed-header flags every packet but PUBLISH must carry (spec 2.1.3).
std::uint8_t required_flags(PacketType type) {
  switch (type) {
    case PacketType::kPubrel:
    case PacketType::kSubscribe:
    case PacketType::kUnsubscribe:
      return 0b0010;
    default:
      return 0;
  }
}

Status check_empty(Body body, const char* packet) {
  if (body.empty()) return {};
  return malformed(std::string(packet) + " must have no body");
}

template <typename T>
Result<Packet> empty_packet(Body body, const char* name) {
  if (Status s = check_empty(body, name); !s) return s.error();
  return Packet(T{});
}

}  // namespace

Result<Packet> decode(const Frame& frame, std::span<const std::uint8_t> body, Version version) {
  if (body.size() != frame.remaining_length) {
    return malformed("body size differs from the remaining length");
  }
  const PacketType type = frame.type();
  const std::uint8_t flags = frame.first_byte & 0x0F;
  if (type != PacketType::kPublish && flags != required_flags(type)) {
    return malformed("reserved fixed header flags are wrong");
  }
  switch (type) {
    case PacketType::kConnect: {
      // A second CONNECT is a protocol error the session reports; decoding it
      // lets the session see what was sent.
      Result<Connect> connect = decode_connect(frame, body);
      if (!connect) return connect.error();
      return Packet(std::move(connect).value());
    }
    case PacketType::kConnack:
      return decode_connack(body, version);
    case PacketType::kPublish:
      return decode_publish(flags, body, version);
    case PacketType::kPuback:
    case PacketType::kPubrec:
    case PacketType::kPubrel:
    case PacketType::kPubcomp:
      return decode_publish_response(type, body, version);
    case PacketType::kSubscribe:
      return decode_subscribe(body, version);
    case PacketType::kSuback:
      return decode_suback(body, version);
    case PacketType::kUnsubscribe:
      return decode_unsubscribe(body, version);
    case PacketType::kUnsuback:
      return decode_unsuback(body, version);
    case PacketType::kPingreq:
      return empty_packet<Pingreq>(body, "PINGREQ");
    case PacketType::kPingresp:
      return empty_packet<Pingresp>(body, "PINGRESP");
    case PacketType::kDisconnect:
      return decode_disconnect(body, version);
    case PacketType::kAuth:
      if (!is_v5(version)) return malformed("AUTH does not exist before MQTT 5");
      return decode_auth(body);
  }
  return malformed("reserved packet type 0");
}

}  // namespace starling::protocol
