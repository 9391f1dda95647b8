#pragma once
// A subscription as a session remembers it (for resumption, unsubscribing
// everything when the session ends, and persistence).
#include <string>

#include "routing/subscription_options.hpp"

namespace starling::session {

struct SubscriptionRecord {
  std::string filter;        // without the "$share/{group}/" prefix
  std::string share_group;   // empty for an ordinary subscription
  routing::SubscriptionOptions options;
  bool operator==(const SubscriptionRecord&) const = default;
};

}  // namespace starling::session
