// Publish/subscribe delivery at each QoS, for MQTT v3.1.1 and v5 clients.
#include <set>

#include "broker_test.hpp"

namespace starling::test {
namespace {

class PubSubTest : public BrokerTest, public ::testing::WithParamInterface<int> {
 protected:
  int version() const { return GetParam(); }
};

std::string version_name(const ::testing::TestParamInfo<int>& info) {
  return info.param == kV5 ? "V5" : "V311";
}

// A payload with bytes text handling would mangle.
const std::string kBinaryPayload = std::string("head\0\x01\xff\xfe tail", 14);

TEST_P(PubSubTest, Qos0MessageArrivesWithTopicAndPayloadIntact) {
  const std::string t = topic("a/b");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(t, 0);
  auto publisher = connected_client("pub", version());
  publisher->publish(t, kBinaryPayload, 0);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  const auto message = subscriber->received().at(0);
  EXPECT_EQ(message->get_topic(), t);
  EXPECT_EQ(message->get_payload_str(), kBinaryPayload);
  EXPECT_EQ(message->get_qos(), 0);
  EXPECT_FALSE(message->is_retained());
}

TEST_P(PubSubTest, Qos1MessageArrivesAtQos1WithTopicAndPayloadIntact) {
  const std::string t = topic("q1");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(t, 2);
  auto publisher = connected_client("pub", version());
  publisher->publish(t, kBinaryPayload, 1);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  const auto message = subscriber->received().at(0);
  EXPECT_EQ(message->get_topic(), t);
  EXPECT_EQ(message->get_payload_str(), kBinaryPayload);
  EXPECT_EQ(message->get_qos(), 1);
  EXPECT_TRUE(subscriber->received().stays_at(1)) << "a QoS 1 message was delivered twice";
}

TEST_P(PubSubTest, Qos2MessageArrivesExactlyOnceAtQos2) {
  const std::string t = topic("q2");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(t, 2);
  auto publisher = connected_client("pub", version());
  publisher->publish(t, kBinaryPayload, 2);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  const auto message = subscriber->received().at(0);
  EXPECT_EQ(message->get_topic(), t);
  EXPECT_EQ(message->get_payload_str(), kBinaryPayload);
  EXPECT_EQ(message->get_qos(), 2);
  EXPECT_TRUE(subscriber->received().stays_at(1)) << "a QoS 2 message was delivered twice";
}

TEST_P(PubSubTest, DeliveryQosIsDowngradedToTheSubscriptionMaximum) {
  const std::string t0 = topic("max0");
  const std::string t1 = topic("max1");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(t0, 0);
  subscriber->subscribe(t1, 1);
  auto publisher = connected_client("pub", version());
  publisher->publish(t0, "two-to-zero", 2);
  publisher->publish(t1, "two-to-one", 2);

  ASSERT_TRUE(subscriber->received().wait_for(2));
  for (const auto& message : subscriber->received().snapshot()) {
    const int expected_qos = message->get_topic() == t0 ? 0 : 1;
    EXPECT_EQ(message->get_qos(), expected_qos) << message->get_topic();
  }
}

TEST_P(PubSubTest, LowerPublishQosIsNotUpgradedBySubscription) {
  const std::string t = topic("low");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(t, 2);
  auto publisher = connected_client("pub", version());
  publisher->publish(t, "zero", 0);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_qos(), 0);
}

TEST_P(PubSubTest, WildcardFiltersMatchExactlyTheLevelsTheyCover) {
  const std::string base = topic("w");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(base + "/+/leaf", 1);
  subscriber->subscribe(base + "/multi/#", 1);
  auto publisher = connected_client("pub", version());
  publisher->publish(base + "/x/leaf", "plus", 1);
  publisher->publish(base + "/x/y/leaf", "too deep for plus", 1);
  publisher->publish(base + "/multi", "hash matches parent", 1);
  publisher->publish(base + "/multi/a/b/c", "hash matches deep", 1);
  publisher->publish(base + "/other", "no match", 1);

  ASSERT_TRUE(subscriber->received().wait_for(3));
  EXPECT_TRUE(subscriber->received().stays_at(3));
  std::multiset<std::string> payloads;
  for (const auto& message : subscriber->received().snapshot()) {
    payloads.insert(message->get_payload_str());
  }
  EXPECT_EQ(payloads,
            (std::multiset<std::string>{"plus", "hash matches parent", "hash matches deep"}));
}

TEST_P(PubSubTest, MessagesFromOnePublisherArriveInPublishOrder) {
  const std::string t = topic("order");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(t, 1);
  auto publisher = connected_client("pub", version());
  constexpr int kCount = 50;
  for (int i = 0; i < kCount; ++i) publisher->publish(t, std::to_string(i), 1);

  ASSERT_TRUE(subscriber->received().wait_for(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(subscriber->received().at(i)->get_payload_str(), std::to_string(i));
  }
}

TEST_P(PubSubTest, UnsubscribedClientStopsReceiving) {
  const std::string t = topic("unsub");
  auto subscriber = connected_client("sub", version());
  subscriber->subscribe(t, 1);
  auto publisher = connected_client("pub", version());
  publisher->publish(t, "before", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));

  subscriber->unsubscribe(t);
  publisher->publish(t, "after", 1);
  EXPECT_TRUE(subscriber->received().stays_at(1));
}

INSTANTIATE_TEST_SUITE_P(Versions, PubSubTest, ::testing::Values(kV311, kV5), version_name);

TEST_F(BrokerTest, V311AndV5ClientsExchangeMessagesBothWays) {
  const std::string t = topic("mixed");
  auto old_client = connected_client("v311", kV311);
  auto new_client = connected_client("v5", kV5);
  old_client->subscribe(t + "/to-v311", 1);
  new_client->subscribe(t + "/to-v5", 1);
  new_client->publish(t + "/to-v311", "from v5", 1);
  old_client->publish(t + "/to-v5", "from v3.1.1", 1);

  ASSERT_TRUE(old_client->received().wait_for(1));
  ASSERT_TRUE(new_client->received().wait_for(1));
  EXPECT_EQ(old_client->received().at(0)->get_payload_str(), "from v5");
  EXPECT_EQ(new_client->received().at(0)->get_payload_str(), "from v3.1.1");
}

}  // namespace
}  // namespace starling::test
