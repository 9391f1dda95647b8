#pragma once
// Byte-level building blocks for packets the conformance client sends by hand:
// the tests that are about exact encodings (malformed lengths, reserved bits,
// bad UTF-8) write every byte themselves with these.
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/packets.hpp"

namespace starling::conformance {

// A two-byte big-endian integer.
std::string u16(std::uint16_t value);
// A four-byte big-endian integer.
std::string u32(std::uint32_t value);
// The shortest Variable Byte Integer for `value` (at most 268,435,455).
std::string varint(std::uint32_t value);
// A length-prefixed string or binary field; `bytes` is copied as is, valid
// UTF-8 or not.
std::string str(std::string_view bytes);
// A whole packet: the first byte, the shortest Remaining Length, the body.
std::string packet(std::uint8_t first_byte, std::string_view body);

// The codec's encoding of `packet` for `version`; for packets whose exact
// bytes are not what a test is about.
std::string encode(const protocol::Packet& packet, protocol::Version version);

// A readable one-line rendering of bytes ("10 0c 00 04 4d 51 ..."), at most
// `limit` bytes shown.
std::string hex(std::string_view bytes, std::size_t limit = 48);

}  // namespace starling::conformance
