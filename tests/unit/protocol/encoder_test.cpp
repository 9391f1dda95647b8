// Exact encodings: the shortest forms the spec allows, and what v3 leaves out.
#include <gtest/gtest.h>

#include <string>

#include "wire_bytes.hpp"

namespace starling::protocol {
namespace {

using testing::Bytes;
using testing::encode_bytes;
using testing::parse_bytes;

TEST(EncodePublishResponse, WritesOnlyThePacketIdForSuccessWithoutPropertiesInV5) {
  EXPECT_EQ(encode_bytes(Puback{7, ReasonCode::kSuccess, {}}, Version::kV5),
            parse_bytes("40 02 00 07"));
  EXPECT_EQ(encode_bytes(Pubrel{7, ReasonCode::kSuccess, {}}, Version::kV5),
            parse_bytes("62 02 00 07"));
}

TEST(EncodePublishResponse, LeavesOutThePropertyLengthWhenThereAreNoProperties) {
  EXPECT_EQ(encode_bytes(Pubrec{0x0102, ReasonCode::kNoMatchingSubscribers, {}}, Version::kV5),
            parse_bytes("50 03 01 02 10"));
  EXPECT_EQ(encode_bytes(Pubcomp{1, ReasonCode::kPacketIdentifierNotFound, {}}, Version::kV5),
            parse_bytes("70 03 00 01 92"));
}

TEST(EncodePublishResponse, WritesReasonAndPropertiesWhenThereAreProperties) {
  Puback puback{1, ReasonCode::kSuccess, {}};
  puback.properties.reason_string = "ok";
  EXPECT_EQ(encode_bytes(puback, Version::kV5), parse_bytes("40 09 00 01 00 05 1F 00 02 'ok'"));
}

TEST(EncodePublishResponse, IgnoresReasonAndPropertiesInV3) {
  Puback puback{9, ReasonCode::kQuotaExceeded, {}};
  puback.properties.reason_string = "dropped";
  EXPECT_EQ(encode_bytes(puback, Version::kV311), parse_bytes("40 02 00 09"));
  EXPECT_EQ(encode_bytes(Pubrel{9, ReasonCode::kSuccess, {}}, Version::kV31),
            parse_bytes("62 02 00 09"));
}

TEST(EncodeDisconnect, WritesAnEmptyBodyForANormalV5Disconnect) {
  EXPECT_EQ(encode_bytes(Disconnect{}, Version::kV5), parse_bytes("E0 00"));
  EXPECT_EQ(encode_bytes(Disconnect{}, Version::kV311), parse_bytes("E0 00"));
}

TEST(EncodeDisconnect, WritesTheReasonAloneWithoutProperties) {
  EXPECT_EQ(encode_bytes(Disconnect{ReasonCode::kServerShuttingDown, {}}, Version::kV5),
            parse_bytes("E0 01 8B"));
}

TEST(EncodeDisconnect, IgnoresTheReasonInV3) {
  EXPECT_EQ(encode_bytes(Disconnect{ReasonCode::kServerShuttingDown, {}}, Version::kV311),
            parse_bytes("E0 00"));
}

TEST(EncodeAuth, WritesAnEmptyBodyForSuccessWithoutProperties) {
  EXPECT_EQ(encode_bytes(Auth{}, Version::kV5), parse_bytes("F0 00"));
}

TEST(EncodeAuth, KeepsThePropertyLengthAfterAReason) {
  EXPECT_EQ(encode_bytes(Auth{ReasonCode::kReAuthenticate, {}}, Version::kV5),
            parse_bytes("F0 02 19 00"));
}

TEST(EncodeAuth, WritesNothingForV3) {
  EXPECT_TRUE(encode_bytes(Auth{ReasonCode::kContinueAuthentication, {}}, Version::kV311).empty());
}

TEST(EncodePing, WritesTwoBytes) {
  EXPECT_EQ(encode_bytes(Pingreq{}, Version::kV5), parse_bytes("C0 00"));
  EXPECT_EQ(encode_bytes(Pingresp{}, Version::kV31), parse_bytes("D0 00"));
}

TEST(EncodeSuback, SendsEveryV3FailureAs0x80) {
  const Suback suback{3,
                      {ReasonCode::kGrantedQos2, ReasonCode::kNotAuthorized,
                       ReasonCode::kTopicFilterInvalid, ReasonCode::kUnspecifiedError},
                      {}};
  EXPECT_EQ(encode_bytes(suback, Version::kV311), parse_bytes("90 06 00 03 02 80 80 80"));
  EXPECT_EQ(encode_bytes(suback, Version::kV5), parse_bytes("90 07 00 03 00 02 87 8F 80"));
}

TEST(EncodeUnsuback, WritesNoPayloadInV3) {
  const Unsuback unsuback{4, {ReasonCode::kSuccess, ReasonCode::kNoSubscriptionExisted}, {}};
  EXPECT_EQ(encode_bytes(unsuback, Version::kV311), parse_bytes("B0 02 00 04"));
  EXPECT_EQ(encode_bytes(unsuback, Version::kV5), parse_bytes("B0 05 00 04 00 00 11"));
}

TEST(EncodeSubscribe, WritesV5OptionBitsAndOnlyQosInV3) {
  const Subscribe subscribe{2, {{"a", 2, true, true, 2}}, {}};
  EXPECT_EQ(encode_bytes(subscribe, Version::kV5), parse_bytes("82 07 00 02 00 00 01 'a' 2E"));
  EXPECT_EQ(encode_bytes(subscribe, Version::kV311), parse_bytes("82 06 00 02 00 01 'a' 02"));
}

TEST(EncodeUnsubscribe, SetsTheReservedFlags) {
  EXPECT_EQ(encode_bytes(Unsubscribe{5, {"a"}, {}}, Version::kV311),
            parse_bytes("A2 05 00 05 00 01 'a'"));
}

TEST(EncodeConnack, WritesTheV3ReturnCode) {
  EXPECT_EQ(encode_bytes(Connack{true, ReasonCode::kNotAuthorized, {}}, Version::kV311),
            parse_bytes("20 02 01 05"));
  EXPECT_EQ(encode_bytes(Connack{false, ReasonCode::kBanned, {}}, Version::kV31),
            parse_bytes("20 02 00 05"));
}

TEST(EncodeConnack, WritesTheV5ReasonAndAPropertyLength) {
  EXPECT_EQ(encode_bytes(Connack{false, ReasonCode::kBanned, {}}, Version::kV5),
            parse_bytes("20 03 00 8A 00"));
}

TEST(EncodeConnect, UsesTheProtocolNameAndLevelOfEachVersion) {
  Connect connect;
  connect.client_id = "c";
  connect.keep_alive = 60;
  EXPECT_EQ(encode_bytes(connect, Version::kV31),
            parse_bytes("10 0F 00 06 'MQIsdp' 03 02 00 3C 00 01 'c'"));
  EXPECT_EQ(encode_bytes(connect, Version::kV311),
            parse_bytes("10 0D 00 04 'MQTT' 04 02 00 3C 00 01 'c'"));
  EXPECT_EQ(encode_bytes(connect, Version::kV5),
            parse_bytes("10 0E 00 04 'MQTT' 05 02 00 3C 00 00 01 'c'"));
}

TEST(EncodeConnect, WritesEveryFlagAndPayloadField) {
  Connect connect;
  connect.clean_start = false;
  connect.client_id = "c";
  connect.will = Will{"w", "m", 1, true, {}};
  connect.username = "u";
  connect.password = "p";
  EXPECT_EQ(encode_bytes(connect, Version::kV311),
            parse_bytes("10 19 00 04 'MQTT' 04 EC 00 00 00 01 'c' 00 01 'w' 00 01 'm' 00 01 'u' "
                        "00 01 'p'"));
}

TEST(EncodeConnect, IgnoresPropertiesInV3) {
  Connect connect;
  connect.client_id = "c";
  connect.properties.session_expiry_interval = 10;
  EXPECT_EQ(encode_bytes(connect, Version::kV311),
            parse_bytes("10 0D 00 04 'MQTT' 04 02 00 00 00 01 'c'"));
}

TEST(EncodePublish, WritesFlagsTopicIdAndPayload) {
  std::string out;
  encode_publish({2, true, true, 0x0A0B}, "a/b", "hi", nullptr, Version::kV311, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), parse_bytes("3D 09 00 03 'a/b' 0A 0B 'hi'"));
}

TEST(EncodePublish, LeavesOutThePacketIdAtQos0) {
  std::string out;
  encode_publish({}, "t", "", nullptr, Version::kV311, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), parse_bytes("30 03 00 01 't'"));
}

