// Keep-alive enforcement and the will message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::ReasonCode;
using protocol::Version;
using std::chrono::milliseconds;
using ::testing::IsEmpty;

protocol::Connect with_will(Version version, std::string client_id, std::uint16_t keep_alive = 0) {
  protocol::Connect connect = connect_packet(version, std::move(client_id), true, keep_alive);
  connect.will = protocol::Will{.topic = "wills", .payload = "gone", .qos = 1};
  return connect;
}

class WillAndKeepAlive : public ::testing::Test {
 protected:
  WillAndKeepAlive() {
    watcher.connect("watcher");
    watcher.subscribe("wills", 1);
  }

  // The will messages the watcher has received since the last call.
  std::vector<std::string> wills_received() {
    std::vector<std::string> payloads;
    for (const protocol::Publish& p : watcher.expect_publishes()) payloads.push_back(p.payload);
    return payloads;
  }

  TestBroker broker;
  TestClient watcher{broker, Version::kV5};
};

TEST_F(WillAndKeepAlive,
       SilenceForOneAndAHalfKeepAlivesDisconnectsWithKeepAliveTimeoutAndSendsTheWill) {
  TestClient client(broker, Version::kV5);
  client.connect(with_will(Version::kV5, "c", 10));

  broker.advance(milliseconds(15000));
  broker.tick();
  EXPECT_FALSE(client.closed());
  EXPECT_THAT(client.received(), IsEmpty());

  broker.advance(milliseconds(1));
  broker.tick();
  EXPECT_EQ(client.expect_only<protocol::Disconnect>().reason, ReasonCode::kKeepAliveTimeout);
  EXPECT_TRUE(client.closed());
  EXPECT_THAT(wills_received(), ::testing::ElementsAre("gone"));
}

TEST_F(WillAndKeepAlive, AnyPacketFromTheClientRestartsTheKeepAliveTimer) {
  TestClient client(broker, Version::kV5);
  client.connect(with_will(Version::kV5, "c", 10));
  broker.advance(milliseconds(10000));
  client.send(protocol::Pingreq{});
  EXPECT_EQ(client.received().size(), 1u);  // PINGRESP

  broker.advance(milliseconds(10000));
  broker.tick();
  EXPECT_FALSE(client.closed());
}

TEST_F(WillAndKeepAlive, KeepAliveZeroIsNeverEnforced) {
  TestClient client(broker, Version::kV311);
  client.connect(with_will(Version::kV311, "c", 0));
  broker.advance(milliseconds(24 * 3600 * 1000));
  broker.tick();
  EXPECT_FALSE(client.closed());
}

TEST_F(WillAndKeepAlive, ANormalDisconnectDiscardsTheWill) {
  TestClient client(broker, Version::kV5);
  client.connect(with_will(Version::kV5, "c"));
  client.send(protocol::Disconnect{ReasonCode::kNormalDisconnection});
  EXPECT_TRUE(client.closed());
  EXPECT_THAT(wills_received(), IsEmpty());
}

TEST_F(WillAndKeepAlive, DisconnectWithWillMessageSendsTheWill) {
  TestClient client(broker, Version::kV5);
  client.connect(with_will(Version::kV5, "c"));
  client.send(protocol::Disconnect{ReasonCode::kDisconnectWithWillMessage});
  EXPECT_TRUE(client.closed());
  EXPECT_THAT(wills_received(), ::testing::ElementsAre("gone"));
}

TEST_F(WillAndKeepAlive, ALostConnectionSendsTheWill) {
  TestClient client(broker, Version::kV311);
  client.connect(with_will(Version::kV311, "c"));
  client.lose_connection();
  EXPECT_THAT(wills_received(), ::testing::ElementsAre("gone"));
}

TEST_F(WillAndKeepAlive, AProtocolErrorSendsTheWill) {
  TestClient client(broker, Version::kV5);
  client.connect(with_will(Version::kV5, "c"));
  client.send(publish_packet("bad/#", "x"));
  EXPECT_TRUE(client.closed());
  EXPECT_THAT(wills_received(), ::testing::ElementsAre("gone"));
}

TEST_F(WillAndKeepAlive, ADelayedWillIsSentWhenTheDelayHasPassed) {
  TestClient client(broker, Version::kV5);
  protocol::Connect connect = with_will(Version::kV5, "c");
  connect.will->properties.will_delay_interval = 10;
  connect.properties.session_expiry_interval = 60;
  client.connect(connect);
  client.lose_connection();
  EXPECT_THAT(wills_received(), IsEmpty());

  broker.advance(milliseconds(9000));
  broker.tick();
  EXPECT_THAT(wills_received(), IsEmpty());
  broker.advance(milliseconds(2000));
  broker.tick();
  EXPECT_THAT(wills_received(), ::testing::ElementsAre("gone"));
}

TEST_F(WillAndKeepAlive, ReconnectingWithinTheWillDelayCancelsTheWill) {
  protocol::Connect connect = with_will(Version::kV5, "c");
  connect.will->properties.will_delay_interval = 10;
  connect.properties.session_expiry_interval = 60;
  {
    TestClient client(broker, Version::kV5);
    client.connect(connect);
    client.lose_connection();
  }
  TestClient again(broker, Version::kV5);
  protocol::Connect resume = connect_packet(Version::kV5, "c", false);
  resume.properties.session_expiry_interval = 60;
  EXPECT_TRUE(again.connect(resume).session_present);

  broker.advance(milliseconds(11000));
  broker.tick();
  EXPECT_THAT(wills_received(), IsEmpty());
}

}  // namespace
}  // namespace starling::testing
