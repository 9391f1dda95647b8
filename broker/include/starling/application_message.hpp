#pragma once
// An application message as an embedder publishes it (Broker::publish) or an
// in-process subscriber receives it (Broker::subscribe). A plain value: it
// owns its bytes and may be copied and kept anywhere.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace starling {

struct ApplicationMessage {
  std::string topic;     // a topic name: no wildcards
  std::string payload;   // bytes
  std::uint8_t qos = 0;  // 0, 1 or 2; Default: 0
  // Publishing: keep it as the topic's retained message (an empty payload
  // clears it). Receiving: it was sent because of the subscription (a
  // retained message), or, with retain_as_published, published retained.
  bool retain = false;  // Default: false

  // MQTT 5 properties. v5 subscribers receive them; v3.1.1 ones do not.
  std::optional<std::uint8_t> payload_format_indicator;  // 1: the payload is UTF-8 text
  std::optional<std::string> content_type;
  std::optional<std::string> response_topic;    // a topic name
  std::optional<std::string> correlation_data;  // bytes
  // Publishing: seconds the message may wait undelivered. Receiving: the
  // seconds that remain of it.
  std::optional<std::uint32_t> message_expiry_interval;
  std::vector<std::pair<std::string, std::string>> user_properties;  // in order, repeats allowed

  bool operator==(const ApplicationMessage&) const = default;
};

}  // namespace starling
