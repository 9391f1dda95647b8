#pragma once
// One client connection to a TestBroker: packets go in encoded, through
// ClientConnection::on_bytes on the shard's executor, and what the broker
// flushed comes back decoded.
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/client_connection.hpp"
#include "fake_transport.hpp"
#include "packet_builders.hpp"
#include "protocol/packets.hpp"
#include "test_broker.hpp"

namespace starling::testing {

class TestClient {
 public:
  // `version` is the one packets are encoded and decoded with; CONNECT
  // carries its own.
  TestClient(TestBroker& broker, protocol::Version version, std::size_t shard = 0);
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Feeds the packet at broker.now(), then runs the broker until idle.
  void send(const protocol::Packet& packet);
  void send_bytes(std::string_view bytes);
  // The network reports the connection gone (at broker.now()).
  void lose_connection();

  // Everything the broker flushed since the last call, decoded. A decoding
  // failure is a test failure.
  std::vector<protocol::Packet> received();
  // received(), expecting exactly one packet, of type T.
  template <typename T>
  T expect_only();
  // received(), expecting only PUBLISH packets.
  std::vector<protocol::Publish> expect_publishes();

  // CONNECT, expecting CONNACK alone.
  protocol::Connack connect(const protocol::Connect& connect);
  protocol::Connack connect(const std::string& client_id, bool clean_start = true);
  // SUBSCRIBE, expecting SUBACK alone (retained messages would follow it).
  protocol::Suback subscribe(const protocol::Subscribe& subscribe);
  protocol::Suback subscribe(const std::string& filter, std::uint8_t qos = 0);

  bool closed() const { return transport_.closed(); }
  FakeTransport& transport() { return transport_; }
  ClientConnection& connection() { return *connection_; }

 private:
  TestBroker& broker_;
  protocol::Version version_;
  std::size_t shard_;
  FakeTransport transport_;
  std::shared_ptr<ClientConnection> connection_;
  std::size_t read_ = 0;  // bytes of transport_.written() already decoded
  std::uint16_t next_packet_id_ = 1;
};

template <typename T>
T TestClient::expect_only() {
  std::vector<protocol::Packet> packets = received();
  if (packets.size() != 1 || !std::holds_alternative<T>(packets[0])) {
    std::string got;
    for (const protocol::Packet& p : packets) got += std::string(" ") + packet_name(p);
    ADD_FAILURE() << "expected one " << packet_name(protocol::Packet(T{})) << ", got:" << got;
    return T{};
  }
  return std::get<T>(std::move(packets[0]));
}

}  // namespace starling::testing
