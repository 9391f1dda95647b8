// Inbound PUBLISH and its acknowledgements, and delivery to subscribers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::ReasonCode;
using protocol::Version;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(Publish, AWildcardInTheTopicIsDisconnectedWithTopicNameInvalid) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(publish_packet("a/+", "x"));
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kTopicNameInvalid);
  EXPECT_TRUE(client.closed());
}

TEST(Publish, QosOnePublishIsAcknowledgedWithPuback) {
  TestBroker broker;
  TestClient client(broker, Version::kV311);
  client.connect("p");
  client.send(publish_packet("t", "x", 1, 42));
  protocol::Puback puback = client.expect_only<protocol::Puback>();
  EXPECT_EQ(puback.packet_id, 42);
  EXPECT_EQ(puback.reason, ReasonCode::kSuccess);
}

TEST(Publish, V5PubackSaysNoMatchingSubscribersWhenNobodySubscribed) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(publish_packet("t", "x", 1, 42));
  protocol::Puback puback = client.expect_only<protocol::Puback>();
  EXPECT_EQ(puback.packet_id, 42);
  EXPECT_EQ(puback.reason, ReasonCode::kNoMatchingSubscribers);
}

TEST(Publish, V5PubackIsSuccessWhenSomebodySubscribed) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");
  subscriber.subscribe("t");
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");
  publisher.send(publish_packet("t", "x", 1, 42));
  EXPECT_EQ(publisher.expect_only<protocol::Puback>().reason, ReasonCode::kSuccess);
}

TEST(Publish, AQosTwoPublishResentBeforePubrelIsRoutedOnce) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");
  subscriber.subscribe("t", 2);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  protocol::Publish publish = publish_packet("t", "once", 2, 7);
  publisher.send(publish);
  EXPECT_EQ(publisher.expect_only<protocol::Pubrec>().packet_id, 7);
  publish.dup = true;
  publisher.send(publish);
  protocol::Pubrec again = publisher.expect_only<protocol::Pubrec>();
  EXPECT_EQ(again.packet_id, 7);
  EXPECT_FALSE(protocol::is_failure(again.reason));
  EXPECT_EQ(subscriber.expect_publishes().size(), 1u);

  publisher.send(protocol::Pubrel{7});
  protocol::Pubcomp pubcomp = publisher.expect_only<protocol::Pubcomp>();
  EXPECT_EQ(pubcomp.packet_id, 7);
  EXPECT_EQ(pubcomp.reason, ReasonCode::kSuccess);

  // After PUBREL the id is free: the same id is a new message.
  publisher.send(publish_packet("t", "twice", 2, 7));
  EXPECT_EQ(subscriber.expect_publishes().size(), 1u);
}

TEST(Publish, PubrelForAnUnknownPacketIdIsAnsweredWithPacketIdentifierNotFound) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  client.connect("p");
  client.send(protocol::Pubrel{99});
  protocol::Pubcomp pubcomp = client.expect_only<protocol::Pubcomp>();
  EXPECT_EQ(pubcomp.packet_id, 99);
  EXPECT_EQ(pubcomp.reason, ReasonCode::kPacketIdentifierNotFound);
  EXPECT_FALSE(client.closed());
}

TEST(Publish, AMessageReachesASubscriberOnAnotherConnection) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV311);
  subscriber.connect("s");
  subscriber.subscribe("a/+", 1);
  TestClient publisher(broker, Version::kV311);
  publisher.connect("p");

  publisher.send(publish_packet("a/b", "hello", 1, 5));
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].topic, "a/b");
  EXPECT_EQ(got[0].payload, "hello");
  EXPECT_EQ(got[0].qos, 1);
  EXPECT_NE(got[0].packet_id, 0);
  EXPECT_FALSE(got[0].retain);
  EXPECT_FALSE(got[0].dup);
}

TEST(Publish, AMessageReachesASubscriberOnAnotherShard) {
  TestBroker broker({}, 2);
  TestClient subscriber(broker, Version::kV5, 1);
  subscriber.connect("s");
  subscriber.subscribe("t", 1);
  TestClient publisher(broker, Version::kV5, 0);
  publisher.connect("p");

  publisher.send(publish_packet("t", "across", 1, 5));
  EXPECT_EQ(publisher.expect_only<protocol::Puback>().reason, ReasonCode::kSuccess);
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "across");
}

TEST(Publish, TheSubscriberAcknowledgesAndTheNextMessageReusesNoBusyId) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV311);
  subscriber.connect("s");
  subscriber.subscribe("t", 2);
  TestClient publisher(broker, Version::kV311);
  publisher.connect("p");

  publisher.send(publish_packet("t", "1", 2, 1));
  publisher.send(publish_packet("t", "2", 1, 2));
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].packet_id, got[1].packet_id);

  subscriber.send(protocol::Pubrec{got[0].packet_id});
  EXPECT_EQ(subscriber.expect_only<protocol::Pubrel>().packet_id, got[0].packet_id);
  subscriber.send(protocol::Pubcomp{got[0].packet_id});
  subscriber.send(protocol::Puback{got[1].packet_id});
  EXPECT_THAT(subscriber.received(), IsEmpty());
  EXPECT_FALSE(subscriber.closed());
}

TEST(Publish, OverlappingSubscriptionsGiveOneDeliveryAtTheHighestQosWithEverySubscriptionId) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");
  protocol::Subscribe first = subscribe_packet(1, "a/+", 0);
  first.properties.subscription_identifiers = {11};
  subscriber.subscribe(first);
  protocol::Subscribe second = subscribe_packet(2, "a/#", 1);
  second.properties.subscription_identifiers = {22};
  subscriber.subscribe(second);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  publisher.send(publish_packet("a/b", "x", 2, 3));
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].qos, 1);
  EXPECT_THAT(got[0].properties.subscription_identifiers, UnorderedElementsAre(11u, 22u));
}

TEST(Publish, ANoLocalSubscriptionDoesNotReceiveItsOwnMessages) {
  TestBroker broker;
  TestClient client(broker, Version::kV5);
  client.connect("me");
  protocol::Subscribe subscribe = subscribe_packet(1, "t", 1);
  subscribe.entries[0].no_local = true;
  client.subscribe(subscribe);

  client.send(publish_packet("t", "mine", 1, 9));
  EXPECT_EQ(client.expect_only<protocol::Puback>().reason, ReasonCode::kNoMatchingSubscribers);

  TestClient other(broker, Version::kV5);
  other.connect("other");
  other.send(publish_packet("t", "theirs", 0));
  std::vector<protocol::Publish> got = client.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "theirs");
}

TEST(Publish, AForwardedMessageCarriesTheRemainingExpiryInterval) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect(connect_packet(Version::kV5, "s", false));
  subscriber.subscribe("t", 1);
  TestClient publisher(broker, Version::kV5);
  publisher.connect("p");

  protocol::Publish publish = publish_packet("t", "x", 1, 1);
  publish.properties.message_expiry_interval = 100;
  publisher.send(publish);
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].properties.message_expiry_interval);
  EXPECT_LE(*got[0].properties.message_expiry_interval, 100u);
  EXPECT_GE(*got[0].properties.message_expiry_interval, 99u);
}

}  // namespace
}  // namespace starling::testing
