// Maximum Packet Size in both directions.
#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;

using PacketSizeTest = BrokerTest;

TEST_F(PacketSizeTest, MessagesLargerThanTheClientsMaximumPacketSizeAreNotSentToIt) {
  const std::string t = topic("big");
  auto small = raw_connected({.client_id = client_id("small"),
                              .properties = raw::property_u32(raw::kMaximumPacketSize, 256)});
  ASSERT_EQ(small->subscribe(Version::kV5, t, 0), 0);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, std::string(1000, 'x'), 0);
  publisher->publish(t, "fits", 0);

  auto packet = small->read_until(raw::kPublish, kArrivalTimeout);
  ASSERT_TRUE(packet.has_value()) << "the small message did not arrive either";
  EXPECT_LE(packet->body.size() + 2, 256u);
  EXPECT_EQ(raw::parse_publish(Version::kV5, *packet)->payload, "fits");
  EXPECT_FALSE(small->peer_closed());
}

TEST_F(PacketSizeTest, PacketLargerThanTheBrokersLimitGetsDisconnect0x95) {
  start_broker([](Options& o) { o.limits.max_packet_size = 1024; });
  auto sender = raw_connected({.client_id = client_id("sender")});
  sender->send(raw::publish(Version::kV5,
                            {.topic = topic("big"), .payload = std::string(2000, 'x'), .qos = 1}));
  auto disconnect = sender->read_until(raw::kDisconnect, kArrivalTimeout);
  ASSERT_TRUE(disconnect.has_value());
  EXPECT_EQ(raw::disconnect_reason(*disconnect), 0x95);
  EXPECT_TRUE(sender->wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(PacketSizeTest, V311PacketLargerThanTheBrokersLimitClosesTheConnection) {
  start_broker([](Options& o) { o.limits.max_packet_size = 1024; });
  auto sender = raw_connected({.version = Version::kV311, .client_id = client_id("sender")});
  sender->send(raw::publish(Version::kV311,
                            {.topic = topic("big"), .payload = std::string(2000, 'x'), .qos = 1}));
  EXPECT_TRUE(sender->wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(PacketSizeTest, PacketExactlyAtTheBrokersLimitIsAccepted) {
  start_broker([](Options& o) { o.limits.max_packet_size = 1024; });
  const std::string t = topic("edge");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);
  raw::Publish publish{.topic = t, .payload = "", .qos = 1};
  const std::size_t overhead = raw::publish(Version::kV5, publish).size();
  publish.payload = std::string(1024 - overhead - 1, 'x');  // the length field grows by one byte
  ASSERT_EQ(raw::publish(Version::kV5, publish).size(), 1024u);

  auto sender = raw_connected({.client_id = client_id("sender")});
  sender->send(raw::publish(Version::kV5, publish));
  EXPECT_TRUE(sender->read_until(raw::kPuback, kArrivalTimeout).has_value());
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_payload().size(), publish.payload.size());
}

}  // namespace
}  // namespace starling::test
