// The embedding API's own publish and subscribe (Broker::publish,
// Broker::subscribe): in-process callbacks see what clients publish, with
// MQTT's matching rules and retained messages, and clients see what the
// embedder publishes.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "broker_test.hpp"

namespace starling::test {
namespace {

// Collects what an in-process subscription receives, from any thread.
class Inbox {
 public:
  MessageCallback callback() {
    return [this](const ApplicationMessage& message) {
      {
        std::lock_guard lock(mutex_);
        messages_.push_back(message);
      }
      changed_.notify_all();
    };
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = kArrivalTimeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  }
  bool stays_at(std::size_t count) { return !wait_for(count + 1, kQuietPeriod); }
  ApplicationMessage at(std::size_t i) {
    std::lock_guard lock(mutex_);
    return messages_.at(i);
  }
  std::vector<std::string> topics() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> topics;
    for (const auto& m : messages_) topics.push_back(m.topic);
    std::sort(topics.begin(), topics.end());
    return topics;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ApplicationMessage> messages_;
};

class EmbeddedPubSubTest : public BrokerTest {
 protected:
  void SetUp() override { STARLING_SKIP_ON_MOSQUITTO("the embedding API is Starling's own"); }
  Broker& embedded() { return broker().starling(); }
  std::unique_ptr<Subscription> subscribe(const std::string& filter, Inbox& inbox,
                                          SubscribeOptions options = {}) {
    auto subscription = embedded().subscribe(filter, inbox.callback(), options);
    EXPECT_TRUE(subscription.ok()) << subscription.error().message;
    return subscription.ok() ? std::move(subscription).value() : nullptr;
  }
};

TEST_F(EmbeddedPubSubTest, APahoPublishReachesAnInProcessSubscriberWithItsProperties) {
  Inbox inbox;
  auto subscription = subscribe(topic("sensors") + "/#", inbox);
  mqtt::properties sent;
  sent.add({mqtt::property::USER_PROPERTY, "unit", "C"});
  sent.add({mqtt::property::USER_PROPERTY, "unit", "K"});
  sent.add({mqtt::property::CONTENT_TYPE, "text/plain"});
  sent.add({mqtt::property::RESPONSE_TOPIC, topic("reply")});
  sent.add({mqtt::property::CORRELATION_DATA, std::string("\x00id", 3)});
  sent.add({mqtt::property::PAYLOAD_FORMAT_INDICATOR, 1});
  connected_client("pub", kV5)->publish(topic("sensors") + "/t1", "21.5", 1, false, sent);

  ASSERT_TRUE(inbox.wait_for(1));
  const ApplicationMessage got = inbox.at(0);
  EXPECT_EQ(got.topic, topic("sensors") + "/t1");
  EXPECT_EQ(got.payload, "21.5");
  EXPECT_EQ(got.qos, 1);
  EXPECT_FALSE(got.retain);
  EXPECT_EQ(got.content_type, "text/plain");
  EXPECT_EQ(got.response_topic, topic("reply"));
  EXPECT_EQ(got.correlation_data, std::string("\x00id", 3));
  EXPECT_EQ(got.payload_format_indicator, 1);
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(got.user_properties, (Pairs{{"unit", "C"}, {"unit", "K"}}));
  EXPECT_TRUE(inbox.stays_at(1));
}

TEST_F(EmbeddedPubSubTest, AV311PahoPublishReachesAnInProcessSubscriber) {
  Inbox inbox;
  auto subscription = subscribe(topic("plain"), inbox);
  connected_client("pub", kV311)->publish(topic("plain"), "x", 0);
  ASSERT_TRUE(inbox.wait_for(1));
  EXPECT_EQ(inbox.at(0).payload, "x");
  EXPECT_EQ(inbox.at(0).qos, 0);
}

TEST_F(EmbeddedPubSubTest, AnInProcessPublishReachesAPahoSubscriberWithItsProperties) {
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("cmd") + "/+", 2);
  ApplicationMessage message;
  message.topic = topic("cmd") + "/pump";
  message.payload = "on";
  message.qos = 1;
  message.content_type = "text/plain";
  message.user_properties = {{"source", "gateway"}};
  message.message_expiry_interval = 60;
  ASSERT_TRUE(embedded().publish(message).ok());

