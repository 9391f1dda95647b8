// $SYS/broker/...: Mosquitto's statistics tree, published every sys_interval
// seconds as retained messages, following the traffic.
#include <gmock/gmock.h>

#include <string>

#include "broker_test.hpp"
#include "raw_packets.hpp"
#include "starling/version.hpp"
#include "sys_watch.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;
using ::testing::MatchesRegex;

const std::string kSys = "$SYS/broker/";

class SysTopicsTest : public BrokerTest {
 protected:
  // A broker publishing its figures every second, and a client watching them.
  void start_with_interval(std::uint32_t seconds) {
    STARLING_SKIP_ON_MOSQUITTO("Starling's own figures and sys_interval");
    start_broker([seconds](Options& options) { options.sys_interval = seconds; });
    watcher_ = connected_client("sys-watcher", kV5);
    watcher_->subscribe(kSys + "#", 0);
  }

  MessageQueue& sys() { return watcher_->received(); }

  std::unique_ptr<TestClient> watcher_;
};

TEST_F(SysTopicsTest, ANewSubscriberGetsTheVersionAndUptimeAsRetainedMessages) {
  start_with_interval(1);
  ASSERT_TRUE(wait_for_value(sys(), kSys + "version", [](const std::string&) { return true; }));
  EXPECT_EQ(latest(sys(), kSys + "version"), std::string("starling version ") + kVersion);
  ASSERT_TRUE(wait_for_value(sys(), kSys + "uptime", [](const std::string&) { return true; }));
  EXPECT_THAT(*latest(sys(), kSys + "uptime"), MatchesRegex("[0-9]+ seconds"));
  bool version_retained = false;
  for (const auto& message : sys().snapshot()) {
    if (message->get_topic() == kSys + "version") version_retained = message->is_retained();
  }
  EXPECT_TRUE(version_retained) << "a subscriber after start gets the version as retained";
}

TEST_F(SysTopicsTest, ClientCountsFollowConnectsAndDisconnects) {
  start_with_interval(1);
  ASSERT_TRUE(wait_for_number(sys(), kSys + "clients/connected", [](auto n) { return n == 1; }));

  auto a = connected_client("a", kV311);
  auto b = connected_client("b", kV5);
  ConnectSettings persistent;
  persistent.clean = false;
  auto keeper = connected_client("keeper", kV311, persistent);
  EXPECT_TRUE(wait_for_number(sys(), kSys + "clients/connected", [](auto n) { return n == 4; }));
  EXPECT_TRUE(wait_for_number(sys(), kSys + "clients/total", [](auto n) { return n == 4; }));

  a->disconnect();
  keeper->disconnect();  // its session stays: a disconnected client
  EXPECT_TRUE(wait_for_number(sys(), kSys + "clients/connected", [](auto n) { return n == 2; }));
  EXPECT_TRUE(wait_for_number(sys(), kSys + "clients/disconnected", [](auto n) { return n == 1; }));
  EXPECT_TRUE(wait_for_number(sys(), kSys + "clients/total", [](auto n) { return n == 3; }));
  EXPECT_TRUE(wait_for_number(sys(), kSys + "clients/maximum", [](auto n) { return n == 4; }));
}

