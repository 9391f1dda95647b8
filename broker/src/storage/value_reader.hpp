#pragma once
// Reads what ValueWriter wrote, bounds-checked: every read past the end (or a
// length prefix larger than what is left) fails and leaves the reader failed,
// so a decoder can read a whole record and check ok() once. Never reads out of
// bounds and never allocates more than the input's size. Not thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace starling::storage {

class ValueReader {
 public:
  explicit ValueReader(std::string_view in) : in_(in) {}

  bool get_u8(std::uint8_t& v);
  // Accepts only 0 and 1.
  bool get_bool(bool& v);
  bool get_u16(std::uint16_t& v);
  bool get_u32(std::uint32_t& v);
  bool get_u64(std::uint64_t& v);
  bool get_i64(std::int64_t& v);
  bool get_bytes(std::string& v);
  // Reads an element count and checks that `count * min_element_size` bytes
  // are left, so a garbage count cannot trigger a huge allocation.
  bool get_count(std::uint32_t& count, std::size_t min_element_size);

  // Marks the value malformed (for a decoder's own checks, e.g. an enum range).
  void fail() { failed_ = true; }
  bool ok() const { return !failed_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  bool take(std::size_t n, std::string_view& out);

  std::string_view in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace starling::storage
