#include "storage/record_codec.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "sample_records.hpp"
#include "storage/keys.hpp"
#include "storage/storage_error.hpp"

namespace starling::storage {
namespace {

// One encoding per record type, with everything set.
std::vector<std::string> full_encodings() {
  return {encode_message(full_message(77)), encode_session(full_session("c")),
          encode_outbound(full_outbound("c", 77)), encode_inbound_qos2({"c", 9})};
}

// Decodes `bytes` as every record type. Whatever decodes must re-encode to
// exactly `bytes` (the encoding is canonical), so a decoder that accepts
// garbage shows up here even when it does not crash.
void decode_as_everything(const std::string& bytes) {
  if (auto m = decode_message(bytes); m.ok()) {
    EXPECT_EQ(encode_message(*m), bytes);
  } else {
    EXPECT_EQ(m.error().code, kStorageCorruption);
  }
  if (auto s = decode_session(bytes); s.ok()) {
    EXPECT_EQ(encode_session(*s), bytes);
  }
  if (auto o = decode_outbound(bytes); o.ok()) {
    EXPECT_EQ(encode_outbound(*o), bytes);
  }
  if (auto i = decode_inbound_qos2(bytes); i.ok()) {
    EXPECT_EQ(encode_inbound_qos2(*i), bytes);
  }
}

TEST(RecordCodec, EveryRecordRoundTripsWithEveryFieldSet) {
  EXPECT_EQ(*decode_message(encode_message(full_message(77))), full_message(77));
  EXPECT_TRUE(same_session(*decode_session(encode_session(full_session("c"))), full_session("c")));
  EXPECT_EQ(*decode_outbound(encode_outbound(full_outbound("c", 77))), full_outbound("c", 77));
  StoredInboundQos2 inbound{"c", 9};
  EXPECT_EQ(*decode_inbound_qos2(encode_inbound_qos2(inbound)), inbound);
}

TEST(RecordCodec, AbsentPropertiesStayAbsent) {
  StoredMessage m = full_message(1);
  m.properties = {};
  m.properties.topic_alias = 3;  // one in the middle of the bitmap
  m.expires_at_ms.reset();
  EXPECT_EQ(*decode_message(encode_message(m)), m);
}

TEST(RecordCodec, ValuesStartWithTheFormatVersion) {
  for (const std::string& value : full_encodings()) {
    EXPECT_EQ(static_cast<std::uint8_t>(value[0]), kValueFormatVersion);
  }
}

TEST(RecordCodec, ANewerValueVersionIsRefused) {
  std::string value = encode_message(full_message(1));
  value[0] = static_cast<char>(kValueFormatVersion + 1);
  auto decoded = decode_message(value);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, kStorageCorruption);
}

TEST(RecordCodec, EveryTruncationAndEveryExtensionIsAnError) {
  for (const std::string& value : full_encodings()) {
    for (std::size_t n = 0; n < value.size(); ++n) decode_as_everything(value.substr(0, n));
    decode_as_everything(value + '\0');
  }
  EXPECT_FALSE(decode_message(encode_message(full_message(1)).substr(0, 20)).ok());
  EXPECT_FALSE(decode_message(encode_message(full_message(1)) + "x").ok());
}

TEST(RecordCodec, AHugeCountIsAnErrorNotAnAllocation) {
  StoredOutbound e;
  std::string value = encode_outbound(e);
  // version, client id (4 + 0), message id (8), qos, retain: then the count.
  const std::size_t count_at = 1 + 4 + 8 + 1 + 1;
  value.replace(count_at, 4, "\xff\xff\xff\xff");
  EXPECT_FALSE(decode_outbound(value).ok());
}

TEST(RecordCodec, RandomBytesNeverCrashAndAreRarelyAccepted) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 300);
  for (int i = 0; i < 5000; ++i) {
    std::string bytes(static_cast<std::size_t>(length(rng)), '\0');
    for (char& c : bytes) c = static_cast<char>(byte(rng));
    if (!bytes.empty() && i % 2 == 0) bytes[0] = static_cast<char>(kValueFormatVersion);
    decode_as_everything(bytes);
  }
}

TEST(RecordCodec, MutatedValidValuesNeverCrash) {
  std::mt19937 rng(777);
  std::vector<std::string> values = full_encodings();
  for (int i = 0; i < 5000; ++i) {
    std::string bytes = values[static_cast<std::size_t>(i) % values.size()];
    std::uniform_int_distribution<std::size_t> at(0, bytes.size() - 1);
    for (int flips = 1 + i % 4; flips > 0; --flips) {
      bytes[at(rng)] = static_cast<char>(rng());
    }
    decode_as_everything(bytes);
  }
}

TEST(Keys, MessageKeysSortNumericallyAndParseBack) {
  EXPECT_LT(message_key(255), message_key(256));
  EXPECT_LT(message_key(1ULL << 32), message_key(1ULL << 33));
  EXPECT_EQ(parse_message_key(message_key(0x0102030405060708ULL)), 0x0102030405060708ULL);
  EXPECT_FALSE(parse_message_key("short").has_value());
}

TEST(Keys, AClientsRangeHoldsNoOtherClientsKeys) {
  // "ab" shares the prefix "a" but sorts after the end of a's range.
  EXPECT_GE(outbound_key("ab", 0), client_prefix_end("a"));
  EXPECT_LT(outbound_key("a", ~0ULL), client_prefix_end("a"));
  EXPECT_GE(outbound_key("a", 0), client_prefix("a"));
  EXPECT_LT(inbound_qos2_key("a", 0xFFFF), client_prefix_end("a"));
}

}  // namespace
}  // namespace starling::storage
