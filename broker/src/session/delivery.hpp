#pragma once
// One message on its way to one session: the shared message plus what this
// subscriber's matching subscriptions decided.
#include <cstdint>
#include <string>
#include <vector>

#include "core/message.hpp"

namespace starling::session {

struct Delivery {
  MessagePtr message;
  std::uint8_t qos = 0;                        // min(published QoS, subscription QoS)
  bool retain = false;                         // the RETAIN flag to send
  std::vector<std::uint32_t> subscription_ids;  // v5, from every matching subscription
  // Set when delivered through "$share/{group}/{filter}", so unacknowledged
  // messages can go to another member when this one leaves.
  std::string share_group;
  std::string share_filter;
  // An outbound entry for this delivery exists in the store (a QoS 1/2
  // message for a persistent session), so its progress is journalled.
  bool stored = false;

  bool via_shared_subscription() const { return !share_group.empty(); }
  std::size_t payload_bytes() const { return message ? message->payload.size() : 0; }
};

}  // namespace starling::session