TEST(EncodePublish, WritesAnEmptyPropertyBlockInV5WhenPropertiesAreNull) {
  std::string out;
  encode_publish({}, "t", "x", nullptr, Version::kV5, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), parse_bytes("30 05 00 01 't' 00 'x'"));
}

TEST(EncodePublish, IgnoresPropertiesInV3) {
  Properties properties;
  properties.message_expiry_interval = 5;
  std::string v3;
  std::string v3_without;
  encode_publish({}, "t", "x", &properties, Version::kV311, v3);
  encode_publish({}, "t", "x", nullptr, Version::kV311, v3_without);
  EXPECT_EQ(v3, v3_without);
}

TEST(EncodePublish, AppendsAfterWhatIsAlreadyInTheBuffer) {
  std::string out = "xyz";
  encode_publish({}, "t", "p", nullptr, Version::kV311, out);
  EXPECT_EQ(out.substr(0, 3), "xyz");
  EXPECT_EQ(out.size(), 3u + 6u);
}

TEST(EncodePublish, MatchesEncodingAPublishValue) {
  Publish publish;
  publish.qos = 1;
  publish.packet_id = 3;
  publish.topic = "t/1";
  publish.payload = "body";
  publish.properties.subscription_identifiers = {1, 300};
  std::string fast;
  encode_publish({1, false, false, 3}, publish.topic, publish.payload, &publish.properties,
                 Version::kV5, fast);
  EXPECT_EQ(Bytes(fast.begin(), fast.end()), encode_bytes(publish, Version::kV5));
}

