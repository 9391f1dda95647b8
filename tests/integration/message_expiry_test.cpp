// v5 Message Expiry Interval: expired messages are dropped, delivered ones
// carry the time they have left.
#include "broker_test.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;

class MessageExpiryTest : public BrokerTest {
 protected:
  // Leaves a persistent session subscribed to `t` with nobody connected.
  void leave_offline_session(const std::string& id, const std::string& t) {
    TestClient client(broker(), id, kV5);
    client.connect(ConnectSettings{.clean = false, .session_expiry = 60});
    client.subscribe(t, 1);
    client.disconnect();
  }

  static mqtt::properties expiring_in(int seconds) {
    mqtt::properties properties;
    properties.add({mqtt::property::MESSAGE_EXPIRY_INTERVAL, seconds});
    return properties;
  }
};

TEST_F(MessageExpiryTest, QueuedMessageIsDroppedOnceItsExpiryHasPassed) {
  const std::string id = client_id("offline");
  const std::string t = topic("expiring");
  leave_offline_session(id, t);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, "expires", 1, false, expiring_in(1));
  publisher->publish(t, "keeps", 1);
  std::this_thread::sleep_for(2100ms);  // past the 1 s expiry, whatever the rounding

  TestClient client(broker(), id, kV5);
  ASSERT_TRUE(
      client.connect(ConnectSettings{.clean = false, .session_expiry = 60}).is_session_present());
  ASSERT_TRUE(client.received().wait_for(1));
  EXPECT_TRUE(client.received().stays_at(1));
  EXPECT_EQ(client.received().at(0)->get_payload_str(), "keeps")
      << "an expired message was delivered";
}

TEST_F(MessageExpiryTest, QueuedMessageCarriesItsRemainingExpiryInterval) {
  const std::string id = client_id("offline");
  const std::string t = topic("remaining");
  leave_offline_session(id, t);
  connected_client("pub", kV5)->publish(t, "aging", 1, false, expiring_in(60));
  std::this_thread::sleep_for(1100ms);

  TestClient client(broker(), id, kV5);
  client.connect(ConnectSettings{.clean = false, .session_expiry = 60});
  ASSERT_TRUE(client.received().wait_for(1));
  const auto& properties = client.received().at(0)->get_properties();
  ASSERT_TRUE(properties.contains(mqtt::property::MESSAGE_EXPIRY_INTERVAL));
  const int remaining = mqtt::get<int>(properties, mqtt::property::MESSAGE_EXPIRY_INTERVAL);
  EXPECT_LT(remaining, 60) << "expiry not decremented while queued";
  EXPECT_GE(remaining, 57);
}

TEST_F(MessageExpiryTest, LiveMessageKeepsItsExpiryInterval) {
  const std::string t = topic("live");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);
  connected_client("pub", kV5)->publish(t, "fresh", 1, false, expiring_in(30));
  ASSERT_TRUE(subscriber->received().wait_for(1));
  const auto& properties = subscriber->received().at(0)->get_properties();
  ASSERT_TRUE(properties.contains(mqtt::property::MESSAGE_EXPIRY_INTERVAL));
  const int remaining = mqtt::get<int>(properties, mqtt::property::MESSAGE_EXPIRY_INTERVAL);
  EXPECT_LE(remaining, 30);
  EXPECT_GE(remaining, 29);
}

TEST_F(MessageExpiryTest, ExpiredRetainedMessageIsNotDeliveredToNewSubscribers) {
  const std::string t = topic("retained");
  connected_client("pub", kV5)->publish(t, "stale", 1, true, expiring_in(1));
  std::this_thread::sleep_for(2100ms);
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);
  EXPECT_TRUE(subscriber->received().stays_at(0)) << "an expired retained message was delivered";
}

}  // namespace
}  // namespace starling::test