  ASSERT_TRUE(subscriber->received().wait_for(1));
  const auto got = subscriber->received().at(0);
  EXPECT_EQ(got->get_topic(), topic("cmd") + "/pump");
  EXPECT_EQ(got->get_payload_str(), "on");
  EXPECT_EQ(got->get_qos(), 1);
  const auto& properties = got->get_properties();
  EXPECT_EQ(mqtt::get<std::string>(properties, mqtt::property::CONTENT_TYPE), "text/plain");
  EXPECT_EQ(mqtt::get<mqtt::string_pair>(properties, mqtt::property::USER_PROPERTY, 0),
            mqtt::string_pair("source", "gateway"));
  EXPECT_LE(mqtt::get<int>(properties, mqtt::property::MESSAGE_EXPIRY_INTERVAL), 60);
}

TEST_F(EmbeddedPubSubTest, AnInProcessRetainedPublishIsDeliveredToALaterPahoSubscriber) {
  ASSERT_TRUE(embedded().publish(topic("state"), "ready", 1, true).ok());
  auto subscriber = connected_client("sub", kV311);
  ASSERT_TRUE(eventually([&] {
    subscriber->subscribe(topic("state"), 1);
    return subscriber->received().wait_for(1, kQuietPeriod);
  }));
  EXPECT_TRUE(subscriber->received().at(0)->is_retained());
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "ready");
}

TEST_F(EmbeddedPubSubTest, RetainedMessagesAreDeliveredOnSubscribeWithRetainSet) {
  auto publisher = connected_client("pub", kV5);
  publisher->publish(topic("rooms") + "/a", "A", 1, true);
  publisher->publish(topic("rooms") + "/b", "B", 0, true);
  publisher->publish(topic("other"), "O", 0, true);

  Inbox inbox;
  auto subscription = subscribe(topic("rooms") + "/+", inbox);
  ASSERT_TRUE(inbox.wait_for(2));
  EXPECT_TRUE(inbox.stays_at(2));
  EXPECT_EQ(inbox.topics(),
            (std::vector<std::string>{topic("rooms") + "/a", topic("rooms") + "/b"}));
  EXPECT_TRUE(inbox.at(0).retain);
  EXPECT_TRUE(inbox.at(1).retain);
}

TEST_F(EmbeddedPubSubTest, WithSendRetainedOffNoRetainedMessageIsDeliveredOnSubscribe) {
  connected_client("pub", kV5)->publish(topic("quiet"), "kept", 1, true);
  Inbox inbox;
  SubscribeOptions options;
  options.send_retained = false;
  auto subscription = subscribe(topic("quiet"), inbox, options);
  EXPECT_TRUE(inbox.stays_at(0));
}

TEST_F(EmbeddedPubSubTest, LiveRetainedMessagesKeepTheirFlagOnlyWithRetainAsPublished) {
  Inbox plain;
  Inbox as_published;
  SubscribeOptions keep;
  keep.retain_as_published = true;
  keep.send_retained = false;
  auto first = subscribe(topic("flag"), plain);
  auto second = subscribe(topic("flag"), as_published, keep);
  connected_client("pub", kV5)->publish(topic("flag"), "v", 0, true);
  ASSERT_TRUE(plain.wait_for(1));
  ASSERT_TRUE(as_published.wait_for(1));
  EXPECT_FALSE(plain.at(0).retain);
  EXPECT_TRUE(as_published.at(0).retain);
}

TEST_F(EmbeddedPubSubTest, WildcardsInTheFirstLevelDoNotMatchDollarTopics) {
  Inbox everything;
  Inbox plus;
  Inbox dollar;
  SubscribeOptions live;
  live.send_retained = false;
  auto a = subscribe("#", everything, live);
  auto b = subscribe("+/embedded-test", plus, live);
  auto c = subscribe("$app/#", dollar, live);
  ASSERT_TRUE(embedded().publish("$app/embedded-test", "d").ok());
  ASSERT_TRUE(dollar.wait_for(1));
  EXPECT_EQ(dollar.at(0).topic, "$app/embedded-test");
  EXPECT_TRUE(plus.stays_at(0));
  // Only non-$ traffic may reach "#" (the broker's own $SYS topics never do).
  for (const std::string& t : everything.topics()) EXPECT_FALSE(t.starts_with("$")) << t;
}