TEST_F(SysTopicsTest, MessageAndByteCountersMoveWithTraffic) {
  start_with_interval(1);
  ASSERT_TRUE(wait_for_number(sys(), kSys + "bytes/received", [](auto) { return true; }));
  ASSERT_TRUE(wait_for_number(sys(), kSys + "bytes/sent", [](auto) { return true; }));
  ASSERT_TRUE(wait_for_number(sys(), kSys + "messages/received", [](auto) { return true; }));
  const std::uint64_t bytes_received = *latest_number(sys(), kSys + "bytes/received");
  const std::uint64_t bytes_sent = *latest_number(sys(), kSys + "bytes/sent");
  const std::uint64_t packets_received = *latest_number(sys(), kSys + "messages/received");

  const std::string data_topic = topic("data");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(data_topic, 1);
  auto publisher = connected_client("pub", kV311);
  const std::string payload(10000, 'x');
  for (int i = 0; i < 5; ++i) publisher->publish(data_topic, payload, 1);
  ASSERT_TRUE(subscriber->received().wait_for(5));

  // Only clients' PUBLISH packets count as received; the broker's own $SYS
  // messages do not.
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "publish/messages/received", [](auto n) { return n == 5; }));
  // Each sent to the subscriber (plus $SYS messages to the watcher).
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "publish/messages/sent", [](auto n) { return n >= 5; }));
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "publish/bytes/received", [](auto n) { return n == 50000; }));
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "publish/bytes/sent", [](auto n) { return n >= 50000; }));
  EXPECT_TRUE(wait_for_number(sys(), kSys + "bytes/received",
                              [&](auto n) { return n >= bytes_received + 50000; }));
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "bytes/sent", [&](auto n) { return n >= bytes_sent + 50000; }));
  // CONNECT, SUBSCRIBE, 5 PUBLISH, ... of any type.
  EXPECT_TRUE(wait_for_number(sys(), kSys + "messages/received",
                              [&](auto n) { return n >= packets_received + 8; }));
  EXPECT_TRUE(wait_for_number(sys(), kSys + "messages/sent", [](auto n) { return n >= 10; }));
}

TEST_F(SysTopicsTest, RetainedAndSubscriptionCountsFollowTheRoutingState) {
  start_with_interval(1);
  // The watcher's own subscription; the broker's $SYS messages are not
  // counted as retained.
  EXPECT_TRUE(wait_for_number(sys(), kSys + "subscriptions/count", [](auto n) { return n == 1; }));
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "retained messages/count", [](auto n) { return n == 0; }));

  auto client = connected_client("c", kV5);
  client->subscribe(topic("a/#"), 1);
  client->subscribe(topic("b"), 0);
  client->subscribe("$share/g/" + topic("c"), 1);
  client->publish(topic("r1"), "kept", 1, true);
  client->publish(topic("r2"), "kept", 1, true);
  EXPECT_TRUE(wait_for_number(sys(), kSys + "subscriptions/count", [](auto n) { return n == 4; }));
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "retained messages/count", [](auto n) { return n == 2; }));

  client->publish(topic("r1"), "", 1, true);  // clears it
  client->unsubscribe(topic("b"));
  EXPECT_TRUE(
      wait_for_number(sys(), kSys + "retained messages/count", [](auto n) { return n == 1; }));
  EXPECT_TRUE(wait_for_number(sys(), kSys + "subscriptions/count", [](auto n) { return n == 3; }));
  client->disconnect();  // a clean session: its subscriptions go with it
  EXPECT_TRUE(wait_for_number(sys(), kSys + "subscriptions/count", [](auto n) { return n == 1; }));
}

TEST_F(SysTopicsTest, LoadAveragesRiseWhileMessagesFlow) {
  start_with_interval(1);
  ASSERT_TRUE(wait_for_value(sys(), kSys + "load/publish/received/1min",
                             [](const std::string&) { return true; }));
  EXPECT_THAT(*latest(sys(), kSys + "load/publish/received/1min"),
              MatchesRegex("[0-9]+\\.[0-9][0-9]"));
  auto publisher = connected_client("pub", kV311);
  const auto deadline = std::chrono::steady_clock::now() + kSysTimeout;
  bool rose = false;
  while (!rose && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 20; ++i) publisher->publish(topic("load"), "x", 0);
    rose = wait_for_value(
        sys(), kSys + "load/publish/received/1min",
        [](const std::string& v) { return std::stod(v) > 0.0; }, 500ms);
  }
  EXPECT_TRUE(rose) << "load/publish/received/1min stayed at 0";
  EXPECT_TRUE(wait_for_value(sys(), kSys + "load/bytes/received/15min",
                             [](const std::string& v) { return std::stod(v) > 0.0; }));
  EXPECT_TRUE(wait_for_value(sys(), kSys + "load/connections/5min",
                             [](const std::string& v) { return std::stod(v) > 0.0; }));
}

