#include "protocol/wire_writer.hpp"

namespace starling::protocol {

void end_packet(std::size_t body_start, std::string& out) {
  std::string length;
  put_varint(out.size() - body_start, length);
  out.insert(body_start, length);
}

}  // namespace starling::protocol
