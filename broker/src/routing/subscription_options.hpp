#pragma once
// The options a client chose for one subscription (MQTT 5.0 3.8.3.1).
#include <cstdint>

namespace starling::routing {

struct SubscriptionOptions {
  std::uint8_t qos = 0;  // maximum QoS granted: 0, 1 or 2
  bool no_local = false;
  bool retain_as_published = false;
  std::uint8_t retain_handling = 0;   // 0, 1 or 2
  std::uint32_t subscription_id = 0;  // 0: none
  bool operator==(const SubscriptionOptions&) const = default;
};

}  // namespace starling::routing
