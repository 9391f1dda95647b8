#pragma once
// The per-packet decoders behind decode(). Each receives the body (the bytes
// after the fixed header) and the fixed-header flags, already checked by
// decode() for every packet but PUBLISH, whose flags carry its QoS, DUP and
// RETAIN.
#include <cstdint>
#include <span>

#include "protocol/packets.hpp"
#include "starling/result.hpp"

namespace starling::protocol {

using Body = std::span<const std::uint8_t>;

Result<Packet> decode_connack(Body body, Version version);
Result<Packet> decode_publish(std::uint8_t flags, Body body, Version version);
// PUBACK, PUBREC, PUBREL or PUBCOMP, by `type`.
Result<Packet> decode_publish_response(PacketType type, Body body, Version version);
Result<Packet> decode_subscribe(Body body, Version version);
Result<Packet> decode_suback(Body body, Version version);
Result<Packet> decode_unsubscribe(Body body, Version version);
Result<Packet> decode_unsuback(Body body, Version version);
Result<Packet> decode_disconnect(Body body, Version version);
Result<Packet> decode_auth(Body body);

}  // namespace starling::protocol
