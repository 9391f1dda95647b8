#pragma once
// Appends fixed-width little-endian integers and length-prefixed byte strings
// to a std::string: the primitive layer of the stored value encoding
// (key_layout.md). Not thread-safe; one writer per value.
#include <cstdint>
#include <string>
#include <string_view>

namespace starling::storage {

class ValueWriter {
 public:
  explicit ValueWriter(std::string& out) : out_(out) {}

  void put_u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void put_bool(bool v) { put_u8(v ? 1 : 0); }
  void put_u16(std::uint16_t v);
  void put_u32(std::uint32_t v);
  void put_u64(std::uint64_t v);
  void put_i64(std::int64_t v) { put_u64(static_cast<std::uint64_t>(v)); }
  // A u32 byte count, then the bytes. REQUIRES: bytes.size() < 2^32.
  void put_bytes(std::string_view bytes);

 private:
  std::string& out_;
};

}  // namespace starling::storage