TEST(EncodePublish, WritesMultiByteRemainingLengths) {
  for (std::size_t payload_size : {122u, 123u, 16'378u, 16'379u}) {
    std::string out;
    encode_publish({}, "t", std::string(payload_size, 'x'), nullptr, Version::kV311, out);
    const std::size_t body = payload_size + 3;
    const std::size_t header = body < 128 ? 2 : body < 16'384 ? 3 : 4;
    EXPECT_EQ(out.size(), header + body) << payload_size;
  }
}

TEST(EncodedPublishSize, EqualsTheBytesEncodePublishAppends) {
  Properties properties;
  properties.user_properties = {{"k", std::string(200, 'v')}};
  properties.subscription_identifiers = {70000};
  for (Version version : {Version::kV31, Version::kV311, Version::kV5}) {
    for (std::uint8_t qos = 0; qos <= 2; ++qos) {
      const Properties* const choices[] = {nullptr, &properties};
      for (const Properties* props : choices) {
        const PublishHeader header{qos, false, false, static_cast<std::uint16_t>(qos == 0 ? 0 : 1)};
        std::string out;
        encode_publish(header, "topic", std::string(130, 'p'), props, version, out);
        EXPECT_EQ(encoded_publish_size(header, "topic", std::string(130, 'p'), props, version),
                  out.size());
      }
    }
  }
}

TEST(EncodedPublishSize, CountsAPacketIdWhenNoHeaderIsGiven) {
  EXPECT_EQ(encoded_publish_size("t", "x", nullptr, Version::kV311), 8u);
  EXPECT_EQ(encoded_publish_size({}, "t", "x", nullptr, Version::kV311), 6u);
}

TEST(Encode, AppendsSeveralPacketsToOneBuffer) {
  std::string out;
  encode(Pingreq{}, Version::kV311, out);
  encode(Puback{1, ReasonCode::kSuccess, {}}, Version::kV311, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), parse_bytes("C0 00 40 02 00 01"));
}

}  // namespace
}  // namespace starling::protocol
