// Presence events: $SYS/clients/<client id>/connected (retained while the
// client is connected) and .../disconnected with the reason.
#include <gmock/gmock.h>

#include <regex>
#include <set>
#include <string>

#include "broker_test.hpp"
#include "raw_packets.hpp"
#include "sys_watch.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

std::string connected_topic(const std::string& escaped_id) {
  return "$SYS/clients/" + escaped_id + "/connected";
}

std::string disconnected_topic(const std::string& escaped_id) {
  return "$SYS/clients/" + escaped_id + "/disconnected";
}

// The "connection" number of a presence payload; -1 if there is none.
long long connection_of(const std::string& payload) {
  std::smatch match;
  static const std::regex kConnection("\"connection\":([0-9]+)");
  if (!std::regex_search(payload, match, kConnection)) return -1;
  return std::stoll(match[1].str());
}

class PresenceTest : public BrokerTest {
 protected:
  void SetUp() override {
    STARLING_SKIP_ON_MOSQUITTO("presence events are Starling's");
    start_broker([](Options& options) { options.sys_interval = 0; });
    watcher_ = connected_client("presence-watcher", kV5);
    watcher_->subscribe("$SYS/clients/#", 1);
  }

  MessageQueue& events() { return watcher_->received(); }

  // Waits for a message on `topic` with a non-empty payload; returns it.
  std::optional<std::string> wait_event(const std::string& topic,
                                        std::chrono::milliseconds timeout = kSysTimeout) {
    if (!wait_for_value(
            events(), topic, [](const std::string& v) { return !v.empty(); }, timeout)) {
      return std::nullopt;
    }
    return latest(events(), topic);
  }

  std::unique_ptr<TestClient> watcher_;
};

TEST_F(PresenceTest, AConnectIsAnnouncedWithTheClientsDetails) {
  const std::string id = client_id("alice");
  auto alice = raw_connected(raw::Connect{
      .version = raw::Version::kV5, .client_id = id, .keep_alive = 30, .username = "alice-user"});

  auto payload = wait_event(connected_topic(id));
  ASSERT_TRUE(payload) << "no connected event for " << id;
  EXPECT_THAT(*payload, HasSubstr("\"event\":\"connected\""));
  EXPECT_THAT(*payload, HasSubstr("\"client_id\":\"" + id + "\""));
  EXPECT_THAT(*payload, HasSubstr("\"username\":\"alice-user\""));
  EXPECT_THAT(*payload, HasSubstr("\"address\":\"127.0.0.1:"));
  EXPECT_THAT(*payload, HasSubstr("\"protocol\":\"5.0\""));
  EXPECT_THAT(*payload, HasSubstr("\"keep_alive\":30"));
  EXPECT_THAT(*payload, HasSubstr("\"clean_start\":true"));
  EXPECT_THAT(*payload, HasSubstr("\"timestamp\":\"20"));
  EXPECT_GT(connection_of(*payload), 0);
}

TEST_F(PresenceTest, ALateSubscriberSeesExactlyTheConnectedClients) {
  auto a = connected_client("staying", kV5);
  auto b = connected_client("leaving", kV311);
  const std::string staying = a->client_id();
  const std::string leaving = b->client_id();
  ASSERT_TRUE(wait_event(connected_topic(leaving)));
  b->disconnect();
  ASSERT_TRUE(wait_event(disconnected_topic(leaving)));

  auto roster = connected_client("roster", kV311);
  roster->subscribe("$SYS/clients/+/connected", 1);
  ASSERT_TRUE(wait_for_value(roster->received(), connected_topic(staying),
                             [](const std::string& v) { return !v.empty(); }));
  settled_size(roster->received());
  std::set<std::string> listed;
  for (const auto& message : roster->received().snapshot()) {
    EXPECT_TRUE(message->is_retained()) << message->get_topic();
    listed.insert(message->get_topic());
  }
  EXPECT_EQ(listed,
            (std::set<std::string>{connected_topic(watcher_->client_id()), connected_topic(staying),
                                   connected_topic(roster->client_id())}));
}

TEST_F(PresenceTest, ANormalDisconnectIsReportedAndClearsTheRetainedConnect) {
  const std::string id = client_id("normal");
  auto client = raw_connected(raw::Connect{.version = raw::Version::kV311, .client_id = id});
  ASSERT_TRUE(wait_event(connected_topic(id)));
  client->send(raw::disconnect(raw::Version::kV311));

  auto payload = wait_event(disconnected_topic(id));
  ASSERT_TRUE(payload) << "no disconnected event";
  EXPECT_THAT(*payload, HasSubstr("\"reason\":\"client_disconnect\""));
  EXPECT_THAT(*payload, HasSubstr("\"reason_code\":0"));
  // The retained connected message is cleared: subscribers see it emptied.
  EXPECT_TRUE(wait_for_value(events(), connected_topic(id),
                             [](const std::string& v) { return v.empty(); }));
  for (const auto& message : events().snapshot()) {
    if (message->get_topic() == disconnected_topic(id)) {
      EXPECT_FALSE(message->is_retained());
    }
  }
}

TEST_F(PresenceTest, AKeepAliveTimeoutIsReported) {
  const std::string id = client_id("silent");
  auto silent =
      raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = id, .keep_alive = 1});
  ASSERT_TRUE(wait_event(connected_topic(id)));
  // The client sends nothing; after 1.5 s the broker gives up on it.
  auto payload = wait_event(disconnected_topic(id));
  ASSERT_TRUE(payload) << "no disconnected event after the keep-alive expired";
  EXPECT_THAT(*payload, HasSubstr("\"reason\":\"keep_alive_timeout\""));
  EXPECT_THAT(*payload, HasSubstr("\"reason_code\":141"));
}

