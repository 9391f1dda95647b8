// PROXY protocol v1 and v2 on listeners with proxy_protocol = true: the
// header's client address is what plugins see, and a connection without a
// valid header is closed before it reaches MQTT.
#include <string>

#include "broker_test.hpp"
#include "websocket_client.hpp"

namespace starling::test {
namespace {

raw::Bytes text(std::string_view s) {
  return raw::Bytes(s.begin(), s.end());
}

// v2 PROXY TCP over IPv4 from 192.0.2.7:5100 to 10.0.0.1:1883.
raw::Bytes v2_proxy_ipv4() {
  return {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11,
          0x00, 0x0C, 192,  0,    2,    7,    10,   0,    0,    1,    0x13, 0xEC, 0x07, 0x5B};
}

// v2 LOCAL: a balancer's own connection, which keeps the socket's address.
raw::Bytes v2_local() {
  return {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51,
          0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00};
}

class ProxyProtocolTest : public BrokerTest {
 protected:
  void SetUp() override { STARLING_SKIP_ON_MOSQUITTO("Starling's proxy_protocol listener option"); }

  // The usual tcp listener, then tcp and ws listeners that expect a PROXY
  // header, and a plugin that publishes each client's peer address.
  void start_with_proxy_protocol() {
    PluginOptions recorder;
    recorder.path = STARLING_FIXTURE_SCRIPTED;
    recorder.options = {{"identity_topic", topic("identity")}};
    start_broker([&](Options& options) {
      ListenerOptions proxied;
      proxied.bind = "127.0.0.1:0";
      proxied.proxy_protocol = true;
      options.listeners.push_back(proxied);
      proxied.type = "ws";
      options.listeners.push_back(proxied);
      options.plugins = {recorder};
    });
    watcher_ = connected_client("watcher", kV5);
    watcher_->subscribe(topic("identity") + "/#", 1);
  }

  std::uint16_t proxied_port() { return broker().starling().endpoints().at(1).port; }
  std::uint16_t proxied_ws_port() { return broker().starling().endpoints().at(2).port; }

  raw::Connect connect(const std::string& name) {
    raw::Connect c;
    c.client_id = client_id(name);
    return c;
  }

  // The peer address the plugins saw for the next client that connected.
  std::string next_peer_seen() {
    const std::size_t index = seen_++;
    if (!watcher_->received().wait_for(index + 1)) return "(no connect seen)";
    std::string identity = watcher_->received().at(index)->to_string();  // "user|peer|..."
    std::size_t start = identity.find('|') + 1;
    return identity.substr(start, identity.find('|', start) - start);
  }

  // Sends `header` then CONNECT on the proxied tcp listener; true on CONNACK.
  bool connects_after(const raw::Bytes& header, const std::string& name) {
    RawClient client(proxied_port());
    client.send(header);
    auto connack = client.handshake(connect(name), std::chrono::seconds(2));
    return connack.has_value() && connack->reason_code == 0;
  }

  std::unique_ptr<TestClient> watcher_;
  std::size_t seen_ = 0;
};

TEST_F(ProxyProtocolTest, V1HeaderAddressIsTheClientsPeer) {
  start_with_proxy_protocol();
  ASSERT_TRUE(connects_after(text("PROXY TCP4 192.0.2.7 10.0.0.1 5100 1883\r\n"), "v1"));
  EXPECT_EQ(next_peer_seen(), "192.0.2.7:5100");
}

TEST_F(ProxyProtocolTest, V1Ipv6HeaderAddressIsTheClientsPeer) {
  start_with_proxy_protocol();
  ASSERT_TRUE(connects_after(text("PROXY TCP6 2001:db8::7 2001:db8::1 5100 1883\r\n"), "v1-6"));
  EXPECT_EQ(next_peer_seen(), "[2001:db8::7]:5100");
}

TEST_F(ProxyProtocolTest, V2HeaderAddressIsTheClientsPeer) {
  start_with_proxy_protocol();
  ASSERT_TRUE(connects_after(v2_proxy_ipv4(), "v2"));
  EXPECT_EQ(next_peer_seen(), "192.0.2.7:5100");
}

TEST_F(ProxyProtocolTest, V2LocalKeepsTheSocketsAddress) {
  start_with_proxy_protocol();
  ASSERT_TRUE(connects_after(v2_local(), "local"));
  EXPECT_EQ(next_peer_seen().rfind("127.0.0.1:", 0), 0u);
}

TEST_F(ProxyProtocolTest, HeaderAndConnectInOneWriteAreBothRead) {
  start_with_proxy_protocol();
  RawClient client(proxied_port());
  client.send(raw::concat(
      {text("PROXY TCP4 192.0.2.8 10.0.0.1 6000 1883\r\n"), raw::connect(connect("one"))}));
  auto connack = client.read_packet(kArrivalTimeout);
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->type(), raw::kConnack);
  EXPECT_EQ(next_peer_seen(), "192.0.2.8:6000");
}

TEST_F(ProxyProtocolTest, ConnectionWithoutHeaderIsClosed) {
  start_with_proxy_protocol();
  RawClient client(proxied_port());
  client.send(raw::connect(connect("bare")));
  EXPECT_TRUE(client.wait_closed(kArrivalTimeout));
  EXPECT_FALSE(client.read_packet(std::chrono::milliseconds(0)).has_value()) << "no CONNACK";
}

TEST_F(ProxyProtocolTest, GarbageHeaderIsClosed) {
  start_with_proxy_protocol();
  for (const char* garbage :
       {"PROXY TCP4 not-an-address 10.0.0.1 5100 1883\r\n", "PROXY TCP4 1.2.3.4\r\n",
        "PROXY ME PLEASE\r\n", "GET /mqtt HTTP/1.1\r\n\r\n"}) {
    RawClient client(proxied_port());
    client.send(text(garbage));
    client.send(raw::connect(connect("garbage")));
    EXPECT_TRUE(client.wait_closed(kArrivalTimeout)) << garbage;
  }
  expect_broker_still_serves_clients();
}

TEST_F(ProxyProtocolTest, HeaderBeforeWebSocketUpgradeIsRead) {
  start_with_proxy_protocol();
  WebSocketClient client(proxied_ws_port());
  ASSERT_TRUE(client.send_raw(v2_proxy_ipv4()));
  ASSERT_EQ(client.upgrade(), 101);
  ASSERT_TRUE(client.send_binary(raw::connect(connect("ws"))));
  auto connack = client.read_packet(kArrivalTimeout);
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->type(), raw::kConnack);
  EXPECT_EQ(next_peer_seen(), "192.0.2.7:5100");
}

}  // namespace
}  // namespace starling::test
