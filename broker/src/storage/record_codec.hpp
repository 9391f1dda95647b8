#pragma once
// The stored values of records.hpp (layout in key_layout.md). Each value
// starts with a format version byte; all integers are little-endian; strings
// are u32-length-prefixed. A value holds the whole record, key fields
// included, so the loader can check it against its key.
//
// Decoding never crashes, never reads out of bounds and never allocates more
// than the input's size: garbage gives an error (kStorageCorruption).
// Values of a version newer than kValueFormatVersion are refused.
#include <cstdint>
#include <string>
#include <string_view>

#include "starling/result.hpp"
#include "storage/records.hpp"

namespace starling::storage {

inline constexpr std::uint8_t kValueFormatVersion = 1;

std::string encode_message(const StoredMessage& message);
std::string encode_session(const StoredSession& session);
std::string encode_outbound(const StoredOutbound& entry);
std::string encode_inbound_qos2(const StoredInboundQos2& entry);
// The same into `value`, replacing its contents but keeping its capacity
// (the writer reuses one buffer for every value it encodes).
void encode_message(const StoredMessage& message, std::string& value);
void encode_session(const StoredSession& session, std::string& value);
void encode_outbound(const StoredOutbound& entry, std::string& value);
void encode_inbound_qos2(const StoredInboundQos2& entry, std::string& value);

Result<StoredMessage> decode_message(std::string_view value);
Result<StoredSession> decode_session(std::string_view value);
Result<StoredOutbound> decode_outbound(std::string_view value);
Result<StoredInboundQos2> decode_inbound_qos2(std::string_view value);

}  // namespace starling::storage
