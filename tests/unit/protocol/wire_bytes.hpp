#pragma once
// Test helpers: writing packets as readable byte strings, and running bytes
// through the real framing + decoding path.
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/decoder.hpp"
#include "protocol/encoder.hpp"

namespace starling::protocol::testing {

using Bytes = std::vector<std::uint8_t>;

// "00 04 'MQTT' 05": hex bytes, and ASCII text between single quotes.
Bytes parse_bytes(std::string_view spec);

// A whole packet: `first_byte`, the remaining length of `body`, `body`.
Bytes frame(std::uint8_t first_byte, const Bytes& body);

Bytes encode_bytes(const Packet& packet, Version version);

// split_frame, then decode. Error code -1 when the bytes are not exactly one
// complete frame.
Result<Packet> decode_bytes(const Bytes& bytes, Version version);

}  // namespace starling::protocol::testing
