#include "protocol/wire_reader.hpp"

#include "protocol/decode_error.hpp"
#include "protocol/utf8.hpp"

namespace starling::protocol {

Status WireReader::need(std::size_t size, const char* what) const {
  if (remaining() < size) return malformed(std::string("packet ends inside ") + what);
  return {};
}

Status WireReader::read_u8(std::uint8_t& out, const char* what) {
  if (Status s = need(1, what); !s) return s;
  out = bytes_[pos_++];
  return {};
}

Status WireReader::read_u16(std::uint16_t& out, const char* what) {
  if (Status s = need(2, what); !s) return s;
  out = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
  pos_ += 2;
  return {};
}

Status WireReader::read_u32(std::uint32_t& out, const char* what) {
  if (Status s = need(4, what); !s) return s;
  out = (std::uint32_t{bytes_[pos_]} << 24) | (std::uint32_t{bytes_[pos_ + 1]} << 16) |
        (std::uint32_t{bytes_[pos_ + 2]} << 8) | std::uint32_t{bytes_[pos_ + 3]};
  pos_ += 4;
  return {};
}

Status WireReader::read_varint(std::uint32_t& out, const char* what) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    std::uint8_t byte = 0;
    if (Status s = read_u8(byte, what); !s) return s;
    value |= std::uint32_t{byte & 0x7Fu} << (7 * i);
    if ((byte & 0x80) == 0) {
      out = value;
      return {};
    }
  }
  return malformed(std::string("variable byte integer longer than 4 bytes in ") + what);
}

Status WireReader::read_binary(std::string& out, const char* what) {
  std::uint16_t size = 0;
  if (Status s = read_u16(size, what); !s) return s;
  if (Status s = need(size, what); !s) return s;
  out.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), size);
  pos_ += size;
  return {};
}

Status WireReader::read_utf8(std::string& out, const char* what) {
  if (Status s = read_binary(out, what); !s) return s;
  if (!is_valid_mqtt_utf8(out)) return malformed(std::string("invalid UTF-8 in ") + what);
  return {};
}

void WireReader::read_rest(std::string& out) {
  out.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), remaining());
  pos_ = bytes_.size();
}

Status WireReader::take(std::size_t size, WireReader& out, const char* what) {
  if (remaining() < size) return malformed(std::string(what) + " runs past the end of the packet");
  out = WireReader(bytes_.subspan(pos_, size));
  pos_ += size;
  return {};
}

Status WireReader::expect_end(const char* packet) const {
  if (empty()) return {};
  return malformed(std::to_string(remaining()) + " unexpected bytes at the end of " + packet);
}

}  // namespace starling::protocol
