// Retained messages: storage, clearing, and the v5 subscription options that
// control them (Retain Handling, Retain As Published).
#include "broker_test.hpp"

namespace starling::test {
namespace {

using RetainedTest = BrokerTest;

mqtt::subscribe_options retain_handling(int handling) {
  return mqtt::subscribe_options(false, false,
                                 static_cast<mqtt::subscribe_options::RetainHandling>(handling));
}

TEST_F(RetainedTest, RetainedMessageIsDeliveredToALaterV311SubscriberWithRetainFlagSet) {
  const std::string t = topic("state");
  auto publisher = connected_client("pub", kV311);
  publisher->publish(t, "on", 1, true);

  auto subscriber = connected_client("sub", kV311);
  subscriber->subscribe(t, 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  const auto message = subscriber->received().at(0);
  EXPECT_EQ(message->get_topic(), t);
  EXPECT_EQ(message->get_payload_str(), "on");
  EXPECT_TRUE(message->is_retained());
  EXPECT_EQ(message->get_qos(), 1);
}

TEST_F(RetainedTest, RetainedMessageIsDeliveredToALaterV5WildcardSubscriber) {
  const std::string base = topic("devices");
  auto publisher = connected_client("pub", kV5);
  publisher->publish(base + "/a", "A", 0, true);
  publisher->publish(base + "/b", "B", 1, true);

  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(base + "/+", 1);
  ASSERT_TRUE(subscriber->received().wait_for(2));
  EXPECT_TRUE(subscriber->received().stays_at(2));
  for (const auto& message : subscriber->received().snapshot()) {
    EXPECT_TRUE(message->is_retained()) << message->get_topic();
  }
}

TEST_F(RetainedTest, NewerRetainedMessageReplacesTheOlderOne) {
  const std::string t = topic("replace");
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, "old", 1, true);
  publisher->publish(t, "new", 1, true);

  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "new");
  EXPECT_TRUE(subscriber->received().stays_at(1));
}

TEST_F(RetainedTest, EmptyRetainedPayloadClearsTheRetainedMessage) {
  const std::string t = topic("cleared");
  auto publisher = connected_client("pub", kV311);
  publisher->publish(t, "soon gone", 1, true);
  publisher->publish(t, "", 1, true);

  auto subscriber = connected_client("sub", kV311);
  subscriber->subscribe(t, 1);
  EXPECT_TRUE(subscriber->received().stays_at(0)) << "a cleared retained message was delivered";
}

TEST_F(RetainedTest, RetainHandlingZeroSendsRetainedMessagesOnEverySubscribe) {
  const std::string t = topic("rh0");
  connected_client("pub", kV5)->publish(t, "kept", 1, true);
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1, retain_handling(0));
  ASSERT_TRUE(subscriber->received().wait_for(1));
  subscriber->subscribe(t, 1, retain_handling(0));  // the same subscription again
  ASSERT_TRUE(subscriber->received().wait_for(2));
  EXPECT_TRUE(subscriber->received().at(1)->is_retained());
}

TEST_F(RetainedTest, RetainHandlingOneSendsRetainedMessagesOnlyForANewSubscription) {
  const std::string t = topic("rh1");
  connected_client("pub", kV5)->publish(t, "kept", 1, true);
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1, retain_handling(1));
  ASSERT_TRUE(subscriber->received().wait_for(1));
  subscriber->subscribe(t, 1, retain_handling(1));  // already exists: nothing sent
  EXPECT_TRUE(subscriber->received().stays_at(1));
}

TEST_F(RetainedTest, RetainHandlingTwoNeverSendsRetainedMessagesOnSubscribe) {
  const std::string t = topic("rh2");
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, "kept", 1, true);
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1, retain_handling(2));
  EXPECT_TRUE(subscriber->received().stays_at(0));

  // The subscription itself works.
  publisher->publish(t, "live", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "live");
}

TEST_F(RetainedTest, RetainAsPublishedKeepsTheRetainFlagOnLiveMessages) {
  const std::string t = topic("rap1");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1, mqtt::subscribe_options(false, true));
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, "retained live", 1, true);
  publisher->publish(t, "plain live", 1, false);

  ASSERT_TRUE(subscriber->received().wait_for(2));
  EXPECT_TRUE(subscriber->received().at(0)->is_retained());
  EXPECT_FALSE(subscriber->received().at(1)->is_retained());
}

TEST_F(RetainedTest, LiveMessagesAreForwardedWithoutRetainFlagWhenRetainAsPublishedIsOff) {
  const std::string t = topic("rap0");
  auto v5_subscriber = connected_client("sub5", kV5);
  v5_subscriber->subscribe(t, 1, mqtt::subscribe_options(false, false));
  auto v311_subscriber = connected_client("sub3", kV311);
  v311_subscriber->subscribe(t, 1);
  connected_client("pub", kV5)->publish(t, "retained live", 1, true);

  ASSERT_TRUE(v5_subscriber->received().wait_for(1));
  ASSERT_TRUE(v311_subscriber->received().wait_for(1));
  EXPECT_FALSE(v5_subscriber->received().at(0)->is_retained());
  EXPECT_FALSE(v311_subscriber->received().at(0)->is_retained());
}

TEST_F(RetainedTest, RetainedPublishIsRefusedWith0x9AWhenRetainIsUnavailable) {
  start_broker([](Options& o) { o.mqtt.retain_available = false; });
  const std::string t = topic("noretain");
  auto publisher = raw_connected({.client_id = client_id("raw")});
  publisher->send(
      raw::publish(raw::Version::kV5, {.topic = t, .payload = "kept?", .qos = 1, .retain = true}));
  auto reply = publisher->read_until(raw::kDisconnect, kArrivalTimeout);
  ASSERT_TRUE(reply.has_value()) << "no DISCONNECT for a retained PUBLISH";
  EXPECT_EQ(raw::disconnect_reason(*reply), 0x9A);

  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);
  EXPECT_TRUE(subscriber->received().stays_at(0));
}

}  // namespace
}  // namespace starling::test
