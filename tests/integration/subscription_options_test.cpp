// v5 subscription features: No Local, Subscription Identifiers, and what a
// client receives when several of its subscriptions match one message.
#include <set>

#include "broker_test.hpp"

namespace starling::test {
namespace {

using SubscriptionOptionsTest = BrokerTest;

mqtt::properties subscription_id(int id) {
  mqtt::properties properties;
  properties.add({mqtt::property::SUBSCRIPTION_IDENTIFIER, id});
  return properties;
}

std::multiset<int> subscription_ids_of(const mqtt::const_message_ptr& message) {
  std::multiset<int> ids;
  const auto& properties = message->get_properties();
  for (std::size_t i = 0; i < properties.count(mqtt::property::SUBSCRIPTION_IDENTIFIER); ++i) {
    ids.insert(mqtt::get<int>(properties, mqtt::property::SUBSCRIPTION_IDENTIFIER, i));
  }
  return ids;
}

TEST_F(SubscriptionOptionsTest, NoLocalSubscriptionDoesNotReceiveTheClientsOwnMessages) {
  const std::string t = topic("chat");
  auto client = connected_client("self", kV5);
  client->subscribe(t, 1, mqtt::subscribe_options(mqtt::subscribe_options::SUBSCRIBE_NO_LOCAL));
  auto other = connected_client("other", kV5);
  client->publish(t, "mine", 1);
  other->publish(t, "theirs", 1);

  ASSERT_TRUE(client->received().wait_for(1));
  EXPECT_TRUE(client->received().stays_at(1));
  EXPECT_EQ(client->received().at(0)->get_payload_str(), "theirs");
}

TEST_F(SubscriptionOptionsTest, WithoutNoLocalTheClientReceivesItsOwnMessages) {
  const std::string t = topic("echo");
  auto client = connected_client("self", kV5);
  client->subscribe(t, 1);
  client->publish(t, "mine", 1);
  ASSERT_TRUE(client->received().wait_for(1));
  EXPECT_EQ(client->received().at(0)->get_payload_str(), "mine");
}

TEST_F(SubscriptionOptionsTest, SubscriptionIdentifierIsDeliveredWithMatchingMessages) {
  const std::string t = topic("ids");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1, mqtt::subscribe_options(), subscription_id(42));
  subscriber->subscribe(topic("other"), 1);  // no identifier
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, "tagged", 1);
  publisher->publish(topic("other"), "untagged", 1);

  ASSERT_TRUE(subscriber->received().wait_for(2));
  EXPECT_EQ(subscription_ids_of(subscriber->received().at(0)), std::multiset<int>{42});
  EXPECT_TRUE(subscription_ids_of(subscriber->received().at(1)).empty());
}

TEST_F(SubscriptionOptionsTest, OverlappingSubscriptionsDeliverEveryMatchingIdentifier) {
  const std::string base = topic("overlap");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(base + "/#", 1, mqtt::subscribe_options(), subscription_id(1));
  subscriber->subscribe(base + "/+/leaf", 1, mqtt::subscribe_options(), subscription_id(2));
  connected_client("pub", kV5)->publish(base + "/mid/leaf", "both match", 1);

  // A broker may send one copy with both identifiers or one copy per
  // subscription (MQTT-3.3.4-2 and 3.3.4-3); either way both must arrive.
  ASSERT_TRUE(subscriber->received().wait_for(1));
  subscriber->received().stays_at(2);
  std::multiset<int> all_ids;
  for (const auto& message : subscriber->received().snapshot()) {
    all_ids.merge(subscription_ids_of(message));
  }
  EXPECT_EQ(all_ids, (std::multiset<int>{1, 2}));
}

TEST_F(SubscriptionOptionsTest, OverlappingSubscriptionsDeliverOneCopyWithAllIdentifiers) {
  // Sending one copy per subscription is also allowed by MQTT-3.3.4-2; this
  // is Starling's choice of a single copy.
  STARLING_SKIP_ON_MOSQUITTO("sends one copy per matching subscription, which the spec allows");
  const std::string base = topic("once");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(base + "/#", 1, mqtt::subscribe_options(), subscription_id(7));
  subscriber->subscribe(base + "/x", 1, mqtt::subscribe_options(), subscription_id(8));
  connected_client("pub", kV5)->publish(base + "/x", "one copy", 1);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_TRUE(subscriber->received().stays_at(1)) << "more than one copy delivered";
  EXPECT_EQ(subscription_ids_of(subscriber->received().at(0)), (std::multiset<int>{7, 8}));
}

TEST_F(SubscriptionOptionsTest, OverlappingSubscriptionsDeliverAtTheHighestMatchingQos) {
  const std::string base = topic("maxqos");
  auto subscriber = connected_client("sub", kV311);
  subscriber->subscribe(base + "/#", 0);
  subscriber->subscribe(base + "/x", 2);
  connected_client("pub", kV311)->publish(base + "/x", "best qos", 2);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  subscriber->received().stays_at(2);
  int best = -1;
  for (const auto& message : subscriber->received().snapshot()) {
    best = std::max(best, message->get_qos());
  }
  EXPECT_EQ(best, 2) << "no copy at the highest subscribed QoS (MQTT-3.3.4-2)";
}

TEST_F(SubscriptionOptionsTest, OverlappingSubscriptionsDeliverOnlyOneCopy) {
  STARLING_SKIP_ON_MOSQUITTO("sends one copy per matching subscription, which the spec allows");
  const std::string base = topic("single");
  auto subscriber = connected_client("sub", kV311);
  subscriber->subscribe(base + "/#", 0);
  subscriber->subscribe(base + "/+", 1);
  subscriber->subscribe(base + "/x", 2);
  connected_client("pub", kV311)->publish(base + "/x", "exactly one", 2);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_TRUE(subscriber->received().stays_at(1));
  EXPECT_EQ(subscriber->received().at(0)->get_qos(), 2);
}

}  // namespace
}  // namespace starling::test
