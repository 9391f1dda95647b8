// Encoding a packet and decoding the bytes gives the packet back, for every
// packet type in every version where it exists.
#include <gtest/gtest.h>

#include <string>

#include "wire_bytes.hpp"

namespace starling::protocol {
namespace {

using testing::Bytes;
using testing::decode_bytes;
using testing::encode_bytes;

constexpr Version kAllVersions[] = {Version::kV31, Version::kV311, Version::kV5};

const char* name_of(Version v) {
  switch (v) {
    case Version::kV31:
      return "v3.1";
    case Version::kV311:
      return "v3.1.1";
    case Version::kV5:
      return "v5";
  }
  return "?";
}

void expect_round_trip(const Packet& packet, Version version) {
  SCOPED_TRACE(name_of(version));
  const Bytes bytes = encode_bytes(packet, version);
  const Result<Packet> decoded = decode_bytes(bytes, version);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->index(), packet.index());
  EXPECT_TRUE(*decoded == packet);
}

void expect_round_trip_in_all_versions(const Packet& packet) {
  for (Version v : kAllVersions) expect_round_trip(packet, v);
}

Connect connect_for(Version version) {
  Connect connect;
  connect.version = version;
  connect.client_id = "client-1";
  connect.keep_alive = 60;
  return connect;
}

TEST(RoundTripConnect, KeepsAMinimalConnectInEveryVersion) {
  for (Version v : kAllVersions) expect_round_trip(connect_for(v), v);
}

TEST(RoundTripConnect, KeepsWillCredentialsAndFlagsInEveryVersion) {
  for (Version v : kAllVersions) {
    Connect connect = connect_for(v);
    connect.clean_start = false;
    connect.keep_alive = 65535;
    connect.will = Will{"last/will", std::string("\0\x01\xFF", 3), 2, true, {}};
    connect.username = "user";
    connect.password = std::string("p\0ss", 4);
    expect_round_trip(connect, v);
  }
}

TEST(RoundTripConnect, KeepsEachWillQos) {
  for (std::uint8_t qos = 0; qos <= 2; ++qos) {
    Connect connect = connect_for(Version::kV311);
    connect.will = Will{"w", "bye", qos, false, {}};
    expect_round_trip(connect, Version::kV311);
  }
}

TEST(RoundTripConnect, KeepsAUserNameWithoutPassword) {
  for (Version v : kAllVersions) {
    Connect connect = connect_for(v);
    connect.username = "only-user";
    expect_round_trip(connect, v);
  }
}

TEST(RoundTripConnect, KeepsAnEmptyClientIdentifier) {
  Connect connect = connect_for(Version::kV311);
  connect.client_id.clear();
  expect_round_trip(connect, Version::kV311);
}

TEST(RoundTripConnect, KeepsAPasswordWithoutUserNameInV5) {
  Connect connect = connect_for(Version::kV5);
  connect.password = "secret";
  expect_round_trip(connect, Version::kV5);
}

TEST(RoundTripConnect, KeepsV5ConnectAndWillProperties) {
  Connect connect = connect_for(Version::kV5);
  connect.properties.session_expiry_interval = 3600;
  connect.properties.receive_maximum = 20;
  connect.properties.maximum_packet_size = 65536;
  connect.properties.topic_alias_maximum = 10;
  connect.properties.request_response_information = 1;
  connect.properties.request_problem_information = 0;
  connect.properties.authentication_method = "SCRAM-SHA-1";
  connect.properties.authentication_data = std::string("\x00\x01", 2);
  connect.properties.user_properties = {{"a", "1"}, {"a", "2"}};
  Will will{"w/t", "payload", 1, true, {}};
  will.properties.will_delay_interval = 5;
  will.properties.payload_format_indicator = 1;
  will.properties.message_expiry_interval = 100;
  will.properties.content_type = "text/plain";
  will.properties.response_topic = "reply/here";
  will.properties.correlation_data = "corr";
  will.properties.user_properties = {{"k", "v"}};
  connect.will = will;
  expect_round_trip(connect, Version::kV5);
}

TEST(RoundTripConnack, KeepsEveryV3ReturnCode) {
  const ReasonCode v3_codes[] = {ReasonCode::kSuccess,
                                 ReasonCode::kUnsupportedProtocolVersion,
                                 ReasonCode::kClientIdentifierNotValid,
                                 ReasonCode::kServerUnavailable,
                                 ReasonCode::kBadUserNameOrPassword,
                                 ReasonCode::kNotAuthorized};
  for (Version v : {Version::kV31, Version::kV311}) {
    for (ReasonCode reason : v3_codes) {
      expect_round_trip(Connack{false, reason, {}}, v);
    }
  }
}

TEST(RoundTripConnack, KeepsSessionPresentInEveryVersion) {
  expect_round_trip_in_all_versions(Connack{true, ReasonCode::kSuccess, {}});
}

TEST(RoundTripConnack, KeepsV5ReasonsAndProperties) {
  Connack connack{false, ReasonCode::kBanned, {}};
  expect_round_trip(connack, Version::kV5);
  connack.reason = ReasonCode::kSuccess;
  connack.properties.assigned_client_identifier = "auto-1";
  connack.properties.server_keep_alive = 30;
  connack.properties.maximum_qos = 1;
  connack.properties.retain_available = 0;
  connack.properties.wildcard_subscription_available = 1;
  connack.properties.subscription_identifier_available = 0;
  connack.properties.shared_subscription_available = 1;
  connack.properties.topic_alias_maximum = 0;
  connack.properties.receive_maximum = 100;
  expect_round_trip(connack, Version::kV5);
}

Publish publish(std::uint8_t qos, std::uint16_t packet_id) {
  Publish p;
  p.qos = qos;
  p.packet_id = packet_id;
  p.topic = "sensors/1/temp";
  p.payload = "21.5";
  return p;
}

TEST(RoundTripPublish, KeepsEachQosInEveryVersion) {
  expect_round_trip_in_all_versions(publish(0, 0));
  expect_round_trip_in_all_versions(publish(1, 1));
  expect_round_trip_in_all_versions(publish(2, 65535));
}

TEST(RoundTripPublish, KeepsRetainAndDup) {
  Publish p = publish(1, 7);
  p.retain = true;
  p.dup = true;
  expect_round_trip_in_all_versions(p);
  Publish retained = publish(0, 0);
  retained.retain = true;
  expect_round_trip_in_all_versions(retained);
}

TEST(RoundTripPublish, KeepsAnEmptyPayloadAndAnEmptyTopic) {
  Publish p = publish(0, 0);
  p.payload.clear();
  expect_round_trip_in_all_versions(p);
  p.topic.clear();  // the broker, not the decoder, rejects it (or resolves an alias)
  expect_round_trip_in_all_versions(p);
}

TEST(RoundTripPublish, KeepsBinaryPayloadsOfEveryLengthSize) {
  for (std::size_t size : {127u, 128u, 16'383u, 16'384u, 2'097'152u}) {
    Publish p = publish(1, 3);
    p.payload.assign(size, '\0');
    p.payload[size / 2] = '\xFF';
    expect_round_trip(p, Version::kV311);
  }
}

TEST(RoundTripPublish, KeepsV5PropertiesIncludingSeveralSubscriptionIdentifiers) {
  Publish p = publish(2, 9);
  p.properties.payload_format_indicator = 1;
  p.properties.message_expiry_interval = 0xFFFFFFFF;
  p.properties.topic_alias = 3;
  p.properties.response_topic = "r";
  p.properties.correlation_data = std::string("\0", 1);
  p.properties.content_type = "application/json";
  p.properties.subscription_identifiers = {1, 268'435'455, 128};
  p.properties.user_properties = {{"x", "y"}, {"", ""}};
  expect_round_trip(p, Version::kV5);
}

template <typename Response>
void expect_publish_responses_round_trip(ReasonCode failure) {
  expect_round_trip_in_all_versions(Response{1, ReasonCode::kSuccess, {}});
  expect_round_trip_in_all_versions(Response{65535, ReasonCode::kSuccess, {}});
  expect_round_trip(Response{2, failure, {}}, Version::kV5);
  Response with_properties{3, failure, {}};
  with_properties.properties.reason_string = "because";
  with_properties.properties.user_properties = {{"k", "v"}};
  expect_round_trip(with_properties, Version::kV5);
  Response success_with_properties{4, ReasonCode::kSuccess, {}};
  success_with_properties.properties.reason_string = "fine";
  expect_round_trip(success_with_properties, Version::kV5);
}

TEST(RoundTripPuback, KeepsIdReasonAndProperties) {
  expect_publish_responses_round_trip<Puback>(ReasonCode::kNoMatchingSubscribers);
}

TEST(RoundTripPubrec, KeepsIdReasonAndProperties) {
  expect_publish_responses_round_trip<Pubrec>(ReasonCode::kQuotaExceeded);
}

TEST(RoundTripPubrel, KeepsIdReasonAndProperties) {
  expect_publish_responses_round_trip<Pubrel>(ReasonCode::kPacketIdentifierNotFound);
}

TEST(RoundTripPubcomp, KeepsIdReasonAndProperties) {
  expect_publish_responses_round_trip<Pubcomp>(ReasonCode::kPacketIdentifierNotFound);
}

TEST(RoundTripSubscribe, KeepsFiltersAndQosInEveryVersion) {
  Subscribe s;
  s.packet_id = 10;
  s.entries = {{"a/+", 0}, {"b/#", 1}, {"c", 2}, {"", 0}};
  expect_round_trip_in_all_versions(s);
}

TEST(RoundTripSubscribe, KeepsV5SubscriptionOptionsAndProperties) {
  Subscribe s;
  s.packet_id = 11;
  s.entries = {{"a", 1, true, false, 0},
               {"b", 2, false, true, 1},
               {"$share/g/c", 0, false, false, 2},
               {"d", 2, true, true, 2}};
  s.properties.subscription_identifiers = {42};
  s.properties.user_properties = {{"k", "v"}};
  expect_round_trip(s, Version::kV5);
}

TEST(RoundTripSuback, KeepsV3ReturnCodes) {
  Suback s{5,
           {ReasonCode::kGrantedQos0, ReasonCode::kGrantedQos1, ReasonCode::kGrantedQos2,
            ReasonCode::kUnspecifiedError},
           {}};
  expect_round_trip_in_all_versions(s);
}

TEST(RoundTripSuback, KeepsV5ReasonsAndProperties) {
  Suback s{6,
           {ReasonCode::kGrantedQos1, ReasonCode::kNotAuthorized,
            ReasonCode::kSharedSubscriptionsNotSupported, ReasonCode::kTopicFilterInvalid},
           {}};
  s.properties.reason_string = "partly";
  expect_round_trip(s, Version::kV5);
}

TEST(RoundTripUnsubscribe, KeepsFiltersInEveryVersion) {
  Unsubscribe u{12, {"a/b", "c/#", "+"}, {}};
  expect_round_trip_in_all_versions(u);
  u.properties.user_properties = {{"k", "v"}};
  expect_round_trip(u, Version::kV5);
}

TEST(RoundTripUnsuback, KeepsThePacketIdInV3) {
  expect_round_trip(Unsuback{13, {}, {}}, Version::kV31);
  expect_round_trip(Unsuback{13, {}, {}}, Version::kV311);
}

TEST(RoundTripUnsuback, KeepsV5ReasonsAndProperties) {
  Unsuback u{14, {ReasonCode::kSuccess, ReasonCode::kNoSubscriptionExisted}, {}};
  u.properties.reason_string = "ok";
  expect_round_trip(u, Version::kV5);
}

TEST(RoundTripPing, KeepsPingreqAndPingrespInEveryVersion) {
  expect_round_trip_in_all_versions(Pingreq{});
  expect_round_trip_in_all_versions(Pingresp{});
}

TEST(RoundTripDisconnect, KeepsANormalDisconnectInEveryVersion) {
  expect_round_trip_in_all_versions(Disconnect{});
}

TEST(RoundTripDisconnect, KeepsV5ReasonsAndProperties) {
  expect_round_trip(Disconnect{ReasonCode::kDisconnectWithWillMessage, {}}, Version::kV5);
  Disconnect d{ReasonCode::kServerMoved, {}};
  d.properties.server_reference = "other:1883";
  d.properties.session_expiry_interval = 0;
  d.properties.reason_string = "moving";
  expect_round_trip(d, Version::kV5);
  Disconnect normal_with_properties;
  normal_with_properties.properties.user_properties = {{"k", "v"}};
  expect_round_trip(normal_with_properties, Version::kV5);
}

TEST(RoundTripAuth, KeepsReasonsAndPropertiesInV5) {
  expect_round_trip(Auth{}, Version::kV5);
  expect_round_trip(Auth{ReasonCode::kReAuthenticate, {}}, Version::kV5);
  Auth a{ReasonCode::kContinueAuthentication, {}};
  a.properties.authentication_method = "SCRAM-SHA-1";
  a.properties.authentication_data = std::string("\x01\x00\x02", 3);
  a.properties.reason_string = "step 2";
  expect_round_trip(a, Version::kV5);
}

}  // namespace
}  // namespace starling::protocol
