#pragma once
// Which v5 reason codes each packet type may carry (spec 2.4 and the reason
// code section of each packet). A code outside its packet's set makes the
// packet malformed.
#include <cstdint>

#include "protocol/packets.hpp"

namespace starling::protocol {

// REQUIRES: `type` is one of CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP,
// SUBACK, UNSUBACK, DISCONNECT, AUTH (false for any other).
bool is_allowed_reason(PacketType type, std::uint8_t code);

}  // namespace starling::protocol
