// Protocol violations close the offending connection (with a v5 DISCONNECT
// reason where the spec gives one) and harm nobody else.
#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;

class MalformedInputTest : public BrokerTest, public ::testing::WithParamInterface<Version> {
 protected:
  // A well-behaved client connected before the bad input arrives.
  void SetUp() override {
    bystander_topic_ = topic("bystander");
    bystander_ = connected_client("bystander", kV5);
    bystander_->subscribe(bystander_topic_, 1);
  }

  Version version() const { return GetParam(); }

  std::unique_ptr<RawClient> offender() {
    return raw_connected({.version = version(), .client_id = client_id("offender")});
  }

  // The connection is closed; a v5 client is first told why, when `reason` is given.
  void expect_closed(RawClient& client, std::optional<std::uint8_t> v5_reason) {
    if (version() == Version::kV5 && v5_reason) {
      auto disconnect = client.read_until(raw::kDisconnect, kArrivalTimeout);
      ASSERT_TRUE(disconnect.has_value()) << "no DISCONNECT before the close";
      EXPECT_EQ(raw::disconnect_reason(*disconnect), *v5_reason);
    }
    EXPECT_TRUE(client.wait_closed(kArrivalTimeout)) << "the connection stayed open";
  }

  // The bystander still publishes and receives, and new clients are served.
  void expect_others_unharmed() {
    ASSERT_TRUE(bystander_->is_connected());
    const std::size_t before = bystander_->received().size();
    bystander_->publish(bystander_topic_, "still here", 1);
    ASSERT_TRUE(bystander_->received().wait_for(before + 1)) << "bystander stopped working";
    expect_broker_still_serves_clients();
  }

  std::string bystander_topic_;
  std::unique_ptr<TestClient> bystander_;
};

std::string version_name(const ::testing::TestParamInfo<Version>& info) {
  return info.param == Version::kV5 ? "V5" : "V311";
}

// mosquitto 2.0.11 disconnects a v5 client that publishes to a wildcard
// topic with 0x82 (Protocol Error) rather than 0x90 (Topic Name invalid).
constexpr const char* kWildcardReason =
    "2.0.11 answers a wildcard PUBLISH topic with DISCONNECT 0x82, not 0x90";

TEST_P(MalformedInputTest, WildcardInPublishTopicClosesTheConnection) {
  if (version() == Version::kV5) STARLING_SKIP_ON_MOSQUITTO(kWildcardReason);
  auto client = offender();
  client->send(raw::publish(version(), {.topic = topic("a") + "/+/b", .payload = "bad", .qos = 1}));
  expect_closed(*client, 0x90);  // Topic Name invalid
  expect_others_unharmed();
}

TEST_P(MalformedInputTest, HashWildcardInPublishTopicClosesTheConnection) {
  if (version() == Version::kV5) STARLING_SKIP_ON_MOSQUITTO(kWildcardReason);
  auto client = offender();
  client->send(raw::publish(version(), {.topic = topic("a") + "/#", .payload = "bad"}));
  expect_closed(*client, 0x90);
  expect_others_unharmed();
}

TEST_P(MalformedInputTest, WildcardPublishIsNotDeliveredToMatchingSubscribers) {
  const std::string base = topic("wild");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(base + "/#", 1);
  auto client = offender();
  client->send(raw::publish(version(), {.topic = base + "/#", .payload = "bad", .qos = 1}));
  expect_closed(*client, std::nullopt);
  EXPECT_TRUE(subscriber->received().stays_at(0));
}

TEST_P(MalformedInputTest, PublishWithQos3ClosesTheConnection) {
  auto client = offender();
  client->send(raw::publish(version(), {.topic = topic("q3"), .payload = "bad", .qos = 3}));
  expect_closed(*client, std::nullopt);  // Malformed Packet; the DISCONNECT is optional
  expect_others_unharmed();
}

TEST_P(MalformedInputTest, PublishWithPacketIdentifierZeroClosesTheConnection) {
  auto client = offender();
  client->send(
      raw::publish(version(), {.topic = topic("id0"), .payload = "bad", .qos = 1, .packet_id = 0}));
  expect_closed(*client, std::nullopt);
  expect_others_unharmed();
}

