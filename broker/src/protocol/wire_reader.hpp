#pragma once
// Bounds-checked reading of MQTT data representations (spec 1.5): big-endian
// integers, variable byte integers, length-prefixed strings and binary data.
// Every failure is a malformed packet; `what` names the field for the message.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "starling/result.hpp"

namespace starling::protocol {

class WireReader {
 public:
  explicit WireReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool empty() const { return remaining() == 0; }

  Status read_u8(std::uint8_t& out, const char* what);
  Status read_u16(std::uint16_t& out, const char* what);
  Status read_u32(std::uint32_t& out, const char* what);
  // At most 4 bytes, value up to 268,435,455.
  Status read_varint(std::uint32_t& out, const char* what);
  // Two-byte length, then that many bytes of MQTT-valid UTF-8.
  Status read_utf8(std::string& out, const char* what);
  // Two-byte length, then that many bytes of anything.
  Status read_binary(std::string& out, const char* what);
  // Everything left (a payload).
  void read_rest(std::string& out);
  // Moves the next `size` bytes into their own reader (a property block).
  Status take(std::size_t size, WireReader& out, const char* what);
  // Malformed unless every byte has been consumed.
  Status expect_end(const char* packet) const;

 private:
  Status need(std::size_t size, const char* what) const;

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace starling::protocol
