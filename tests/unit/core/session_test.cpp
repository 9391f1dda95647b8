// Sessions across connections: takeover, resumption, expiry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/broker_core.hpp"
#include "protocol/encoder.hpp"
#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::ReasonCode;
using protocol::Version;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

protocol::Connect v5_connect(std::string client_id, bool clean_start, std::uint32_t expiry) {
  protocol::Connect connect = connect_packet(Version::kV5, std::move(client_id), clean_start);
  connect.properties.session_expiry_interval = expiry;
  return connect;
}

std::vector<std::string> payloads(const std::vector<protocol::Publish>& publishes) {
  std::vector<std::string> found;
  for (const protocol::Publish& p : publishes) found.push_back(p.payload);
  return found;
}

TEST(Session, ASecondConnectionWithTheSameClientIdTakesOverTheFirst) {
  TestBroker broker;
  TestClient first(broker, Version::kV5);
  first.connect("same");
  TestClient second(broker, Version::kV5);
  protocol::Connack connack = second.connect("same");

  EXPECT_EQ(connack.reason, ReasonCode::kSuccess);
  EXPECT_FALSE(connack.session_present);
  EXPECT_EQ(first.expect_only<protocol::Disconnect>().reason, ReasonCode::kSessionTakenOver);
  EXPECT_TRUE(first.closed());
  EXPECT_FALSE(second.closed());
  EXPECT_EQ(broker.core().session_count(), 1u);
}

TEST(Session, ATakeoverWithoutCleanStartResumesTheSessionAndItsSubscriptions) {
  TestBroker broker;
  TestClient first(broker, Version::kV5);
  first.connect(v5_connect("same", true, 300));
  first.subscribe("t", 1);
  TestClient second(broker, Version::kV5);
  protocol::Connack connack = second.connect(v5_connect("same", false, 300));

  EXPECT_TRUE(connack.session_present);
  EXPECT_EQ(first.expect_only<protocol::Disconnect>().reason, ReasonCode::kSessionTakenOver);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");
  publisher.send(publish_packet("t", "to the new connection", 1, 1));
  EXPECT_THAT(payloads(second.expect_publishes()), ElementsAre("to the new connection"));
  EXPECT_THAT(first.received(), IsEmpty());
}

TEST(Session, ATakeoverFromAnotherShardMovesTheSession) {
  TestBroker broker({}, 2);
  TestClient first(broker, Version::kV311, 0);
  first.connect("same", false);
  first.subscribe("t", 1);
  TestClient second(broker, Version::kV311, 1);
  protocol::Connack connack = second.connect("same", false);

  EXPECT_TRUE(connack.session_present);
  EXPECT_TRUE(first.closed());
  TestClient publisher(broker, Version::kV311, 0);
  publisher.connect("p");
  publisher.send(publish_packet("t", "moved", 1, 1));
  EXPECT_THAT(payloads(second.expect_publishes()), ElementsAre("moved"));
}

// The taken-over connection's session has expiry 0, so it ends when that
// connection is closed. The new connection must not attach to the ended,
// unregistered session (claiming "session present"): a third connection with
// the same id would not find it to take over, leaving two connections online
// under one client id (MQTT-3.1.4-3).
TEST(Session, ATakeoverOfASessionThatEndsWithItsConnectionStartsAFreshRegisteredSession) {
  TestBroker broker;
  TestClient first(broker, Version::kV5);
  first.connect(v5_connect("same", true, 0));
  first.subscribe("t", 1);

  TestClient second(broker, Version::kV5);
  protocol::Connack connack = second.connect(v5_connect("same", false, 0));
  EXPECT_EQ(first.expect_only<protocol::Disconnect>().reason, ReasonCode::kSessionTakenOver);
  EXPECT_FALSE(connack.session_present);
  EXPECT_EQ(broker.core().session_count(), 1u);

  TestClient third(broker, Version::kV5);
  third.connect(v5_connect("same", false, 0));
  EXPECT_TRUE(second.closed()) << "two connections are online with client id 'same'";
}

TEST(Session, QosOneMessagesQueuedWhileOfflineAreDeliveredAfterReconnect) {
  TestBroker broker;
  {
    TestClient subscriber(broker, Version::kV311);
    subscriber.connect("s", false);
    subscriber.subscribe("t", 1);
    subscriber.send(protocol::Disconnect{});
  }
  TestClient publisher(broker, Version::kV311);
  publisher.connect("p");
  publisher.send(publish_packet("t", "1", 1, 1));
  publisher.send(publish_packet("t", "2", 1, 2));
  publisher.send(publish_packet("t", "lost", 0));

  TestClient subscriber(broker, Version::kV311);
  subscriber.send(connect_packet(Version::kV311, "s", false));
  std::vector<protocol::Packet> packets = subscriber.received();
  ASSERT_EQ(packets.size(), 3u);
  auto* connack = std::get_if<protocol::Connack>(&packets[0]);
  ASSERT_NE(connack, nullptr);
  EXPECT_TRUE(connack->session_present);
  for (int i : {1, 2}) {
    auto* publish = std::get_if<protocol::Publish>(&packets[i]);
    ASSERT_NE(publish, nullptr);
    EXPECT_EQ(publish->payload, std::to_string(i));
    EXPECT_EQ(publish->qos, 1);
    EXPECT_FALSE(publish->dup);  // queued, never sent before
  }
}

