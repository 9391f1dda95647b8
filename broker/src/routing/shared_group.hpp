#pragma once
// One shared subscription group: "$share/{name}/{filter}" (MQTT 5.0 4.8.2).
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "routing/subscription_options.hpp"

namespace starling::routing {

// The members sharing one (group name, filter). Each matching message goes to
// one member; the caller picks it and advances `next`.
template <typename Key>
struct SharedGroup {
  std::string name;
  std::string filter;                                        // without the "$share/{name}/" prefix
  std::vector<std::pair<Key, SubscriptionOptions>> members;  // in join order
  // Round-robin cursor, advanced by the caller. When a member leaves, the
  // tree keeps it on the same next member, or resets it to 0 if it would
  // point past the end.
  std::size_t next = 0;
};

}  // namespace starling::routing
