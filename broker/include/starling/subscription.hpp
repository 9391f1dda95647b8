#pragma once
// An in-process subscription (Broker::subscribe): a callback that receives
// every message whose topic matches a filter, as a client subscription would.
#include <cstdint>
#include <functional>

#include "starling/application_message.hpp"

namespace starling {

// Called once per matching message, on one of the broker's worker threads.
// Calls for one subscription may run at the same time on several threads
// (messages of one publisher arrive in order, on one thread). It must not
// block: a slow callback holds up every client on that thread, so hand the
// message to a thread of your own. No broker lock is held during the call;
// it may publish, subscribe and unsubscribe. An exception it throws is
// logged and swallowed.
using MessageCallback = std::function<void(const ApplicationMessage& message)>;

struct SubscribeOptions {
  // Receive the retained messages matching the filter at once (like MQTT
  // Retain Handling 0), with retain set.
  bool send_retained = true;  // Default: true
  // Live messages keep the retain flag they were published with (like MQTT
  // Retain As Published); otherwise it is false.
  bool retain_as_published = false;  // Default: false
};

// The handle of one subscription. Destroying it unsubscribes. May outlive
// the broker (it then does nothing). Thread-safe.
class Subscription {
 public:
  virtual ~Subscription() = default;

  // Ends the subscription. When it returns, the callback is not running and
  // will not be called again, except when unsubscribe is called from inside
  // a subscription callback: it then does not wait for calls running on
  // other threads. Idempotent.
  virtual void unsubscribe() = 0;

  // Unique within the process; never 0.
  virtual std::uint64_t id() const = 0;
};

}  // namespace starling
