#include <gtest/gtest.h>

#include "wire_bytes.hpp"

namespace starling::protocol {
namespace {

using testing::Bytes;
using testing::frame;
using testing::parse_bytes;

Result<Connect> decode_connect_bytes(std::uint8_t first_byte, const char* body) {
  const Bytes bytes = frame(first_byte, parse_bytes(body));
  const FrameResult result = split_frame(bytes, 1 << 20);
  EXPECT_EQ(result.status, FrameStatus::kComplete);
  return decode_connect(result.frame,
                        std::span<const std::uint8_t>(bytes).subspan(result.frame.header_size));
}

TEST(DecodeConnect, DetectsV31FromMQIsdpLevel3) {
  const Result<Connect> c = decode_connect_bytes(0x10, "00 06 'MQIsdp' 03 02 00 3C 00 01 'c'");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->version, Version::kV31);
  EXPECT_EQ(c->client_id, "c");
}

TEST(DecodeConnect, DetectsV311FromMQTTLevel4) {
  const Result<Connect> c = decode_connect_bytes(0x10, "00 04 'MQTT' 04 00 01 2C 00 02 'id'");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->version, Version::kV311);
  EXPECT_FALSE(c->clean_start);
  EXPECT_EQ(c->keep_alive, 300);
  EXPECT_EQ(c->client_id, "id");
}

TEST(DecodeConnect, DetectsV5FromMQTTLevel5AndReadsProperties) {
  const Result<Connect> c =
      decode_connect_bytes(0x10, "00 04 'MQTT' 05 02 00 3C 05 11 00 00 00 0A 00 01 'c'");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->version, Version::kV5);
  EXPECT_EQ(c->properties.session_expiry_interval, 10u);
}

TEST(DecodeConnect, ReportsAnUnknownLevelAsUnsupportedVersion) {
  const Result<Connect> c = decode_connect_bytes(0x10, "00 04 'MQTT' 07 02 00 3C 00 01 'c'");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, 0x84);
}

TEST(DecodeConnect, ReportsAMismatchedNameAndLevelAsUnsupportedVersion) {
  const Result<Connect> c = decode_connect_bytes(0x10, "00 06 'MQIsdp' 05 02 00 3C 00 01 'c'");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, 0x84);
}

TEST(DecodeConnect, RejectsAFirstPacketThatIsNotConnectAsAProtocolError) {
  const Result<Connect> c = decode_connect_bytes(0x30, "00 01 't'");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, 0x82);
}

TEST(DecodeConnect, ReadsAWillWithItsQosAndRetain) {
  const Result<Connect> c =
      decode_connect_bytes(0x10, "00 04 'MQTT' 04 34 00 3C 00 01 'c' 00 01 'w' 00 02 00 FF");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->will.has_value());
  EXPECT_EQ(c->will->qos, 2);
  EXPECT_TRUE(c->will->retain);
  EXPECT_EQ(c->will->topic, "w");
  EXPECT_EQ(c->will->payload, std::string("\0\xFF", 2));
}

TEST(DecodeConnect, AllowsAPasswordWithoutUserNameInV5) {
  const Result<Connect> c =
      decode_connect_bytes(0x10, "00 04 'MQTT' 05 42 00 3C 00 00 01 'c' 00 02 'pw'");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->username.has_value());
  EXPECT_EQ(c->password, "pw");
}

TEST(DecodeConnect, AcceptsABinaryPasswordThatIsNotUtf8) {
  const Result<Connect> c =
      decode_connect_bytes(0x10, "00 04 'MQTT' 04 C2 00 3C 00 01 'c' 00 01 'u' 00 02 00 FF");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->password, std::string("\0\xFF", 2));
}

TEST(DecodeConnect, LeavesAnEmptyClientIdentifierToTheBroker) {
  const Result<Connect> c = decode_connect_bytes(0x10, "00 04 'MQTT' 04 00 00 3C 00 00");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->client_id.empty());
}

TEST(DecodeConnect, RejectsAuthenticationDataWithoutAMethodAsAProtocolError) {
  const Result<Connect> c =
      decode_connect_bytes(0x10, "00 04 'MQTT' 05 02 00 3C 04 16 00 01 'x' 00 01 'c'");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, 0x82);
}

