#include "test_client.hpp"

#include <cstdint>
#include <span>
#include <utility>

#include "protocol/decoder.hpp"
#include "protocol/encoder.hpp"

namespace starling::testing {

TestClient::TestClient(TestBroker& broker, protocol::Version version, std::size_t shard)
    : broker_(broker), version_(version), shard_(shard) {
  static std::uint64_t next_number = 1;
  const std::uint64_t number = next_number++;
  broker_.run_on(shard_, [this, number] {
    connection_ = std::make_shared<ClientConnection>(broker_.shard(shard_), transport_, number,
                                                     broker_.listener(), broker_.now());
  });
}

void TestClient::send(const protocol::Packet& packet) {
  std::string bytes;
  protocol::encode(packet, version_, bytes);
  send_bytes(bytes);
}

void TestClient::send_bytes(std::string_view bytes) {
  std::string copy(bytes);
  broker_.run_on(shard_, [this, copy = std::move(copy)] {
    connection_->on_bytes({reinterpret_cast<const std::uint8_t*>(copy.data()), copy.size()},
                          broker_.now());
  });
}

void TestClient::lose_connection() {
  broker_.run_on(shard_, [this] { connection_->on_closed(broker_.now()); });
}

std::vector<protocol::Packet> TestClient::received() {
  std::vector<protocol::Packet> packets;
  const std::string& written = transport_.written();
  auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(written.data()), written.size());
  while (read_ < bytes.size()) {
    auto rest = bytes.subspan(read_);
    auto framed = protocol::split_frame(rest, 1u << 28);
    if (framed.status != protocol::FrameStatus::kComplete) {
      ADD_FAILURE() << "the broker wrote an incomplete or malformed frame";
      read_ = bytes.size();
      break;
    }
    auto decoded = protocol::decode(
        framed.frame, rest.subspan(framed.frame.header_size, framed.frame.remaining_length),
        version_);
    read_ += framed.frame.size();
    if (!decoded.ok()) {
      ADD_FAILURE() << "the broker wrote a packet that does not decode: "
                    << decoded.error().message;
      continue;
    }
    packets.push_back(std::move(decoded).value());
  }
  return packets;
}

std::vector<protocol::Publish> TestClient::expect_publishes() {
  std::vector<protocol::Publish> publishes;
  for (protocol::Packet& packet : received()) {
    if (auto* publish = std::get_if<protocol::Publish>(&packet)) {
      publishes.push_back(std::move(*publish));
    } else {
      ADD_FAILURE() << "expected only PUBLISH, got " << packet_name(packet);
    }
  }
  return publishes;
}

protocol::Connack TestClient::connect(const protocol::Connect& connect) {
  send(connect);
  return expect_only<protocol::Connack>();
}

protocol::Connack TestClient::connect(const std::string& client_id, bool clean_start) {
  return connect(connect_packet(version_, client_id, clean_start));
}

protocol::Suback TestClient::subscribe(const protocol::Subscribe& subscribe) {
  send(subscribe);
  return expect_only<protocol::Suback>();
}

protocol::Suback TestClient::subscribe(const std::string& filter, std::uint8_t qos) {
  return subscribe(subscribe_packet(next_packet_id_++, filter, qos));
}

}  // namespace starling::testing