TEST_P(MalformedInputTest, InvalidUtf8InTopicClosesTheConnection) {
  auto client = offender();
  // 0xC3 0x28: a lead byte followed by a byte that cannot continue it.
  client->send(raw::publish(version(), {.topic = topic("utf8") + "/\xC3\x28", .payload = "bad"}));
  expect_closed(*client, std::nullopt);
  expect_others_unharmed();
}

TEST_P(MalformedInputTest, NullCharacterInTopicClosesTheConnection) {
  auto client = offender();
  client->send(
      raw::publish(version(), {.topic = topic("nul") + std::string("/a\0b", 4), .payload = "bad"}));
  expect_closed(*client, std::nullopt);
  expect_others_unharmed();
}

TEST_P(MalformedInputTest, SecondConnectClosesTheConnection) {
  auto client = offender();
  client->send(raw::connect({.version = version(), .client_id = client_id("again")}));
  expect_closed(*client, std::nullopt);
  expect_others_unharmed();
}

TEST_P(MalformedInputTest, SubscribeWithInvalidFilterIsRefused) {
  const std::string base = topic("bad");
  auto client = offender();
  // '#' not last: an invalid filter. In v3.1.1 that is a protocol violation
  // and the connection closes (4.8); v5 refuses only that filter, with SUBACK
  // 0x8F, and the connection stays usable. Either way nothing is subscribed.
  client->send(raw::subscribe(version(), 1, base + "/#/x", 1));
  auto packet = client->read_packet(kArrivalTimeout);
  if (version() == Version::kV311) {
    EXPECT_FALSE(packet.has_value()) << "v3.1.1 must close, not answer";
    EXPECT_TRUE(client->wait_closed(kArrivalTimeout));
  } else if (!TestBroker::is_mosquitto()) {  // mosquitto closes v5 clients too
    ASSERT_TRUE(packet.has_value());
    ASSERT_EQ(packet->type(), raw::kSuback);
    EXPECT_EQ(packet->body.back(), 0x8F);
    connected_client("pub", kV5)->publish(base + "/y/x", "must not arrive", 1);
    EXPECT_FALSE(client->read_until(raw::kPublish, kQuietPeriod).has_value());
  }
  expect_others_unharmed();
}

INSTANTIATE_TEST_SUITE_P(Versions, MalformedInputTest,
                         ::testing::Values(Version::kV311, Version::kV5), version_name);

using MalformedConnectionTest = BrokerTest;

TEST_F(MalformedConnectionTest, FirstPacketOtherThanConnectClosesTheConnection) {
  RawClient client(broker().port());
  client.send(raw::publish(Version::kV311, {.topic = topic("early"), .payload = "no connect"}));
  EXPECT_TRUE(client.wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(MalformedConnectionTest, ReservedPacketTypeZeroClosesTheConnection) {
  auto client = raw_connected({.client_id = client_id("reserved")});
  client->send({0x00, 0x00});
  EXPECT_TRUE(client->wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(MalformedConnectionTest, RemainingLengthOfMoreThanFourBytesClosesTheConnection) {
  auto client = raw_connected({.client_id = client_id("varint")});
  client->send({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  EXPECT_TRUE(client->wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(MalformedConnectionTest, UnsupportedProtocolLevelIsRefused) {
  RawClient client(broker().port());
  raw::Bytes connect = raw::connect({.version = Version::kV311, .client_id = client_id("lvl")});
  connect[8] = 9;  // protocol level byte after 0x10, length, 0x00 0x04 "MQTT"
  client.send(connect);
  auto packet = client.read_packet(kArrivalTimeout);
  if (packet) {
    auto connack = raw::parse_connack(Version::kV311, *packet);
    ASSERT_TRUE(connack.has_value());
    EXPECT_EQ(connack->reason_code, 0x01) << "expected 'unacceptable protocol version'";
  }
  EXPECT_TRUE(client.wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(MalformedConnectionTest, ConnectionThatSendsNothingIsClosedAfterTheConnectTimeout) {
  STARLING_SKIP_ON_MOSQUITTO("its connect timeout is not configurable");
  start_broker([](Options& o) { o.limits.connect_timeout_ms = 300; });
  RawClient idle(broker().port());
  EXPECT_TRUE(idle.wait_closed(std::chrono::milliseconds(3000)));
}

}  // namespace
}  // namespace starling::test
