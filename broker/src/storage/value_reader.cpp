#include "storage/value_reader.hpp"

namespace starling::storage {
namespace {

template <typename T>
T get_le(std::string_view bytes) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    v |= static_cast<T>(static_cast<std::uint8_t>(bytes[i])) << (8 * i);
  }
  return v;
}

}  // namespace

bool ValueReader::take(std::size_t n, std::string_view& out) {
  if (failed_ || in_.size() - pos_ < n) {
    failed_ = true;
    return false;
  }
  out = in_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool ValueReader::get_u8(std::uint8_t& v) {
  std::string_view b;
  if (!take(1, b)) return false;
  v = static_cast<std::uint8_t>(b[0]);
  return true;
}

bool ValueReader::get_bool(bool& v) {
  std::uint8_t b = 0;
  if (!get_u8(b)) return false;
  if (b > 1) {
    failed_ = true;
    return false;
  }
  v = b == 1;
  return true;
}

bool ValueReader::get_u16(std::uint16_t& v) {
  std::string_view b;
  if (!take(2, b)) return false;
  v = get_le<std::uint16_t>(b);
  return true;
}

bool ValueReader::get_u32(std::uint32_t& v) {
  std::string_view b;
  if (!take(4, b)) return false;
  v = get_le<std::uint32_t>(b);
  return true;
}

bool ValueReader::get_u64(std::uint64_t& v) {
  std::string_view b;
  if (!take(8, b)) return false;
  v = get_le<std::uint64_t>(b);
  return true;
}

bool ValueReader::get_i64(std::int64_t& v) {
  std::uint64_t u = 0;
  if (!get_u64(u)) return false;
  v = static_cast<std::int64_t>(u);
  return true;
}

bool ValueReader::get_bytes(std::string& v) {
  std::uint32_t size = 0;
  std::string_view b;
  if (!get_u32(size) || !take(size, b)) return false;
  v.assign(b);
  return true;
}

bool ValueReader::get_count(std::uint32_t& count, std::size_t min_element_size) {
  if (!get_u32(count)) return false;
  if (min_element_size > 0 && count > (in_.size() - pos_) / min_element_size) {
    failed_ = true;
    return false;
  }
  return true;
}

}  // namespace starling::storage
