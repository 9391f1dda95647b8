// What a subscriber's limits do to the messages the broker sends it: its
// Receive Maximum, Maximum Packet Size and Topic Alias Maximum, and a slow
// socket.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/broker_core.hpp"
#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::Version;
using ::testing::IsEmpty;

TEST(OutboundLimits, QosZeroIsDroppedForASlowConsumerInsteadOfBuffered) {
  Options options;
  options.limits.max_queued_bytes = 100;
  TestBroker broker(options);
  TestClient subscriber(broker, Version::kV311);
  subscriber.connect("s");
  subscriber.subscribe("t", 0);
  subscriber.transport().set_backlog(101);
  TestClient publisher(broker, Version::kV311);
  publisher.connect("p");

  publisher.send(publish_packet("t", "x", 0));
  EXPECT_THAT(subscriber.received(), IsEmpty());
  EXPECT_EQ(broker.core().stats().messages_dropped_queue_full.load(), 1u);
}

TEST(OutboundLimits, OutboundMessagesWaitForTheSubscribersReceiveMaximum) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  protocol::Connect connect = connect_packet(Version::kV5, "s");
  connect.properties.receive_maximum = 1;
  subscriber.connect(connect);
  subscriber.subscribe("t", 1);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  publisher.send(publish_packet("t", "1", 1, 1));
  publisher.send(publish_packet("t", "2", 1, 2));
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "1");
  subscriber.send(protocol::Puback{got[0].packet_id});
  got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "2");
}

TEST(OutboundLimits, AMessageOverTheSubscribersMaximumPacketSizeIsNotSentToIt) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  protocol::Connect connect = connect_packet(Version::kV5, "s");
  connect.properties.maximum_packet_size = 64;
  subscriber.connect(connect);
  subscriber.subscribe("t", 1);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  publisher.send(publish_packet("t", std::string(100, 'x'), 1, 1));
  publisher.send(publish_packet("t", "small", 1, 2));
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "small");
}

TEST(OutboundLimits, RepeatedTopicsAreSentAsATopicAliasWhenTheClientAcceptsAliases) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  protocol::Connect connect = connect_packet(Version::kV5, "s");
  connect.properties.topic_alias_maximum = 5;
  subscriber.connect(connect);
  subscriber.subscribe("long/topic", 0);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  publisher.send(publish_packet("long/topic", "1"));
  publisher.send(publish_packet("long/topic", "2"));
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].topic, "long/topic");
  ASSERT_TRUE(got[0].properties.topic_alias);
  EXPECT_EQ(got[1].topic, "");
  EXPECT_EQ(got[1].properties.topic_alias, got[0].properties.topic_alias);
}

TEST(OutboundLimits, ANewTopicAliasNeverPushesAPacketOverTheClientsMaximumPacketSize) {
  constexpr std::uint32_t kMaximum = 60;
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  protocol::Connect connect = connect_packet(Version::kV5, "s");
  connect.properties.topic_alias_maximum = 5;
  connect.properties.maximum_packet_size = kMaximum;
  subscriber.connect(connect);
  subscriber.subscribe("long/topic", 1);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  // Without a Topic Alias property, exactly kMaximum bytes: fixed header 2,
  // topic 2 + 10, packet id 2, property length 1, payload 43.
  const std::size_t before = subscriber.transport().written().size();
  publisher.send(publish_packet("long/topic", std::string(43, 'x'), 1, 1));
  const std::size_t sent = subscriber.transport().written().size() - before;
  EXPECT_LE(sent, kMaximum);
  EXPECT_EQ(subscriber.expect_publishes().size(), 1u);
}

}  // namespace
}  // namespace starling::testing
