#include "wire_bytes.hpp"

#include <cstdlib>
#include <string>

namespace starling::protocol::testing {

Bytes parse_bytes(std::string_view spec) {
  Bytes out;
  std::size_t i = 0;
  while (i < spec.size()) {
    if (spec[i] == ' ') {
      ++i;
    } else if (spec[i] == '\'') {
      const std::size_t end = spec.find('\'', i + 1);
      for (char c : spec.substr(i + 1, end - i - 1)) out.push_back(static_cast<std::uint8_t>(c));
      i = end + 1;
    } else {
      const std::string hex(spec.substr(i, 2));
      out.push_back(static_cast<std::uint8_t>(std::strtoul(hex.c_str(), nullptr, 16)));
      i += 2;
    }
  }
  return out;
}

Bytes frame(std::uint8_t first_byte, const Bytes& body) {
  Bytes out{first_byte};
  std::size_t length = body.size();
  do {
    std::uint8_t byte = length & 0x7F;
    length >>= 7;
    if (length != 0) byte |= 0x80;
    out.push_back(byte);
  } while (length != 0);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes encode_bytes(const Packet& packet, Version version) {
  std::string out;
  encode(packet, version, out);
  return Bytes(out.begin(), out.end());
}

Result<Packet> decode_bytes(const Bytes& bytes, Version version) {
  const FrameResult result = split_frame(bytes, 1u << 30);
  if (result.status != FrameStatus::kComplete || result.frame.size() != bytes.size()) {
    return Error{-1, "not exactly one complete frame"};
  }
  const auto body = std::span<const std::uint8_t>(bytes).subspan(result.frame.header_size);
  return decode(result.frame, body, version);
}

}  // namespace starling::protocol::testing
