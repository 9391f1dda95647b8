#pragma once
// Appending MQTT data representations (spec 1.5) to an output buffer. Inline:
// these sit on the per-message publish path.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace starling::protocol {

inline void put_u8(std::uint8_t value, std::string& out) {
  out.push_back(static_cast<char>(value));
}

inline void put_u16(std::uint16_t value, std::string& out) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value & 0xFF));
}

inline void put_u32(std::uint32_t value, std::string& out) {
  put_u16(static_cast<std::uint16_t>(value >> 16), out);
  put_u16(static_cast<std::uint16_t>(value & 0xFFFF), out);
}

// Bytes a variable byte integer takes (1..4; values above 268,435,455 are
// not representable and count as 4).
inline std::size_t varint_size(std::size_t value) {
  if (value < 128) return 1;
  if (value < 16'384) return 2;
  if (value < 2'097'152) return 3;
  return 4;
}

inline void put_varint(std::size_t value, std::string& out) {
  do {
    auto byte = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
    if (value != 0) byte |= 0x80;
    put_u8(byte, out);
  } while (value != 0);
}

// REQUIRES: value.size() <= 65535.
inline void put_string(std::string_view value, std::string& out) {
  put_u16(static_cast<std::uint16_t>(value.size()), out);
  out.append(value);
}

inline std::size_t string_size(std::string_view value) {
  return 2 + value.size();
}

// For packets whose size is not computed up front: begin_packet writes the
// first byte and returns where the body starts; end_packet inserts the
// remaining length in front of the body written since.
inline std::size_t begin_packet(std::uint8_t first_byte, std::string& out) {
  put_u8(first_byte, out);
  return out.size();
}

void end_packet(std::size_t body_start, std::string& out);

}  // namespace starling::protocol
