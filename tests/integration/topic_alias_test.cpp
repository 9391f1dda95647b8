// v5 Topic Alias sent by clients: the broker resolves it, and refuses aliases
// beyond the maximum it advertised.
#include <gmock/gmock.h>

#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;

using TopicAliasTest = BrokerTest;

raw::Publish aliased(std::string topic, std::string payload, std::uint16_t alias) {
  return {.topic = std::move(topic),
          .payload = std::move(payload),
          .qos = 0,
          .properties = raw::property_u16(raw::kTopicAlias, alias)};
}

TEST_F(TopicAliasTest, PublishUsingAnEstablishedAliasReachesTheAliasedTopic) {
  const std::string t = topic("aliased");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 0);
  auto publisher = raw_connected({.client_id = client_id("raw")});
  publisher->send(raw::publish(Version::kV5, aliased(t, "sets alias", 1)));
  publisher->send(raw::publish(Version::kV5, aliased("", "uses alias", 1)));

  ASSERT_TRUE(subscriber->received().wait_for(2));
  EXPECT_EQ(subscriber->received().at(1)->get_topic(), t);
  EXPECT_EQ(subscriber->received().at(1)->get_payload_str(), "uses alias");
  EXPECT_FALSE(publisher->peer_closed());
}

TEST_F(TopicAliasTest, AliasCanBeRemappedToAnotherTopic) {
  const std::string first = topic("first");
  const std::string second = topic("second");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("#"), 0);
  auto publisher = raw_connected({.client_id = client_id("raw")});
  publisher->send(raw::publish(Version::kV5, aliased(first, "a", 1)));
  publisher->send(raw::publish(Version::kV5, aliased(second, "b", 1)));
  publisher->send(raw::publish(Version::kV5, aliased("", "c", 1)));

  ASSERT_TRUE(subscriber->received().wait_for(3));
  EXPECT_EQ(subscriber->received().at(2)->get_topic(), second);
}

TEST_F(TopicAliasTest, PahoPublishWithTopicAliasPropertyReachesSubscribers) {
  const std::string t = topic("paho");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);
  auto publisher = connected_client("pub", kV5);
  mqtt::properties properties;
  properties.add({mqtt::property::TOPIC_ALIAS, 3});
  publisher->publish(t, "with alias", 1, false, properties);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), t);
}

TEST_F(TopicAliasTest, AliasAboveTheAdvertisedMaximumDisconnectsWith0x94) {
  start_broker([](Options& o) { o.mqtt.topic_alias_maximum = 2; });
  auto publisher = raw_connected({.client_id = client_id("raw")});
  publisher->send(raw::publish(Version::kV5, aliased(topic("x"), "bad", 3)));
  auto disconnect = publisher->read_until(raw::kDisconnect, kArrivalTimeout);
  ASSERT_TRUE(disconnect.has_value());
  EXPECT_EQ(raw::disconnect_reason(*disconnect), 0x94);
  EXPECT_TRUE(publisher->wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(TopicAliasTest, AliasZeroIsRefusedWithAnErrorDisconnect) {
  // MQTT-3.3.2-8 forbids alias 0; the spec's reason code table describes 0x94
  // for aliases above the maximum only, so 0x81, 0x82 and 0x94 are all read
  // as right here (mosquitto sends 0x81).
  auto publisher = raw_connected({.client_id = client_id("raw")});
  publisher->send(raw::publish(Version::kV5, aliased(topic("x"), "bad", 0)));
  auto disconnect = publisher->read_until(raw::kDisconnect, kArrivalTimeout);
  ASSERT_TRUE(disconnect.has_value());
  EXPECT_THAT(raw::disconnect_reason(*disconnect), ::testing::AnyOf(0x81, 0x82, 0x94));
  EXPECT_TRUE(publisher->wait_closed(kArrivalTimeout));
}

TEST_F(TopicAliasTest, UnknownAliasWithEmptyTopicDisconnectsWithProtocolError) {
  auto publisher = raw_connected({.client_id = client_id("raw")});
  publisher->send(raw::publish(Version::kV5, aliased("", "who am I", 1)));
  auto disconnect = publisher->read_until(raw::kDisconnect, kArrivalTimeout);
  ASSERT_TRUE(disconnect.has_value());
  EXPECT_EQ(raw::disconnect_reason(*disconnect), 0x82);
  EXPECT_TRUE(publisher->wait_closed(kArrivalTimeout));
}

}  // namespace
}  // namespace starling::test