TEST(Session, AnUnacknowledgedMessageIsResentWithDupAfterReconnect) {
  TestBroker broker;
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");
  std::uint16_t first_id = 0;
  {
    TestClient subscriber(broker, Version::kV5);
    subscriber.connect(v5_connect("s", true, 300));
    subscriber.subscribe("t", 1);
    publisher.send(publish_packet("t", "unacked", 1, 1));
    std::vector<protocol::Publish> got = subscriber.expect_publishes();
    ASSERT_EQ(got.size(), 1u);
    first_id = got[0].packet_id;
    subscriber.lose_connection();
  }
  TestClient subscriber(broker, Version::kV5);
  subscriber.send(v5_connect("s", false, 300));
  std::vector<protocol::Packet> packets = subscriber.received();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(std::get<protocol::Connack>(packets[0]).session_present);
  auto* resent = std::get_if<protocol::Publish>(&packets[1]);
  ASSERT_NE(resent, nullptr);
  EXPECT_TRUE(resent->dup);
  EXPECT_EQ(resent->packet_id, first_id);
  EXPECT_EQ(resent->payload, "unacked");
}

TEST(Session, ASessionWithExpiryZeroIsGoneAfterDisconnect) {
  TestBroker broker;
  {
    TestClient client(broker, Version::kV5);
    client.connect(v5_connect("s", true, 0));
    client.subscribe("t", 1);
    client.send(protocol::Disconnect{});
  }
  EXPECT_EQ(broker.core().session_count(), 0u);

  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");
  publisher.send(publish_packet("t", "x", 1, 1));
  EXPECT_EQ(publisher.expect_only<protocol::Puback>().reason, ReasonCode::kNoMatchingSubscribers);

  TestClient again(broker, Version::kV5);
  EXPECT_FALSE(again.connect(v5_connect("s", false, 0)).session_present);
}

TEST(Session, AnOfflineSessionExpiresAfterItsExpiryInterval) {
  TestBroker broker;
  {
    TestClient client(broker, Version::kV5);
    client.connect(v5_connect("s", true, 60));
    client.subscribe("t", 1);
    client.send(protocol::Disconnect{});
  }
  EXPECT_EQ(broker.core().session_count(), 1u);
  broker.advance(std::chrono::seconds(59));
  broker.tick();
  EXPECT_EQ(broker.core().session_count(), 1u);
  broker.advance(std::chrono::seconds(2));
  broker.tick();
  EXPECT_EQ(broker.core().session_count(), 0u);

  TestClient again(broker, Version::kV5);
  EXPECT_FALSE(again.connect(v5_connect("s", false, 60)).session_present);
}

TEST(Session, PacketsSentRightBehindAConnectThatResumesASessionAreProcessed) {
  TestBroker broker;
  {
    TestClient client(broker, Version::kV311);
    client.connect("s", false);
    client.send(protocol::Disconnect{});
  }
  TestClient client(broker, Version::kV311);
  std::string bytes;
  protocol::encode(connect_packet(Version::kV311, "s", false), Version::kV311, bytes);
  protocol::encode(subscribe_packet(1, "t", 1), Version::kV311, bytes);
  protocol::encode(protocol::Pingreq{}, Version::kV311, bytes);
  client.send_bytes(bytes);

  std::vector<protocol::Packet> packets = client.received();
  std::vector<std::string> names;
  for (const protocol::Packet& p : packets) names.push_back(packet_name(p));
  // SUBACK waits for every shard to take the subscription; PINGRESP need not.
  ASSERT_THAT(names, UnorderedElementsAre("CONNACK", "SUBACK", "PINGRESP"));
  EXPECT_EQ(names[0], "CONNACK");
  EXPECT_TRUE(std::get<protocol::Connack>(packets[0]).session_present);
}

TEST(Session, PacketsSentRightBehindAConnectForANewSessionAreProcessed) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  std::string bytes;
  protocol::encode(connect_packet(Version::kV5, "s"), Version::kV5, bytes);
  protocol::encode(publish_packet("t", "x", 1, 1), Version::kV5, bytes);
  client.send_bytes(bytes);

  std::vector<protocol::Packet> packets = client.received();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<protocol::Connack>(packets[0]));
  EXPECT_TRUE(std::holds_alternative<protocol::Puback>(packets[1]));
}

}  // namespace
}  // namespace starling::testing
