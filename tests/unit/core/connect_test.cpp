// CONNECT and what may (not) come before or after it.
#include <gtest/gtest.h>

#include "core/broker_core.hpp"
#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::ReasonCode;
using protocol::Version;

TEST(Connect, V311ConnectIsAnsweredWithAnAcceptingConnack) {
  TestBroker broker;
  TestClient client(broker, Version::kV311);
  protocol::Connack connack = client.connect("c1");
  EXPECT_EQ(connack.reason, ReasonCode::kSuccess);
  EXPECT_FALSE(connack.session_present);
  EXPECT_FALSE(client.closed());
  EXPECT_EQ(broker.core().session_count(), 1u);
}

TEST(Connect, V5ConnackAdvertisesTheBrokerLimitsAndFeatures) {
  Options options;
  options.limits.receive_maximum = 20;
  options.limits.max_packet_size = 4096;
  options.mqtt.topic_alias_maximum = 7;
  options.mqtt.maximum_qos = 1;
  options.mqtt.retain_available = false;
  options.mqtt.shared_subscriptions = false;
  TestBroker broker(options);
  TestClient client(broker, Version::kV5);

  protocol::Connack connack = client.connect("c1");
  EXPECT_EQ(connack.reason, ReasonCode::kSuccess);
  const protocol::Properties& p = connack.properties;
  EXPECT_EQ(p.receive_maximum, 20);
  EXPECT_EQ(p.maximum_packet_size, 4096u);
  EXPECT_EQ(p.topic_alias_maximum, 7);
  EXPECT_EQ(p.maximum_qos, 1);
  EXPECT_EQ(p.retain_available, 0);
  EXPECT_EQ(p.wildcard_subscription_available, 1);
  EXPECT_EQ(p.subscription_identifier_available, 1);
  EXPECT_EQ(p.shared_subscription_available, 0);
  EXPECT_FALSE(p.assigned_client_identifier);
  EXPECT_FALSE(p.server_keep_alive);
}

TEST(Connect, V5ConnackAssignsAClientIdentifierWhenTheClientSentNone) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  protocol::Connack connack = client.connect("");
  EXPECT_EQ(connack.reason, ReasonCode::kSuccess);
  ASSERT_TRUE(connack.properties.assigned_client_identifier);
  EXPECT_FALSE(connack.properties.assigned_client_identifier->empty());
}

TEST(Connect, V5ConnackAnnouncesAKeepAliveCappedByTheBroker) {
  Options options;
  options.mqtt.max_keep_alive = 30;
  TestBroker broker(options);
  TestClient client(broker, Version::kV5);
  protocol::Connack connack = client.connect(connect_packet(Version::kV5, "c1", true, 600));
  EXPECT_EQ(connack.properties.server_keep_alive, 30);
}

TEST(Connect, AFirstPacketThatIsNotConnectClosesTheConnectionUnanswered) {
  TestBroker broker;
  TestClient client(broker, Version::kV311);
  client.send(protocol::Pingreq{});
  EXPECT_TRUE(client.received().empty());
  EXPECT_TRUE(client.closed());
  EXPECT_EQ(broker.core().session_count(), 0u);
}

TEST(Connect, ASecondConnectIsAProtocolErrorInV5) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  client.connect("c1");
  client.send(connect_packet(Version::kV5, "c1"));
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kProtocolError);
  EXPECT_TRUE(client.closed());
}

TEST(Connect, ASecondConnectClosesAV311ConnectionWithoutDisconnect) {
  TestBroker broker;
  TestClient client(broker, Version::kV311);
  client.connect("c1");
  client.send(connect_packet(Version::kV311, "c1"));
  EXPECT_TRUE(client.received().empty());
  EXPECT_TRUE(client.closed());
}

TEST(Connect, NoConnectWithinTheTimeoutClosesTheConnection) {
  Options options;
  options.limits.connect_timeout_ms = 5000;
  TestBroker broker(options);
  TestClient client(broker, Version::kV311);
  broker.advance(std::chrono::milliseconds(5000));
  broker.tick();
  EXPECT_FALSE(client.closed());
  broker.advance(std::chrono::milliseconds(1));
  broker.tick();
  EXPECT_TRUE(client.closed());
}

}  // namespace
}  // namespace starling::testing
