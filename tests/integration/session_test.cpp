// Sessions: clean and persistent, offline queueing, expiry, takeover and
// client identifiers.
#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

using SessionTest = BrokerTest;

ConnectSettings persistent(int version) {
  ConnectSettings settings;
  settings.clean = false;
  if (version == kV5) settings.session_expiry = 60;
  return settings;
}

class PersistentSessionTest : public BrokerTest, public ::testing::WithParamInterface<int> {};

std::string version_name(const ::testing::TestParamInfo<int>& info) {
  return info.param == kV5 ? "V5" : "V311";
}

TEST_P(PersistentSessionTest, SessionKeepsSubscriptionsAndQueuesQos1And2WhileOffline) {
  const int version = GetParam();
  const std::string t = topic("queued");
  const std::string id = client_id("sleeper");
  {
    TestClient sleeper(broker(), id, version);
    EXPECT_FALSE(sleeper.connect(persistent(version)).is_session_present());
    sleeper.subscribe(t, 2);
    sleeper.disconnect();
  }
  auto publisher = connected_client("pub", version);
  publisher->publish(t, "one", 1);
  publisher->publish(t, "two", 2);

  TestClient sleeper(broker(), id, version);
  EXPECT_TRUE(sleeper.connect(persistent(version)).is_session_present());
  ASSERT_TRUE(sleeper.received().wait_for(2)) << "queued messages not delivered on reconnect";
  EXPECT_EQ(sleeper.received().at(0)->get_payload_str(), "one");
  EXPECT_EQ(sleeper.received().at(0)->get_qos(), 1);
  EXPECT_EQ(sleeper.received().at(1)->get_payload_str(), "two");
  EXPECT_EQ(sleeper.received().at(1)->get_qos(), 2);

  // The subscription itself survived too.
  publisher->publish(t, "three", 1);
  ASSERT_TRUE(sleeper.received().wait_for(3));
  EXPECT_EQ(sleeper.received().at(2)->get_payload_str(), "three");
}

TEST_P(PersistentSessionTest, Qos0MessagesAreNotQueuedForAnOfflineSession) {
  const int version = GetParam();
  const std::string t = topic("q0");
  const std::string id = client_id("sleeper");
  {
    TestClient sleeper(broker(), id, version);
    sleeper.connect(persistent(version));
    sleeper.subscribe(t, 2);
    sleeper.disconnect();
  }
  auto publisher = connected_client("pub", version);
  publisher->publish(t, "qos0", 0);
  publisher->publish(t, "qos1 marker", 1);

  TestClient sleeper(broker(), id, version);
  sleeper.connect(persistent(version));
  ASSERT_TRUE(sleeper.received().wait_for(1));
  EXPECT_TRUE(sleeper.received().stays_at(1));
  EXPECT_EQ(sleeper.received().at(0)->get_payload_str(), "qos1 marker");
}

TEST_P(PersistentSessionTest, CleanConnectDiscardsTheStoredSession) {
  const int version = GetParam();
  const std::string t = topic("discarded");
  const std::string id = client_id("cleaner");
  {
    TestClient client(broker(), id, version);
    client.connect(persistent(version));
    client.subscribe(t, 1);
    client.disconnect();
  }
  auto publisher = connected_client("pub", version);
  publisher->publish(t, "queued for old session", 1);

  TestClient client(broker(), id, version);
  EXPECT_FALSE(client.connect(ConnectSettings{.clean = true}).is_session_present());
  publisher->publish(t, "after clean connect", 1);
  EXPECT_TRUE(client.received().stays_at(0)) << "a discarded session still received messages";
}

INSTANTIATE_TEST_SUITE_P(Versions, PersistentSessionTest, ::testing::Values(kV311, kV5),
                         version_name);

TEST_F(SessionTest, V311CleanSessionIsNotKeptAfterDisconnect) {
  const std::string id = client_id("clean");
  {
    TestClient client(broker(), id, kV311);
    client.connect();
    client.subscribe(topic("x"), 1);
    client.disconnect();
  }
  TestClient client(broker(), id, kV311);
  EXPECT_FALSE(client.connect(persistent(kV311)).is_session_present());
}

TEST_F(SessionTest, V5SessionWithExpiryZeroEndsWhenTheConnectionCloses) {
  const std::string id = client_id("zero");
  {
    TestClient client(broker(), id, kV5);
    client.connect(ConnectSettings{.clean = false, .session_expiry = 0});
    client.subscribe(topic("x"), 1);
    client.disconnect();
  }
  TestClient client(broker(), id, kV5);
  EXPECT_FALSE(client.connect(persistent(kV5)).is_session_present());
}

TEST_F(SessionTest, V5SessionIsDiscardedOnceItsExpiryIntervalHasPassed) {
  const std::string id = client_id("expiring");
  const std::string t = topic("expired");
  {
    TestClient client(broker(), id, kV5);
    client.connect(ConnectSettings{.clean = false, .session_expiry = 1});
    client.subscribe(t, 1);
    client.disconnect();
  }
  // Still there within the interval? Not checked here: reconnecting would
  // restart the clock. Wait past it instead.
  std::this_thread::sleep_for(2500ms);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, "nobody home", 1);

  TestClient client(broker(), id, kV5);
  EXPECT_FALSE(client.connect(persistent(kV5)).is_session_present());
  EXPECT_TRUE(client.received().stays_at(0));
}

