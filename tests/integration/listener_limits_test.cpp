// What a listener and the broker's limits do to the clients that meet them:
// Unix sockets, protocol versions per listener, connection counts and the
// connect rate, mount points, topic limits and publish rate back-pressure.
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <filesystem>

#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

class ListenerLimitsTest : public BrokerTest {
 protected:
  void SetUp() override { STARLING_SKIP_ON_MOSQUITTO("Starling's listener options and limits"); }

  raw::Connect connect_packet(Version version, const std::string& name) {
    raw::Connect connect;
    connect.version = version;
    connect.client_id = client_id(name);
    return connect;
  }

  // A raw client that tried CONNECT; its CONNACK, or nullopt if refused.
  std::optional<raw::Connack> try_connect(std::uint16_t port, Version version, const std::string& name,
                                          std::unique_ptr<RawClient>* keep = nullptr) {
    auto client = std::make_unique<RawClient>(port);
    auto connack = client->handshake(connect_packet(version, name), 3s);
    if (keep) *keep = std::move(client);
    return connack;
  }
};

TEST_F(ListenerLimitsTest, AUnixSocketListenerServesMqtt) {
  const std::string path = "/tmp/starling-test-" + std::to_string(::getpid()) + ".sock";
  start_broker([&](Options& options) {
    ListenerOptions unix_listener;
    unix_listener.type = "unix";
    unix_listener.bind = path;
    options.listeners.push_back(unix_listener);
  });
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("t"), 0);

  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket socket(io);
  socket.connect(path);
  raw::Connect connect = connect_packet(Version::kV311, "unix");
  boost::asio::write(socket, boost::asio::buffer(raw::connect(connect)));
  std::uint8_t connack[4] = {};
  boost::asio::read(socket, boost::asio::buffer(connack));
  EXPECT_EQ(connack[0], 0x20);
  EXPECT_EQ(connack[3], 0);
  raw::Publish publish;
  publish.topic = topic("t");
  publish.payload = "over unix";
  boost::asio::write(socket, boost::asio::buffer(raw::publish(Version::kV311, publish)));
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->to_string(), "over unix");

  stop_broker();
  EXPECT_FALSE(std::filesystem::exists(path)) << "the socket file is removed at stop";
}

TEST_F(ListenerLimitsTest, AListenerAcceptsOnlyItsProtocolVersions) {
  start_broker([](Options& options) { options.listeners.front().protocol_versions = {5}; });
  auto refused = try_connect(broker().port(), Version::kV311, "v311");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->reason_code, 0x01);  // unacceptable protocol version
  auto accepted = try_connect(broker().port(), Version::kV5, "v5");
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->reason_code, 0x00);
}

TEST_F(ListenerLimitsTest, AListenerAtItsMaxConnectionsTurnsNewOnesAway) {
  start_broker([](Options& options) { options.listeners.front().max_connections = 2; });
  std::unique_ptr<RawClient> first, second;
  ASSERT_TRUE(try_connect(broker().port(), Version::kV5, "1", &first));
  ASSERT_TRUE(try_connect(broker().port(), Version::kV5, "2", &second));
  RawClient third(broker().port());
  EXPECT_TRUE(third.wait_closed(3s)) << "a third connection is closed at once";
  first->close();
  EXPECT_TRUE(eventually([&] { return try_connect(broker().port(), Version::kV5, "again").has_value(); }))
      << "a closed connection gives its place back";
}

TEST_F(ListenerLimitsTest, TheBrokerWideMaxConnectionsCountsEveryListener) {
  start_broker([](Options& options) {
    options.limits.max_connections = 1;
    options.listeners.push_back(options.listeners.front());
  });
  std::unique_ptr<RawClient> first;
  ASSERT_TRUE(try_connect(broker().port(), Version::kV5, "1", &first));
  RawClient second(broker().starling().endpoints().at(1).port);
  EXPECT_TRUE(second.wait_closed(3s));
}

TEST_F(ListenerLimitsTest, TheConnectRateLimitTurnsAwayABurstAndRecovers) {
  start_broker([](Options& options) { options.limits.max_connect_rate = 2; });
  int accepted = 0;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 8; ++i) {
    std::unique_ptr<RawClient> client;
    if (try_connect(broker().port(), Version::kV5, "burst" + std::to_string(i), &client)) ++accepted;
    clients.push_back(std::move(client));
  }
  EXPECT_GE(accepted, 1);
  EXPECT_LT(accepted, 8) << "a burst of 8 within 2 connections a second";
  EXPECT_TRUE(eventually([&] { return try_connect(broker().port(), Version::kV5, "later").has_value(); },
                         5s));
}

