#include "storage/keys.hpp"

namespace starling::storage {
namespace {

template <typename T>
void append_be(std::string& out, T v) {
  for (std::size_t i = sizeof(T); i-- > 0;) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
}

}  // namespace

std::string message_key(MessageId id) {
  std::string key;
  append_be(key, id);
  return key;
}

std::optional<MessageId> parse_message_key(std::string_view key) {
  if (key.size() != sizeof(MessageId)) return std::nullopt;
  MessageId id = 0;
  for (char c : key) id = id << 8 | static_cast<std::uint8_t>(c);
  return id;
}

std::string client_prefix(std::string_view client_id) {
  std::string key(client_id);
  key.push_back('\0');
  return key;
}

std::string client_prefix_end(std::string_view client_id) {
  std::string key(client_id);
  key.push_back('\1');
  return key;
}

std::string outbound_key(std::string_view client_id, MessageId id) {
  std::string key = client_prefix(client_id);
  append_be(key, id);
  return key;
}

std::string inbound_qos2_key(std::string_view client_id, std::uint16_t packet_id) {
  std::string key = client_prefix(client_id);
  append_be(key, packet_id);
  return key;
}

}  // namespace starling::storage
