// Every v5 property in every packet: where the spec's table (2.2.2.2) allows
// it, the hand-written wire bytes decode to the expected value and encoding
// round-trips; elsewhere the packet is malformed. A second copy of a property
// is a protocol error except for the repeatable ones. The table below is
// written from the spec, independently of the codec's own table.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "wire_bytes.hpp"

namespace starling::protocol {
namespace {

using testing::Bytes;
using testing::decode_bytes;
using testing::encode_bytes;
using testing::frame;
using testing::parse_bytes;

enum class Place {
  kConnect,
  kWill,
  kConnack,
  kPublish,
  kPuback,
  kPubrec,
  kPubrel,
  kPubcomp,
  kSubscribe,
  kSuback,
  kUnsubscribe,
  kUnsuback,
  kDisconnect,
  kAuth,
};

constexpr Place kAllPlaces[] = {
    Place::kConnect,     Place::kWill,     Place::kConnack,    Place::kPublish,   Place::kPuback,
    Place::kPubrec,      Place::kPubrel,   Place::kPubcomp,    Place::kSubscribe, Place::kSuback,
    Place::kUnsubscribe, Place::kUnsuback, Place::kDisconnect, Place::kAuth,
};

const char* name_of(Place place) {
  constexpr const char* kNames[] = {"CONNECT",     "will",     "CONNACK",    "PUBLISH",   "PUBACK",
                                    "PUBREC",      "PUBREL",   "PUBCOMP",    "SUBSCRIBE", "SUBACK",
                                    "UNSUBSCRIBE", "UNSUBACK", "DISCONNECT", "AUTH"};
  return kNames[static_cast<int>(place)];
}

// A v5 packet of each kind carrying `properties`.
Packet packet_with(Place place, const Properties& properties) {
  switch (place) {
    case Place::kConnect:
    case Place::kWill: {
      Connect connect;
      connect.version = Version::kV5;
      connect.keep_alive = 60;
      connect.client_id = "c";
      if (place == Place::kConnect) {
        connect.properties = properties;
      } else {
        connect.will = Will{"w", "x", 0, false, properties};
      }
      return connect;
    }
    case Place::kConnack:
      return Connack{false, ReasonCode::kSuccess, properties};
    case Place::kPublish: {
      Publish p;
      p.qos = 1;
      p.topic = "t";
      p.packet_id = 1;
      p.properties = properties;
      p.payload = "x";
      return p;
    }
    case Place::kPuback:
      return Puback{1, ReasonCode::kSuccess, properties};
    case Place::kPubrec:
      return Pubrec{1, ReasonCode::kSuccess, properties};
    case Place::kPubrel:
      return Pubrel{1, ReasonCode::kSuccess, properties};
    case Place::kPubcomp:
      return Pubcomp{1, ReasonCode::kSuccess, properties};
    case Place::kSubscribe:
      return Subscribe{1, {{"a", 1}}, properties};
    case Place::kSuback:
      return Suback{1, {ReasonCode::kGrantedQos1}, properties};
    case Place::kUnsubscribe:
      return Unsubscribe{1, {"a"}, properties};
    case Place::kUnsuback:
      return Unsuback{1, {ReasonCode::kSuccess}, properties};
    case Place::kDisconnect:
      return Disconnect{ReasonCode::kNormalDisconnection, properties};
    case Place::kAuth:
      return Auth{ReasonCode::kContinueAuthentication, properties};
  }
  return Pingreq{};
}

// The same packets written by hand, with `property_bytes` as the property
// list of the block under test.
Bytes raw_with(Place place, const Bytes& property_bytes) {
  Bytes block = frame(0, property_bytes);  // the remaining-length encoding doubles as a VBI
  block.erase(block.begin());
  auto join = [&](const char* before, const char* after) {
    Bytes body = parse_bytes(before);
    body.insert(body.end(), block.begin(), block.end());
    const Bytes tail = parse_bytes(after);
    body.insert(body.end(), tail.begin(), tail.end());
    return body;
  };
  switch (place) {
    case Place::kConnect:
      return frame(0x10, join("00 04 'MQTT' 05 02 00 3C", "00 01 'c'"));
    case Place::kWill:
      return frame(0x10, join("00 04 'MQTT' 05 06 00 3C 00 00 01 'c'", "00 01 'w' 00 01 'x'"));
    case Place::kConnack:
      return frame(0x20, join("00 00", ""));
    case Place::kPublish:
      return frame(0x32, join("00 01 't' 00 01", "'x'"));
    case Place::kPuback:
      return frame(0x40, join("00 01 00", ""));
    case Place::kPubrec:
      return frame(0x50, join("00 01 00", ""));
    case Place::kPubrel:
      return frame(0x62, join("00 01 00", ""));
    case Place::kPubcomp:
      return frame(0x70, join("00 01 00", ""));
    case Place::kSubscribe:
      return frame(0x82, join("00 01", "00 01 'a' 01"));
    case Place::kSuback:
      return frame(0x90, join("00 01", "01"));
    case Place::kUnsubscribe:
      return frame(0xA2, join("00 01", "00 01 'a'"));
    case Place::kUnsuback:
      return frame(0xB0, join("00 01", "00"));
    case Place::kDisconnect:
      return frame(0xE0, join("00", ""));
    case Place::kAuth:
      return frame(0xF0, join("18", ""));
  }
  return {};
}

struct PropertySample {
  const char* name;
  const char* wire;  // identifier and value
  std::function<void(Properties&)> set;
  std::vector<Place> allowed;
  bool repeatable = false;
};

using P = Place;
const std::vector<Place> kMessage = {P::kPublish, P::kWill};
const std::vector<Place> kResponses = {P::kConnack,  P::kPuback,     P::kPubrec,
                                       P::kPubrel,   P::kPubcomp,    P::kSuback,
                                       P::kUnsuback, P::kDisconnect, P::kAuth};

std::vector<PropertySample> samples() {
  std::vector<Place> everywhere(std::begin(kAllPlaces), std::end(kAllPlaces));
  return {
      {"payload format indicator", "01 01", [](Properties& p) { p.payload_format_indicator = 1; },
       kMessage},
      {"message expiry interval", "02 00 00 0E 10",
       [](Properties& p) { p.message_expiry_interval = 3600; }, kMessage},
      {"content type", "03 00 04 'text'", [](Properties& p) { p.content_type = "text"; }, kMessage},
      {"response topic", "08 00 03 'r/1'", [](Properties& p) { p.response_topic = "r/1"; },
       kMessage},
      {"correlation data", "09 00 02 00 FF",
       [](Properties& p) { p.correlation_data = std::string("\0\xFF", 2); }, kMessage},
      {"subscription identifier",
       "0B 80 01",
       [](Properties& p) { p.subscription_identifiers = {128}; },
       {P::kPublish, P::kSubscribe}},
      {"session expiry interval",
       "11 00 00 00 78",
       [](Properties& p) { p.session_expiry_interval = 120; },
       {P::kConnect, P::kConnack, P::kDisconnect}},
      {"assigned client identifier",
       "12 00 02 'id'",
       [](Properties& p) { p.assigned_client_identifier = "id"; },
       {P::kConnack}},
      {"server keep alive",
       "13 00 1E",
       [](Properties& p) { p.server_keep_alive = 30; },
       {P::kConnack}},
      {"authentication method",
       "15 00 05 'SCRAM'",
       [](Properties& p) { p.authentication_method = "SCRAM"; },
       {P::kConnect, P::kConnack, P::kAuth}},
      {"authentication data",
       "16 00 03 01 02 03",
       [](Properties& p) { p.authentication_data = "\x01\x02\x03"; },
       {P::kConnect, P::kConnack, P::kAuth}},
      {"request problem information",
       "17 00",
       [](Properties& p) { p.request_problem_information = 0; },
       {P::kConnect}},
      {"will delay interval",
       "18 00 00 00 0A",
       [](Properties& p) { p.will_delay_interval = 10; },
       {P::kWill}},
      {"request response information",
       "19 01",
       [](Properties& p) { p.request_response_information = 1; },
       {P::kConnect}},
      {"response information",
       "1A 00 02 'ri'",
       [](Properties& p) { p.response_information = "ri"; },
       {P::kConnack}},
      {"server reference",
       "1C 00 02 's2'",
       [](Properties& p) { p.server_reference = "s2"; },
       {P::kConnack, P::kDisconnect}},
      {"reason string", "1F 00 02 'ok'", [](Properties& p) { p.reason_string = "ok"; }, kResponses},
      {"receive maximum",
       "21 00 0A",
       [](Properties& p) { p.receive_maximum = 10; },
       {P::kConnect, P::kConnack}},
      {"topic alias maximum",
       "22 00 05",
       [](Properties& p) { p.topic_alias_maximum = 5; },
       {P::kConnect, P::kConnack}},
      {"topic alias", "23 00 07", [](Properties& p) { p.topic_alias = 7; }, {P::kPublish}},
      {"maximum QoS", "24 01", [](Properties& p) { p.maximum_qos = 1; }, {P::kConnack}},
      {"retain available", "25 00", [](Properties& p) { p.retain_available = 0; }, {P::kConnack}},
      {"user property", "26 00 01 'k' 00 01 'v'",
       [](Properties& p) {
         p.user_properties = {{"k", "v"}};
       },
       everywhere, true},
      {"maximum packet size",
       "27 00 00 10 00",
       [](Properties& p) { p.maximum_packet_size = 4096; },
       {P::kConnect, P::kConnack}},
      {"wildcard subscription available",
       "28 01",
       [](Properties& p) { p.wildcard_subscription_available = 1; },
       {P::kConnack}},
      {"subscription identifier available",
       "29 00",
       [](Properties& p) { p.subscription_identifier_available = 0; },
       {P::kConnack}},
      {"shared subscription available",
       "2A 01",
       [](Properties& p) { p.shared_subscription_available = 1; },
       {P::kConnack}},
  };
}

bool contains(const std::vector<Place>& places, Place place) {
  for (Place p : places) {
    if (p == place) return true;
  }
  return false;
}

// Authentication data alone in CONNECT is a protocol error of its own
// (v5 3.1.2.11.10), tested in decode_connect_test.cpp.
bool needs_method_alongside(const PropertySample& sample, Place place) {
  return place == Place::kConnect && std::string(sample.name) == "authentication data";
}

TEST(PropertyPlacement, CoversAllTwentySevenProperties) {
  EXPECT_EQ(samples().size(), 27u);
}

TEST(PropertyPlacement, DecodesEachPropertyFromItsWireBytesWhereAllowed) {
  for (const PropertySample& sample : samples()) {
    for (Place place : sample.allowed) {
      if (needs_method_alongside(sample, place)) continue;
      SCOPED_TRACE(std::string(sample.name) + " in " + name_of(place));
      Properties expected;
      sample.set(expected);
      const Result<Packet> decoded =
          decode_bytes(raw_with(place, parse_bytes(sample.wire)), Version::kV5);
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      EXPECT_TRUE(*decoded == packet_with(place, expected));
    }
  }
}

TEST(PropertyPlacement, EncodesEachPropertyToTheSameWireBytesWhereAllowed) {
  for (const PropertySample& sample : samples()) {
    for (Place place : sample.allowed) {
      SCOPED_TRACE(std::string(sample.name) + " in " + name_of(place));
      Properties properties;
      sample.set(properties);
      EXPECT_EQ(encode_bytes(packet_with(place, properties), Version::kV5),
                raw_with(place, parse_bytes(sample.wire)));
    }
  }
}

TEST(PropertyPlacement, RoundTripsEachPropertyWhereAllowed) {
  for (const PropertySample& sample : samples()) {
    for (Place place : sample.allowed) {
      if (needs_method_alongside(sample, place)) continue;
      SCOPED_TRACE(std::string(sample.name) + " in " + name_of(place));
      Properties properties;
      sample.set(properties);
      const Packet packet = packet_with(place, properties);
      const Result<Packet> decoded = decode_bytes(encode_bytes(packet, Version::kV5), Version::kV5);
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      EXPECT_TRUE(*decoded == packet);
    }
  }
}

TEST(PropertyPlacement, RejectsEachPropertyAsMalformedWhereNotAllowed) {
  int rejected = 0;
  for (const PropertySample& sample : samples()) {
    for (Place place : kAllPlaces) {
      if (contains(sample.allowed, place)) continue;
      SCOPED_TRACE(std::string(sample.name) + " in " + name_of(place));
      const Result<Packet> decoded =
          decode_bytes(raw_with(place, parse_bytes(sample.wire)), Version::kV5);
      ASSERT_FALSE(decoded.ok());
      EXPECT_EQ(decoded.error().code, 0x81) << decoded.error().message;
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 250);  // 27 properties x 14 places, minus the allowed pairs
}

TEST(PropertyPlacement, RejectsASecondCopyAsAProtocolErrorUnlessRepeatable) {
  for (const PropertySample& sample : samples()) {
    for (Place place : sample.allowed) {
      SCOPED_TRACE(std::string(sample.name) + " twice in " + name_of(place));
      Bytes twice = parse_bytes(sample.wire);
      const Bytes once = twice;
      twice.insert(twice.end(), once.begin(), once.end());
      const Result<Packet> decoded = decode_bytes(raw_with(place, twice), Version::kV5);
      const bool repeatable =
          sample.repeatable ||
          (place == Place::kPublish && std::string(sample.name) == "subscription identifier");
      if (repeatable) {
        EXPECT_TRUE(decoded.ok()) << decoded.error().message;
      } else {
        ASSERT_FALSE(decoded.ok());
        EXPECT_EQ(decoded.error().code, 0x82) << decoded.error().message;
      }
    }
  }
}

TEST(PropertyPlacement, KeepsRepeatedUserPropertiesInOrder) {
  const Result<Packet> decoded = decode_bytes(
      raw_with(Place::kPuback, parse_bytes("26 00 01 'b' 00 01 '2' 26 00 01 'a' 00 01 '1' "
                                           "26 00 01 'b' 00 01 '3'")),
      Version::kV5);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const UserProperties expected = {{"b", "2"}, {"a", "1"}, {"b", "3"}};
  EXPECT_EQ(std::get<Puback>(*decoded).properties.user_properties, expected);
}

TEST(PropertyPlacement, KeepsSeveralSubscriptionIdentifiersInPublishInOrder) {
  const Result<Packet> decoded = decode_bytes(
      raw_with(Place::kPublish, parse_bytes("0B 05 0B FF FF FF 7F 0B 01")), Version::kV5);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const std::vector<std::uint32_t> expected = {5, 268'435'455, 1};
  EXPECT_EQ(std::get<Publish>(*decoded).properties.subscription_identifiers, expected);
}

}  // namespace
}  // namespace starling::protocol