TEST_F(EmbeddedPubSubTest, AnUnsubscribedCallbackReceivesNothingMore) {
  Inbox inbox;
  auto subscription = subscribe(topic("stop"), inbox);
  ASSERT_TRUE(embedded().publish(topic("stop"), "1").ok());
  ASSERT_TRUE(inbox.wait_for(1));
  subscription->unsubscribe();
  subscription->unsubscribe();  // idempotent
  ASSERT_TRUE(embedded().publish(topic("stop"), "2").ok());
  EXPECT_TRUE(inbox.stays_at(1));
}

TEST_F(EmbeddedPubSubTest, DestroyingTheHandleUnsubscribes) {
  Inbox inbox;
  auto subscription = subscribe(topic("gone"), inbox);
  subscription.reset();
  ASSERT_TRUE(embedded().publish(topic("gone"), "x").ok());
  EXPECT_TRUE(inbox.stays_at(0));
}

TEST_F(EmbeddedPubSubTest, ACallbackMayUnsubscribeItself) {
  std::atomic<int> calls{0};
  std::unique_ptr<Subscription> subscription;
  std::mutex mutex;
  auto made = embedded().subscribe(topic("once"), [&](const ApplicationMessage&) {
    ++calls;
    std::lock_guard lock(mutex);
    if (subscription) subscription->unsubscribe();
  });
  ASSERT_TRUE(made.ok());
  {
    std::lock_guard lock(mutex);
    subscription = std::move(made).value();
  }
  ASSERT_TRUE(embedded().publish(topic("once"), "1").ok());
  ASSERT_TRUE(eventually([&] { return calls.load() == 1; }));
  ASSERT_TRUE(embedded().publish(topic("once"), "2").ok());
  std::this_thread::sleep_for(kQuietPeriod);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(EmbeddedPubSubTest, ACallbackThatThrowsDoesNotStopDelivery) {
  std::atomic<int> calls{0};
  auto subscription = embedded().subscribe(topic("throws"), [&](const ApplicationMessage&) {
    ++calls;
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(subscription.ok());
  ASSERT_TRUE(embedded().publish(topic("throws"), "1").ok());
  ASSERT_TRUE(embedded().publish(topic("throws"), "2").ok());
  EXPECT_TRUE(eventually([&] { return calls.load() == 2; }));
  expect_broker_still_serves_clients();
}

TEST_F(EmbeddedPubSubTest, InvalidTopicsAndFiltersAreRefusedWithAClearError) {
  for (const std::string& bad :
       std::vector<std::string>{"", "a/+", "a/#", std::string("a\0b", 3)}) {
    const Status status = embedded().publish(bad, "x");
    ASSERT_FALSE(status.ok()) << "topic '" << bad << "'";
    EXPECT_NE(status.error().message.find("invalid topic"), std::string::npos)
        << status.error().message;
  }
  EXPECT_FALSE(embedded().publish(topic("q"), "x", 3).ok());
  ApplicationMessage bad_utf8;
  bad_utf8.topic = topic("text");
  bad_utf8.payload = "\xff";
  bad_utf8.payload_format_indicator = 1;
  EXPECT_FALSE(embedded().publish(bad_utf8).ok());
  Inbox inbox;
  for (const std::string bad : {"", "a/#/b", "a+", "a/#/"}) {
    auto subscription = embedded().subscribe(bad, inbox.callback());
    ASSERT_FALSE(subscription.ok()) << "filter '" << bad << "'";
    EXPECT_NE(subscription.error().message.find("invalid topic filter"), std::string::npos);
  }
  auto shared = embedded().subscribe("$share/g/a", inbox.callback());
  ASSERT_FALSE(shared.ok());
  EXPECT_NE(shared.error().message.find("shared subscriptions"), std::string::npos);
}

TEST_F(EmbeddedPubSubTest, AStoppedBrokerRefusesPublishAndSubscribeAndHandlesOutliveIt) {
  Inbox inbox;
  auto subscription = subscribe(topic("late"), inbox);
  embedded().stop();
  const Status status = embedded().publish(topic("late"), "x");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "the broker is stopped");
  EXPECT_FALSE(embedded().subscribe(topic("late"), inbox.callback()).ok());
  stop_broker();
  subscription->unsubscribe();  // the broker is gone: does nothing
  subscription.reset();
}

}  // namespace
}  // namespace starling::test
