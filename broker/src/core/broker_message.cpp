#include "core/broker_message.hpp"

#include <algorithm>
#include <utility>

#include "protocol/utf8.hpp"
#include "routing/topic.hpp"

namespace starling {
namespace {

Status check_topic(const std::string& what, const std::string& topic, const Options& options) {
  if (!routing::is_valid_topic_name(topic) || !protocol::is_valid_mqtt_utf8(topic)) {
    return Error{1, "invalid " + what + " '" + topic +
                        "': a topic name is non-empty UTF-8 without '+', '#' or U+0000"};
  }
  if (topic.size() > options.limits.max_topic_length) {
    return Error{1, what + " '" + topic + "' is longer than limits.max_topic_length (" +
                        std::to_string(options.limits.max_topic_length) + " bytes)"};
  }
  const auto separators = static_cast<std::size_t>(std::count(topic.begin(), topic.end(), '/'));
  if (separators >= options.limits.max_topic_levels) {
    return Error{1, what + " '" + topic + "' has more levels than limits.max_topic_levels (" +
                        std::to_string(options.limits.max_topic_levels) + ")"};
  }
  return {};
}

Status check_text(const char* what, const std::string& text) {
  if (!protocol::is_valid_mqtt_utf8(text)) {
    return Error{1, std::string(what) + " is not valid UTF-8 (or contains U+0000)"};
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<Message>> make_broker_message(ApplicationMessage in, const Options& options,
                                                     TimePoint now) {
  if (auto topic = check_topic("topic", in.topic, options); !topic.ok()) return topic.error();
  if (in.qos > 2) return Error{1, "qos must be 0, 1 or 2, not " + std::to_string(in.qos)};
  if (in.qos > options.mqtt.maximum_qos) {
    return Error{1, "qos " + std::to_string(in.qos) + " is above mqtt.maximum_qos (" +
                        std::to_string(options.mqtt.maximum_qos) + ")"};
  }
  if (in.retain && !options.mqtt.retain_available) {
    return Error{1, "retained messages are off (mqtt.retain_available = false)"};
  }
  if (in.payload.size() > options.limits.max_packet_size) {
    return Error{1, "the payload (" + std::to_string(in.payload.size()) +
                        " bytes) is larger than limits.max_packet_size"};
  }
  if (in.payload_format_indicator) {
    if (*in.payload_format_indicator > 1) {
      return Error{1, "payload_format_indicator is 0 (bytes) or 1 (UTF-8), not " +
                          std::to_string(*in.payload_format_indicator)};
    }
    if (*in.payload_format_indicator == 1) {
      if (auto text = check_text("the payload (payload_format_indicator 1)", in.payload);
          !text.ok()) {
        return text.error();
      }
    }
  }
  if (in.content_type) {
    if (auto text = check_text("content_type", *in.content_type); !text.ok()) return text.error();
  }
  if (in.response_topic) {
    if (auto topic = check_topic("response_topic", *in.response_topic, options); !topic.ok()) {
      return topic.error();
    }
  }
  for (const auto& [key, value] : in.user_properties) {
    if (auto text = check_text("a user property name", key); !text.ok()) return text.error();
    if (auto text = check_text("a user property value", value); !text.ok()) return text.error();
  }

  auto message = std::make_shared<Message>();
  message->topic = std::move(in.topic);
  message->payload = std::move(in.payload);
  message->qos = in.qos;
  message->retain = in.retain;
  protocol::Properties forwarded;
  forwarded.payload_format_indicator = in.payload_format_indicator;
  forwarded.message_expiry_interval = in.message_expiry_interval;
  forwarded.content_type = std::move(in.content_type);
  forwarded.response_topic = std::move(in.response_topic);
  forwarded.correlation_data = std::move(in.correlation_data);
  forwarded.user_properties = std::move(in.user_properties);
  take_forwarded_properties(std::move(forwarded), *message, now);
  return message;
}

}  // namespace starling
