#include "plugin_host/message_edit.hpp"

#include <string_view>

#include "routing/topic.hpp"

namespace starling::plugin_host {

int message_set_topic(starling_message* message, const char* topic, std::size_t size) {
  if (message == nullptr || (topic == nullptr && size != 0)) return -1;
  std::string_view name(topic == nullptr ? "" : topic, size);
  if (!routing::is_valid_topic_name(name)) return -1;
  message->publish->topic.assign(name);
  return 0;
}

int message_set_payload(starling_message* message, const void* payload, std::size_t size) {
  if (message == nullptr || (payload == nullptr && size != 0)) return -1;
  message->publish->payload.assign(static_cast<const char*>(payload), size);
  return 0;
}

int message_set_qos(starling_message* message, int qos) {
  if (message == nullptr || qos < 0 || qos > message->maximum_qos) return -1;
  message->publish->qos = static_cast<std::uint8_t>(qos);
  return 0;
}

int message_set_retain(starling_message* message, int retain) {
  if (message == nullptr || (retain != 0 && !message->retain_available)) return -1;
  message->publish->retain = retain != 0;
  return 0;
}

}  // namespace starling::plugin_host