TEST_F(SessionTest, V5SessionSurvivesAReconnectWithinItsExpiryInterval) {
  const std::string id = client_id("returning");
  {
    TestClient client(broker(), id, kV5);
    client.connect(ConnectSettings{.clean = false, .session_expiry = 5});
    client.disconnect();
  }
  TestClient client(broker(), id, kV5);
  EXPECT_TRUE(client.connect(persistent(kV5)).is_session_present());
}

// mosquitto 2.0.11 closes the old v5 connection without the DISCONNECT 0x8E
// that MQTT-3.1.4-3 and section 4.13 require; it only closes the socket.
constexpr const char* kNoTakeoverDisconnect =
    "2.0.11 closes a taken-over v5 connection without sending DISCONNECT 0x8E";

TEST_F(SessionTest, TakeoverDisconnectsTheOldV5ClientWithReason0x8E) {
  STARLING_SKIP_ON_MOSQUITTO(kNoTakeoverDisconnect);
  const std::string id = client_id("twin");
  TestClient first(broker(), id, kV5);
  first.connect();
  TestClient second(broker(), id, kV5);
  second.connect();

  const auto reason = first.wait_for_server_disconnect();
  ASSERT_TRUE(reason.has_value()) << "old connection still up after takeover";
  EXPECT_EQ(*reason, 0x8E);
  EXPECT_TRUE(second.is_connected());
}

TEST_F(SessionTest, TakeoverSendsTheOldRawV5ConnectionDisconnect0x8EAndClosesIt) {
  STARLING_SKIP_ON_MOSQUITTO(kNoTakeoverDisconnect);
  const raw::Connect connect{.version = Version::kV5, .client_id = client_id("twin")};
  auto first = raw_connected(connect);
  auto second = raw_connected(connect);
  auto disconnect = first->read_until(raw::kDisconnect, kArrivalTimeout);
  ASSERT_TRUE(disconnect.has_value());
  EXPECT_EQ(raw::disconnect_reason(*disconnect), 0x8E);
  EXPECT_TRUE(first->wait_closed(kArrivalTimeout));
}

TEST_F(SessionTest, TakeoverClosesTheOldV311Connection) {
  const raw::Connect connect{.version = Version::kV311, .client_id = client_id("twin")};
  auto first = raw_connected(connect);
  auto second = raw_connected(connect);
  EXPECT_TRUE(first->wait_closed(kArrivalTimeout));
  ASSERT_TRUE(second->send(raw::pingreq()));
  EXPECT_TRUE(second->read_until(raw::kPingresp, kArrivalTimeout).has_value());
}

TEST_F(SessionTest, TakenOverPersistentSessionKeepsItsSubscriptions) {
  const std::string id = client_id("twin");
  const std::string t = topic("kept");
  TestClient first(broker(), id, kV5);
  first.connect(persistent(kV5));
  first.subscribe(t, 1);
  TestClient second(broker(), id, kV5);
  EXPECT_TRUE(second.connect(persistent(kV5)).is_session_present());
  connected_client("pub", kV5)->publish(t, "to the new connection", 1);
  ASSERT_TRUE(second.received().wait_for(1));
  EXPECT_EQ(second.received().at(0)->get_payload_str(), "to the new connection");
}

TEST_F(SessionTest, ZeroLengthClientIdIsAcceptedWithCleanSessionInV311) {
  RawClient client(broker().port());
  auto connack = client.handshake({.version = Version::kV311, .client_id = "", .clean = true});
  ASSERT_TRUE(connack.has_value());
  EXPECT_EQ(connack->reason_code, 0x00);
  EXPECT_FALSE(connack->session_present);
}

TEST_F(SessionTest, ZeroLengthClientIdWithoutCleanSessionIsRejectedInV311) {
  RawClient client(broker().port());
  auto connack = client.handshake({.version = Version::kV311, .client_id = "", .clean = false});
  ASSERT_TRUE(connack.has_value());
  EXPECT_EQ(connack->reason_code, 0x02) << "expected 'identifier rejected'";
  EXPECT_TRUE(client.wait_closed(kArrivalTimeout));
}

TEST_F(SessionTest, ZeroLengthClientIdIsAssignedAnIdentifierInV5) {
  RawClient first(broker().port());
  auto connack = first.handshake({.version = Version::kV5, .client_id = ""});
  ASSERT_TRUE(connack.has_value());
  EXPECT_EQ(connack->reason_code, 0x00);
  const auto assigned = connack->properties.string(raw::kAssignedClientIdentifier);
  ASSERT_TRUE(assigned.has_value()) << "no Assigned Client Identifier in CONNACK";
  EXPECT_FALSE(assigned->empty());

  RawClient second(broker().port());
  auto other = second.handshake({.version = Version::kV5, .client_id = ""});
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(other->properties.string(raw::kAssignedClientIdentifier), assigned)
      << "two clients were assigned the same identifier";
}

TEST_F(SessionTest, PahoV5ClientWithEmptyIdSeesTheAssignedIdentifier) {
  TestClient client(broker(), "", kV5);
  const auto response = client.connect();
  EXPECT_TRUE(response.get_properties().contains(mqtt::property::ASSIGNED_CLIENT_IDENTIFER));
}

}  // namespace
}  // namespace starling::test
