// What the v5 CONNACK tells clients about the broker's capabilities.
#include "broker_test.hpp"

namespace starling::test {
namespace {

using mqtt::property;

using ConnackPropertiesTest = BrokerTest;

// Connects a v5 Paho client and returns the CONNACK properties.
mqtt::properties connack_properties(TestClient& client, const ConnectSettings& settings = {}) {
  return client.connect(settings).get_properties();
}

TEST_F(ConnackPropertiesTest, ConnackAdvertisesAMaximumQosBelowTwo) {
  start_broker([](Options& o) { o.mqtt.maximum_qos = 1; });
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client);
  ASSERT_TRUE(properties.contains(property::MAXIMUM_QOS));
  EXPECT_EQ(mqtt::get<int>(properties, property::MAXIMUM_QOS), 1);
}

TEST_F(ConnackPropertiesTest, SubscriptionAboveTheMaximumQosIsGrantedTheMaximum) {
  start_broker([](Options& o) { o.mqtt.maximum_qos = 1; });
  auto client = raw_connected({.client_id = client_id("raw")});
  EXPECT_EQ(client->subscribe(raw::Version::kV5, topic("x"), 2), 1);
}

TEST_F(ConnackPropertiesTest, ConnackAdvertisesThatRetainIsUnavailable) {
  start_broker([](Options& o) { o.mqtt.retain_available = false; });
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client);
  ASSERT_TRUE(properties.contains(property::RETAIN_AVAILABLE));
  EXPECT_EQ(mqtt::get<int>(properties, property::RETAIN_AVAILABLE), 0);
}

TEST_F(ConnackPropertiesTest, ConnackAdvertisesTheTopicAliasMaximum) {
  start_broker([](Options& o) { o.mqtt.topic_alias_maximum = 10; });
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client);
  ASSERT_TRUE(properties.contains(property::TOPIC_ALIAS_MAXIMUM));
  EXPECT_EQ(mqtt::get<int>(properties, property::TOPIC_ALIAS_MAXIMUM), 10);
}

TEST_F(ConnackPropertiesTest, ConnackAdvertisesTheBrokersReceiveMaximum) {
  start_broker([](Options& o) { o.limits.receive_maximum = 7; });
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client);
  ASSERT_TRUE(properties.contains(property::RECEIVE_MAXIMUM));
  EXPECT_EQ(mqtt::get<int>(properties, property::RECEIVE_MAXIMUM), 7);
}

TEST_F(ConnackPropertiesTest, ConnackAdvertisesTheBrokersMaximumPacketSize) {
  start_broker([](Options& o) { o.limits.max_packet_size = 4096; });
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client);
  ASSERT_TRUE(properties.contains(property::MAXIMUM_PACKET_SIZE));
  EXPECT_EQ(mqtt::get<int>(properties, property::MAXIMUM_PACKET_SIZE), 4096);
}

TEST_F(ConnackPropertiesTest, ConnackTellsTheClientAShorterServerKeepAlive) {
  start_broker([](Options& o) { o.mqtt.max_keep_alive = 30; });
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client, {.keep_alive_seconds = 60});
  ASSERT_TRUE(properties.contains(property::SERVER_KEEP_ALIVE));
  EXPECT_EQ(mqtt::get<int>(properties, property::SERVER_KEEP_ALIVE), 30);
}

TEST_F(ConnackPropertiesTest, DefaultConnackDoesNotDenyAnyOptionalFeature) {
  // Absent means available (or QoS 2); present must say so explicitly.
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client);
  for (auto id :
       {property::RETAIN_AVAILABLE, property::WILDCARD_SUBSCRIPTION_AVAILABLE,
        property::SUBSCRIPTION_IDENTIFIERS_AVAILABLE, property::SHARED_SUBSCRIPTION_AVAILABLE}) {
    if (properties.contains(id)) {
      EXPECT_EQ(mqtt::get<int>(properties, id), 1) << "property " << id;
    }
  }
  if (properties.contains(property::MAXIMUM_QOS)) {
    EXPECT_EQ(mqtt::get<int>(properties, property::MAXIMUM_QOS), 2);
  }
}

TEST_F(ConnackPropertiesTest, ConnackDeclaresDisabledSubscriptionFeaturesUnavailable) {
  STARLING_SKIP_ON_MOSQUITTO("has no settings to disable these subscription features");
  start_broker([](Options& o) {
    o.mqtt.wildcard_subscriptions = false;
    o.mqtt.shared_subscriptions = false;
    o.mqtt.subscription_identifiers = false;
  });
  TestClient client(broker(), client_id("c"), kV5);
  const auto properties = connack_properties(client);
  for (auto id :
       {property::WILDCARD_SUBSCRIPTION_AVAILABLE, property::SUBSCRIPTION_IDENTIFIERS_AVAILABLE,
        property::SHARED_SUBSCRIPTION_AVAILABLE}) {
    ASSERT_TRUE(properties.contains(id)) << "property " << id << " missing";
    EXPECT_EQ(mqtt::get<int>(properties, id), 0) << "property " << id;
  }
}

TEST_F(ConnackPropertiesTest, RawConnackCarriesTheSameAdvertisedLimits) {
  start_broker([](Options& o) {
    o.mqtt.topic_alias_maximum = 5;
    o.limits.receive_maximum = 9;
  });
  RawClient client(broker().port());
  auto connack = client.handshake({.client_id = client_id("raw")});
  ASSERT_TRUE(connack.has_value());
  EXPECT_EQ(connack->reason_code, 0);
  EXPECT_EQ(connack->properties.integer(raw::kTopicAliasMaximum), 5u);
  EXPECT_EQ(connack->properties.integer(raw::kReceiveMaximum), 9u);
}

}  // namespace
}  // namespace starling::test
