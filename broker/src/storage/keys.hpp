#pragma once
// The keys of the stored records (key_layout.md). Integers in keys are
// big-endian so that RocksDB's bytewise order is numeric order; a client's
// entries share the prefix `client_id + '\0'`, so a prefix scan yields them in
// id order and a range delete over [client_prefix, client_prefix_end) removes
// exactly them. REQUIRES: client ids contain no NUL byte (MQTT forbids
// U+0000; check_batch enforces it).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/records.hpp"

namespace starling::storage {

std::string message_key(MessageId id);
std::optional<MessageId> parse_message_key(std::string_view key);

std::string client_prefix(std::string_view client_id);      // client_id + '\0'
std::string client_prefix_end(std::string_view client_id);  // client_id + '\1'

std::string outbound_key(std::string_view client_id, MessageId id);
std::string inbound_qos2_key(std::string_view client_id, std::uint16_t packet_id);

}  // namespace starling::storage