TEST_F(PresenceTest, ATakeoverReportsTheOldConnectionAndKeepsTheClientOnline) {
  const std::string id = client_id("twice");
  auto first = raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = id});
  auto first_event = wait_event(connected_topic(id));
  ASSERT_TRUE(first_event);
  const long long first_connection = connection_of(*first_event);

  auto second = raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = id});
  auto gone = wait_event(disconnected_topic(id));
  ASSERT_TRUE(gone) << "no disconnected event for the taken-over connection";
  EXPECT_THAT(*gone, HasSubstr("\"reason\":\"session_taken_over\""));
  EXPECT_EQ(connection_of(*gone), first_connection);

  // Whatever order the two connections' events took, the retained state
  // says: online, on the second connection.
  auto roster = connected_client("roster", kV5);
  roster->subscribe(connected_topic(id), 1);
  ASSERT_TRUE(wait_for_value(roster->received(), connected_topic(id),
                             [](const std::string& v) { return !v.empty(); }));
  const std::string now_connected = *latest(roster->received(), connected_topic(id));
  EXPECT_NE(connection_of(now_connected), first_connection);
  EXPECT_GT(connection_of(now_connected), 0);
}

TEST_F(PresenceTest, ALostConnectionAndAProtocolErrorAreReported) {
  const std::string lost = client_id("lost");
  auto dropped = raw_connected(raw::Connect{.version = raw::Version::kV311, .client_id = lost});
  ASSERT_TRUE(wait_event(connected_topic(lost)));
  dropped->close();
  auto payload = wait_event(disconnected_topic(lost));
  ASSERT_TRUE(payload);
  EXPECT_THAT(*payload, HasSubstr("\"reason\":\"connection_lost\""));

  const std::string rude = client_id("rude");
  auto violator = raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = rude});
  ASSERT_TRUE(wait_event(connected_topic(rude)));
  violator->send(raw::connect(raw::Connect{.version = raw::Version::kV5, .client_id = rude}));
  payload = wait_event(disconnected_topic(rude));
  ASSERT_TRUE(payload);
  EXPECT_THAT(*payload, HasSubstr("\"reason\":\"protocol_error\""));
  EXPECT_THAT(*payload, HasSubstr("\"reason_code\":130"));
  EXPECT_THAT(*payload, HasSubstr("\"detail\":\"second CONNECT\""));
}

TEST_F(PresenceTest, ClientIdsAreEscapedToOneTopicLevel) {
  const std::string suffix = client_id("odd");
  const std::string id = "dev/1+#%-" + suffix;
  const std::string escaped = "dev%2F1%2B%23%25-" + suffix;
  auto odd = raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = id});
  auto payload = wait_event(connected_topic(escaped));
  ASSERT_TRUE(payload) << "no connected event on " << connected_topic(escaped);
  EXPECT_THAT(*payload, HasSubstr("\"client_id\":\"" + id + "\""));  // unescaped in the payload

  // One level: "+" in a filter matches it.
  auto roster = connected_client("roster", kV5);
  roster->subscribe("$SYS/clients/+/connected", 1);
  EXPECT_TRUE(wait_for_value(roster->received(), connected_topic(escaped),
                             [](const std::string& v) { return !v.empty(); }));
  odd->send(raw::disconnect(raw::Version::kV5));
  EXPECT_TRUE(wait_event(disconnected_topic(escaped)));
}

TEST_F(PresenceTest, JsonSpecialCharactersInTheClientIdAreEscapedInThePayload) {
  const std::string id = "quote\"back\\slash-" + client_id("json");
  auto odd = raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = id});
  auto payload = wait_event(connected_topic(id));
  ASSERT_TRUE(payload);
  EXPECT_THAT(*payload, HasSubstr("quote\\\"back\\\\slash-"));
}

TEST_F(PresenceTest, ClientsCannotForgePresenceEvents) {
  const std::string victim = client_id("victim");
  auto forger =
      raw_connected(raw::Connect{.version = raw::Version::kV5, .client_id = client_id("forger")});
  settled_size(events());
  forger->send(raw::publish(raw::Version::kV5, {.topic = connected_topic(victim),
                                                .payload = "{}",
                                                .qos = 1,
                                                .retain = true,
                                                .packet_id = 3}));
  auto ack = forger->read_until(raw::kPuback, kArrivalTimeout);
  ASSERT_TRUE(ack.has_value());
  ASSERT_GE(ack->body.size(), 3u);
  EXPECT_EQ(ack->body[2], 0x87);
  EXPECT_FALSE(wait_event(connected_topic(victim), kQuietPeriod)) << "a forged event got through";
}

class PresenceOffTest : public BrokerTest {};

TEST_F(PresenceOffTest, WithPresenceEventsOffNothingIsPublished) {
  STARLING_SKIP_ON_MOSQUITTO("presence events are Starling's");
  start_broker([](Options& options) {
    options.presence_events = false;
    options.sys_interval = 0;
  });
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe("$SYS/#", 1);
  auto client = connected_client("comes-and-goes", kV311);
  client->disconnect();
  EXPECT_TRUE(watcher->received().stays_at(0, 1500ms));
}

}  // namespace
}  // namespace starling::test