TEST_F(SysTopicsTest, TheFiguresAreRepublishedEverySysInterval) {
  start_with_interval(1);
  // Uptime changes every interval, so it goes out every time.
  std::vector<std::uint64_t> uptimes;
  ASSERT_TRUE(eventually(
      [&] {
        uptimes.clear();
        for (const auto& message : sys().snapshot()) {
          if (message->get_topic() == kSys + "uptime") {
            uptimes.push_back(std::stoull(message->get_payload_str()));
          }
        }
        return uptimes.size() >= 3;
      },
      kSysTimeout))
      << "fewer than 3 uptime messages at a 1 s interval";
  for (std::size_t i = 1; i < uptimes.size(); ++i) EXPECT_GT(uptimes[i], uptimes[i - 1]);
}

TEST_F(SysTopicsTest, ALongIntervalPublishesOnceAtStartThenWaits) {
  start_with_interval(60);
  ASSERT_TRUE(wait_for_value(sys(), kSys + "uptime", [](const std::string&) { return true; }));
  const std::size_t received = settled_size(sys());
  // The next publication is a minute away; nothing goes out meanwhile.
  EXPECT_TRUE(sys().stays_at(received, 2500ms));
}

TEST_F(SysTopicsTest, AZeroIntervalTurnsTheTreeOff) {
  start_with_interval(0);
  auto other = connected_client("other", kV311);
  other->publish(topic("t"), "x", 1);
  EXPECT_TRUE(sys().stays_at(0, 2500ms)) << "$SYS/broker published with sys_interval = 0";
}

TEST_F(SysTopicsTest, AHashSubscriberNeverGetsSysMessages) {
  start_with_interval(1);
  auto everything = connected_client("everything", kV5);
  everything->subscribe("#", 0);
  auto other = connected_client("other", kV311);  // presence events too
  other->publish(topic("t"), "marker", 0);
  ASSERT_TRUE(everything->received().wait_for(1));
  // Several $SYS publications pass meanwhile.
  ASSERT_TRUE(wait_for_number(sys(), kSys + "clients/connected", [](auto n) { return n == 3; }));
  std::this_thread::sleep_for(2s);
  for (const auto& message : everything->received().snapshot()) {
    EXPECT_NE(message->get_topic().front(), '$') << message->get_topic();
  }
}

TEST_F(SysTopicsTest, ClientsCannotPublishIntoSys) {
  start_with_interval(60);
  ASSERT_TRUE(wait_for_value(sys(), kSys + "uptime", [](const std::string&) { return true; }));
  const std::size_t received = settled_size(sys());

  auto forger =
      raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = client_id("forger")});
  forger->send(raw::publish(
      raw::Version::kV5,
      {.topic = kSys + "uptime", .payload = "forged", .qos = 1, .retain = true, .packet_id = 7}));
  auto ack = forger->read_until(raw::kPuback, kArrivalTimeout);
  ASSERT_TRUE(ack.has_value());
  ASSERT_GE(ack->body.size(), 3u);
  EXPECT_EQ(ack->body[2], 0x87) << "PUBACK to $SYS is not Not Authorized";
  EXPECT_TRUE(sys().stays_at(received)) << "a client's $SYS message reached a subscriber";
  EXPECT_NE(latest(sys(), kSys + "uptime"), std::optional<std::string>("forged"));

  // Nor through a will.
  RawClient dying(broker().port());
  auto connack =
      dying.handshake(raw::Connect{.version = raw::Version::kV5,
                                   .client_id = client_id("dying"),
                                   .will = raw::Will{.topic = kSys + "uptime", .payload = "x"}});
  ASSERT_TRUE(connack.has_value());
  EXPECT_EQ(connack->reason_code, 0x87);
}

}  // namespace
}  // namespace starling::test