TEST_F(ListenerLimitsTest, AMountPointKeepsAListenersClientsInTheirOwnTree) {
  start_broker([](Options& options) {
    ListenerOptions tenant = options.listeners.front();
    tenant.mount_point = "tenant-a/";
    options.listeners.push_back(tenant);
  });
  const std::string tenant_uri = "tcp://127.0.0.1:" + std::to_string(broker().starling().endpoints().at(1).port);
  auto outside = connected_client("outside", kV5);
  outside->subscribe("tenant-a/" + topic("#"), 1);
  outside->subscribe(topic("plain"), 1);

  TestClient inside(tenant_uri, client_id("inside"), kV5);
  inside.connect();
  inside.subscribe(topic("#"), 1);
  inside.publish(topic("up"), "from inside", 1);

  ASSERT_TRUE(outside->received().wait_for(1));
  EXPECT_EQ(outside->received().at(0)->get_topic(), "tenant-a/" + topic("up"));
  ASSERT_TRUE(inside.received().wait_for(1));
  EXPECT_EQ(inside.received().at(0)->get_topic(), topic("up")) << "the tenant never sees its prefix";

  outside->publish("tenant-a/" + topic("down"), "to inside", 1);
  outside->publish(topic("plain"), "not for the tenant", 1);
  ASSERT_TRUE(inside.received().wait_for(2));
  EXPECT_EQ(inside.received().at(1)->get_topic(), topic("down"));
  EXPECT_TRUE(inside.received().stays_at(2));
}

TEST_F(ListenerLimitsTest, TopicsBeyondTheLimitsAreRefused) {
  start_broker([](Options& options) {
    options.limits.max_topic_levels = 3;
    options.limits.max_topic_length = 40;
  });
  auto v5 = raw_connected(connect_packet(Version::kV5, "v5"));
  EXPECT_LT(v5->publish_qos1(Version::kV5, "a/b/c"), 0x80);
  EXPECT_EQ(v5->publish_qos1(Version::kV5, "a/b/c/d"), 0x90);
  EXPECT_EQ(v5->publish_qos1(Version::kV5, std::string(41, 'x')), 0x90);
  EXPECT_EQ(v5->subscribe(Version::kV5, "a/+/#", 0), 0x00);
  EXPECT_EQ(v5->subscribe(Version::kV5, "a/b/c/#", 0), 0x8F);

  auto v311 = raw_connected(connect_packet(Version::kV311, "v311"));
  EXPECT_EQ(v311->subscribe(Version::kV311, "a/b/c/#", 0), 0x80);
  EXPECT_FALSE(v311->peer_closed()) << "a filter over the limits is refused, not a violation";
}

TEST_F(ListenerLimitsTest, APublisherOverItsRateIsSlowedDownAndLosesNothing) {
  start_broker([](Options& options) { options.limits.publish_rate = 10; });
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("t"), 1);
  auto publisher = connected_client("pub", kV5);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 30; ++i) publisher->publish(topic("t"), std::to_string(i), 1);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(subscriber->received().wait_for(30));
  for (int i = 0; i < 30; ++i) EXPECT_EQ(subscriber->received().at(i)->to_string(), std::to_string(i));
  // 10 at once, then 10 a second: the last 20 need two seconds at least.
  EXPECT_GE(elapsed, 1500ms) << "30 publishes went through faster than 10 a second";
  EXPECT_TRUE(publisher->is_connected());
}

TEST_F(ListenerLimitsTest, APublisherOverItsByteRateIsSlowedDown) {
  start_broker([](Options& options) { options.limits.publish_bytes_rate = 100000; });
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("t"), 1);
  auto publisher = connected_client("pub", kV311);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) publisher->publish(topic("t"), std::string(40000, 'a' + i), 1);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(subscriber->received().wait_for(10));
  // 400 kB at 100 kB a second after a 100 kB burst: three seconds at least.
  EXPECT_GE(elapsed, 2000ms);
}

}  // namespace
}  // namespace starling::test