TEST(DecodeConnect, AcceptsAuthenticationDataAlongsideAMethod) {
  const Result<Connect> c = decode_connect_bytes(
      0x10, "00 04 'MQTT' 05 02 00 3C 0B 15 00 04 'SCRA' 16 00 01 'x' 00 01 'c'");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->properties.authentication_method, "SCRA");
  EXPECT_EQ(c->properties.authentication_data, "x");
}

TEST(DecodeConnect, NamesTheProblemInTheErrorMessage) {
  const Result<Connect> c = decode_connect_bytes(0x10, "00 04 'MQTT' 04 03 00 3C 00 01 'c'");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("reserved"), std::string::npos) << c.error().message;
}

TEST(Decode, RejectsABodyWhoseSizeDiffersFromTheRemainingLength) {
  const Bytes body = parse_bytes("00 01");
  Frame frame_with_wrong_length{0x40, 2, 3};
  const Result<Packet> p = decode(frame_with_wrong_length, body, Version::kV311);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, 0x81);
}

TEST(Decode, HandsASecondConnectToTheCallerAsAConnect) {
  const Bytes bytes = frame(0x10, parse_bytes("00 04 'MQTT' 04 02 00 3C 00 01 'c'"));
  const Result<Packet> p = testing::decode_bytes(bytes, Version::kV311);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(std::holds_alternative<Connect>(*p));
}

TEST(DecodePublish, LeavesWildcardsAndAliasZeroToTheBroker) {
  const Bytes bytes = frame(0x30, parse_bytes("00 03 'a/#' 03 23 00 00"));
  const Result<Packet> p = testing::decode_bytes(bytes, Version::kV5);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(std::get<Publish>(*p).topic, "a/#");
  EXPECT_EQ(std::get<Publish>(*p).properties.topic_alias, 0);
}

TEST(DecodePublishResponse, ReadsATwoByteV5BodyAsSuccessWithoutProperties) {
  const Result<Packet> p = testing::decode_bytes(parse_bytes("40 02 00 05"), Version::kV5);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(*p == Packet(Puback{5, ReasonCode::kSuccess, {}}));
}

TEST(DecodePublishResponse, ReadsAThreeByteV5BodyAsAReasonWithoutProperties) {
  const Result<Packet> p = testing::decode_bytes(parse_bytes("50 03 00 05 80"), Version::kV5);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(*p == Packet(Pubrec{5, ReasonCode::kUnspecifiedError, {}}));
}

TEST(DecodeDisconnect, ReadsAnEmptyV5BodyAsNormalDisconnection) {
  const Result<Packet> p = testing::decode_bytes(parse_bytes("E0 00"), Version::kV5);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(*p == Packet(Disconnect{}));
}

TEST(DecodeDisconnect, ReadsAReasonWithoutPropertyLength) {
  const Result<Packet> p = testing::decode_bytes(parse_bytes("E0 01 04"), Version::kV5);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(*p == Packet(Disconnect{ReasonCode::kDisconnectWithWillMessage, {}}));
}

TEST(DecodeAuth, ReadsAnEmptyBodyAsSuccess) {
  const Result<Packet> p = testing::decode_bytes(parse_bytes("F0 00"), Version::kV5);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(*p == Packet(Auth{}));
}

TEST(DecodeConnack, MapsV3ReturnCodesToV5ReasonCodes) {
  const std::pair<int, ReasonCode> mapping[] = {
      {0, ReasonCode::kSuccess},
      {1, ReasonCode::kUnsupportedProtocolVersion},
      {2, ReasonCode::kClientIdentifierNotValid},
      {3, ReasonCode::kServerUnavailable},
      {4, ReasonCode::kBadUserNameOrPassword},
      {5, ReasonCode::kNotAuthorized},
  };
  for (const auto& [code, reason] : mapping) {
    Bytes bytes = parse_bytes("20 02 01 00");
    bytes[3] = static_cast<std::uint8_t>(code);
    const Result<Packet> p = testing::decode_bytes(bytes, Version::kV311);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(std::get<Connack>(*p).reason, reason) << code;
    EXPECT_TRUE(std::get<Connack>(*p).session_present);
  }
}

}  // namespace
}  // namespace starling::protocol
