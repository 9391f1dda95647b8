#pragma once
// Tells the plugins that listen for it (on_message_dropped) that a message
// was dropped, and why. Cheap to call when none listens.
#include <cstdint>
#include <string_view>

#include "core/broker_core.hpp"
#include "core/message.hpp"
#include "starling/plugin.h"

namespace starling {

inline bool wants_drop_events(const BrokerCore& core) {
  const plugin_host::PluginHost* plugins = core.plugins();
  return plugins != nullptr && plugins->has_message_dropped();
}

// `message` may be null (an eviction of several messages).
void notify_dropped(BrokerCore& core, std::string_view client_id, const Message* message,
                    starling_drop_reason reason, std::uint32_t count = 1);

}  // namespace starling
