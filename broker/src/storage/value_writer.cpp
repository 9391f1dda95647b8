#include "storage/value_writer.hpp"

namespace starling::storage {
namespace {

template <typename T>
void put_le(std::string& out, T v) {
  char bytes[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) bytes[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  out.append(bytes, sizeof(T));
}

}  // namespace

void ValueWriter::put_u16(std::uint16_t v) {
  put_le(out_, v);
}
void ValueWriter::put_u32(std::uint32_t v) {
  put_le(out_, v);
}
void ValueWriter::put_u64(std::uint64_t v) {
  put_le(out_, v);
}

void ValueWriter::put_bytes(std::string_view bytes) {
  put_u32(static_cast<std::uint32_t>(bytes.size()));
  out_.append(bytes);
}

}  // namespace starling::storage
