// What the broker enforces on a client's packets: topic aliases, its
// Receive Maximum, its Maximum Packet Size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::ReasonCode;
using protocol::Version;

protocol::Publish aliased(std::string topic, std::string payload, std::uint16_t alias) {
  protocol::Publish publish = publish_packet(std::move(topic), std::move(payload));
  publish.properties.topic_alias = alias;
  return publish;
}

TEST(InboundLimits, ATopicAliasSetWithATopicStandsForItWhenTheTopicIsEmpty) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");
  subscriber.subscribe("long/topic/name");
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  publisher.send(aliased("long/topic/name", "first", 3));
  publisher.send(aliased("", "second", 3));
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].topic, "long/topic/name");
  EXPECT_EQ(got[1].payload, "second");
  EXPECT_FALSE(got[1].properties.topic_alias);  // the alias is per hop
  EXPECT_FALSE(publisher.closed());
}

TEST(InboundLimits, TopicAliasZeroIsDisconnectedWithTopicAliasInvalid) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(aliased("t", "x", 0));
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kTopicAliasInvalid);
  EXPECT_TRUE(client.closed());
}

TEST(InboundLimits, ATopicAliasAboveTheMaximumIsDisconnectedWithTopicAliasInvalid) {
  Options options;
  options.mqtt.topic_alias_maximum = 4;
  TestBroker broker(options);
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(aliased("t", "x", 5));
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kTopicAliasInvalid);
}

TEST(InboundLimits, AnUnknownTopicAliasWithAnEmptyTopicIsAProtocolError) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(aliased("", "x", 1));
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kProtocolError);
}

TEST(InboundLimits, MoreQosTwoMessagesThanTheReceiveMaximumIsDisconnectedWith0x93) {
  Options options;
  options.limits.receive_maximum = 2;
  TestBroker broker(options);
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(publish_packet("t", "1", 2, 1));
  client.send(publish_packet("t", "2", 2, 2));
  EXPECT_EQ(client.received().size(), 2u);  // PUBREC, PUBREC
  client.send(publish_packet("t", "3", 2, 3));
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kReceiveMaximumExceeded);
  EXPECT_TRUE(client.closed());
}

TEST(InboundLimits, PubrelFreesAReceiveMaximumSlot) {
  Options options;
  options.limits.receive_maximum = 1;
  TestBroker broker(options);
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(publish_packet("t", "1", 2, 1));
  client.send(protocol::Pubrel{1});
  client.send(publish_packet("t", "2", 2, 2));
  std::vector<protocol::Packet> packets = client.received();
  ASSERT_EQ(packets.size(), 3u);  // PUBREC, PUBCOMP, PUBREC
  EXPECT_TRUE(std::holds_alternative<protocol::Pubrec>(packets[2]));
  EXPECT_FALSE(client.closed());
}

TEST(InboundLimits, APacketOverTheMaximumPacketSizeIsDisconnectedWith0x95) {
  Options options;
  options.limits.max_packet_size = 128;
  TestBroker broker(options);
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(publish_packet("t", std::string(200, 'x'), 1, 1));
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kPacketTooLarge);
  EXPECT_TRUE(client.closed());
}

}  // namespace
}  // namespace starling::testing
