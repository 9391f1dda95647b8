#include "client/wire.hpp"

#include <cstdio>

#include "protocol/encoder.hpp"

namespace starling::conformance {

std::string u16(std::uint16_t value) {
  return {static_cast<char>(value >> 8), static_cast<char>(value & 0xFF)};
}

std::string u32(std::uint32_t value) {
  return u16(static_cast<std::uint16_t>(value >> 16)) + u16(static_cast<std::uint16_t>(value));
}

std::string varint(std::uint32_t value) {
  std::string out;
  do {
    std::uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (value != 0);
  return out;
}

std::string str(std::string_view bytes) {
  return u16(static_cast<std::uint16_t>(bytes.size())) + std::string(bytes);
}

std::string packet(std::uint8_t first_byte, std::string_view body) {
  std::string out(1, static_cast<char>(first_byte));
  out += varint(static_cast<std::uint32_t>(body.size()));
  out += body;
  return out;
}

std::string encode(const protocol::Packet& packet, protocol::Version version) {
  std::string out;
  protocol::encode(packet, version, out);
  return out;
}

std::string hex(std::string_view bytes, std::size_t limit) {
  std::string out;
  char buffer[4];
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", static_cast<unsigned char>(bytes[i]));
    if (!out.empty()) out += ' ';
    out += buffer;
  }
  if (bytes.size() > limit) out += " ... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace starling::conformance
