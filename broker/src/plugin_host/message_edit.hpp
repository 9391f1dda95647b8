#pragma once
// The starling_message handed to on_publish: a window onto the PUBLISH being
// routed, through which host->message_set_* change it. Valid during the
// hook call only.
#include <cstdint>

#include "protocol/packets.hpp"

struct starling_message {
  starling::protocol::Publish* publish;
  std::uint8_t maximum_qos;
  bool retain_available;
};

namespace starling::plugin_host {

int message_set_topic(starling_message* message, const char* topic, std::size_t size);
int message_set_payload(starling_message* message, const void* payload, std::size_t size);
int message_set_qos(starling_message* message, int qos);
int message_set_retain(starling_message* message, int retain);

}  // namespace starling::plugin_host
