#pragma once
// An application message as routed inside the broker: built once from an
// inbound PUBLISH (or a will) and shared, immutable, by every session it is
// delivered to.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "protocol/packets.hpp"
#include "protocol/properties.hpp"

namespace starling {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

struct Message {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  // Message properties forwarded to subscribers: payload format, content
  // type, response topic, correlation data, user properties. Per-hop
  // properties (topic alias, subscription ids, expiry) are not kept here.
  protocol::Properties properties;
  // From the Message Expiry Interval; the remaining interval is computed at
  // each delivery.
  std::optional<TimePoint> expires_at;
  // Client id of the publisher, for No Local. Empty for wills published
  // after the session ended and for broker-generated messages.
  std::string origin_client_id;
  // Any of `properties` set: lets v3 delivery and property-free v5 delivery
  // skip copying them.
  bool has_properties = false;
  // Set once the message is written to the store (0: not stored). The
  // store keeps it while `stored_refs` outbound entries refer to it.
  std::uint64_t id = 0;
  mutable std::atomic<std::uint32_t> stored_refs{0};

  bool expired(TimePoint now) const { return expires_at && *expires_at <= now; }
};

using MessagePtr = std::shared_ptr<const Message>;

// Moves the properties a subscriber receives unchanged from `from` into
// `to` (its expiry becomes an absolute time) and sets to.has_properties.
void take_forwarded_properties(protocol::Properties&& from, Message& to, TimePoint now);

// Builds the shared message from an inbound PUBLISH (moving its topic and
// payload) or a will, keeping only the properties forwarded to subscribers.
std::shared_ptr<Message> make_message(protocol::Publish&& publish, const std::string& publisher,
                                      TimePoint now);
MessagePtr make_will_message(const protocol::Will& will, const std::string& publisher,
                             TimePoint now);

}  // namespace starling
