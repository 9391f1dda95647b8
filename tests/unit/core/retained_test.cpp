// Retained messages: stored on publish, sent on subscribe as Retain
// Handling says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/broker_core.hpp"
#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::Version;
using ::testing::IsEmpty;

void publish_retained(TestBroker& broker, const std::string& topic, const std::string& payload) {
  TestClient publisher(broker, Version::kV5);
  publisher.connect("retainer");
  protocol::Publish publish = publish_packet(topic, payload, 1, 1);
  publish.retain = true;
  publisher.send(publish);
  publisher.send(protocol::Disconnect{});
}

protocol::Subscribe with_retain_handling(std::string filter, std::uint8_t handling) {
  protocol::Subscribe subscribe = subscribe_packet(1, std::move(filter), 1);
  subscribe.entries[0].retain_handling = handling;
  return subscribe;
}

TEST(Retained, ARetainedMessageIsSentOnSubscribeWithTheRetainFlag) {
  TestBroker broker;
  publish_retained(broker, "r/1", "kept");
  EXPECT_EQ(broker.core().retained_count(), 1u);

  TestClient subscriber(broker, Version::kV311);
  subscriber.connect("s");
  subscriber.send(subscribe_packet(1, "r/#", 1));
  std::vector<protocol::Packet> packets = subscriber.received();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<protocol::Suback>(packets[0]));
  auto* publish = std::get_if<protocol::Publish>(&packets[1]);
  ASSERT_NE(publish, nullptr);
  EXPECT_EQ(publish->topic, "r/1");
  EXPECT_EQ(publish->payload, "kept");
  EXPECT_TRUE(publish->retain);
  EXPECT_EQ(publish->qos, 1);
}

TEST(Retained, ALiveMessageIsForwardedWithoutTheRetainFlag) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");
  subscriber.subscribe("r/#", 1);
  publish_retained(broker, "r/1", "kept");
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].retain);
}

TEST(Retained, RetainAsPublishedKeepsTheFlagOnALiveMessage) {
  TestBroker broker;
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");
  protocol::Subscribe subscribe = subscribe_packet(1, "r/#", 1);
  subscribe.entries[0].retain_as_published = true;
  subscriber.subscribe(subscribe);
  publish_retained(broker, "r/1", "kept");
  std::vector<protocol::Publish> got = subscriber.expect_publishes();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].retain);
}

TEST(Retained, AnEmptyRetainedPayloadClearsTheTopic) {
  TestBroker broker;
  publish_retained(broker, "r/1", "kept");
  publish_retained(broker, "r/1", "");
  EXPECT_EQ(broker.core().retained_count(), 0u);
  TestClient subscriber(broker, Version::kV311);
  subscriber.connect("s");
  subscriber.subscribe("r/#", 1);
  EXPECT_THAT(subscriber.received(), IsEmpty());
}

TEST(Retained, RetainHandlingTwoSendsNoRetainedMessages) {
  TestBroker broker;
  publish_retained(broker, "r/1", "kept");
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");
  subscriber.subscribe(with_retain_handling("r/#", 2));  // SUBACK alone
}

TEST(Retained, RetainHandlingOneSendsRetainedMessagesOnlyForANewSubscription) {
  TestBroker broker;
  publish_retained(broker, "r/1", "kept");
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect("s");

  subscriber.send(with_retain_handling("r/#", 1));
  std::vector<protocol::Packet> packets = subscriber.received();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<protocol::Publish>(packets[1]));

  subscriber.subscribe(with_retain_handling("r/#", 1));  // SUBACK alone
}

}  // namespace
}  // namespace starling::testing
