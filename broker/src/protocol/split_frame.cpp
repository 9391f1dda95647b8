#include "protocol/decoder.hpp"

namespace starling::protocol {

FrameResult split_frame(std::span<const std::uint8_t> bytes, std::size_t max_packet_size) {
  FrameResult result;
  if (bytes.empty()) return result;
  result.frame.first_byte = bytes[0];
  std::size_t length = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (bytes.size() < i + 2) return result;  // the next length byte has not arrived
    const std::uint8_t byte = bytes[i + 1];
    length |= std::size_t{byte & 0x7Fu} << (7 * i);
    if ((byte & 0x80) != 0) continue;
    result.frame.header_size = i + 2;
    result.frame.remaining_length = length;
    if (result.frame.size() > max_packet_size) {
      result.status = FrameStatus::kTooLarge;
    } else if (bytes.size() >= result.frame.size()) {
      result.status = FrameStatus::kComplete;
    }
    return result;
  }
  result.status = FrameStatus::kMalformed;  // a fifth length byte would follow
  return result;
}

}  // namespace starling::protocol
