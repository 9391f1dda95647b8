#include "packet_builders.hpp"

#include <utility>

namespace starling::testing {

protocol::Connect connect_packet(protocol::Version version, std::string client_id, bool clean_start,
                                 std::uint16_t keep_alive) {
  protocol::Connect connect;
  connect.version = version;
  connect.client_id = std::move(client_id);
  connect.clean_start = clean_start;
  connect.keep_alive = keep_alive;
  return connect;
}

protocol::Publish publish_packet(std::string topic, std::string payload, std::uint8_t qos,
                                 std::uint16_t packet_id) {
  protocol::Publish publish;
  publish.topic = std::move(topic);
  publish.payload = std::move(payload);
  publish.qos = qos;
  publish.packet_id = packet_id;
  return publish;
}

protocol::Subscribe subscribe_packet(std::uint16_t packet_id, std::string filter,
                                     std::uint8_t qos) {
  protocol::Subscribe subscribe;
  subscribe.packet_id = packet_id;
  subscribe.entries.push_back(protocol::SubscribeEntry{std::move(filter), qos});
  return subscribe;
}

const char* packet_name(const protocol::Packet& packet) {
  static constexpr const char* kNames[] = {"CONNECT",  "CONNACK",     "PUBLISH",  "PUBACK",
                                           "PUBREC",   "PUBREL",      "PUBCOMP",  "SUBSCRIBE",
                                           "SUBACK",   "UNSUBSCRIBE", "UNSUBACK", "PINGREQ",
                                           "PINGRESP", "DISCONNECT",  "AUTH"};
  return kNames[packet.index()];
}

}  // namespace starling::testing
