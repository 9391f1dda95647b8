#pragma once
// Short ways to write the packets a test client sends, and to name the
// packets it receives in failure messages.
#include <cstdint>
#include <string>

#include "protocol/packets.hpp"

namespace starling::testing {

protocol::Connect connect_packet(protocol::Version version, std::string client_id,
                                 bool clean_start = true, std::uint16_t keep_alive = 0);

protocol::Publish publish_packet(std::string topic, std::string payload, std::uint8_t qos = 0,
                                 std::uint16_t packet_id = 0);

protocol::Subscribe subscribe_packet(std::uint16_t packet_id, std::string filter,
                                     std::uint8_t qos = 0);

// "PUBLISH", "CONNACK", ...
const char* packet_name(const protocol::Packet& packet);

}  // namespace starling::testing
