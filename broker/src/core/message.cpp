#include "core/message.hpp"

#include <utility>

namespace starling {

void take_forwarded_properties(protocol::Properties&& from, Message& to, TimePoint now) {
  protocol::Properties& p = to.properties;
  p.payload_format_indicator = from.payload_format_indicator;
  p.content_type = std::move(from.content_type);
  p.response_topic = std::move(from.response_topic);
  p.correlation_data = std::move(from.correlation_data);
  p.user_properties = std::move(from.user_properties);
  if (from.message_expiry_interval) {
    to.expires_at = now + std::chrono::seconds(*from.message_expiry_interval);
  }
  to.has_properties = p.payload_format_indicator || p.content_type || p.response_topic ||
                      p.correlation_data || !p.user_properties.empty();
}

std::shared_ptr<Message> make_message(protocol::Publish&& publish, const std::string& publisher,
                                      TimePoint now) {
  auto message = std::make_shared<Message>();
  message->topic = std::move(publish.topic);
  message->payload = std::move(publish.payload);
  message->qos = publish.qos;
  message->retain = publish.retain;
  message->origin_client_id = publisher;
  take_forwarded_properties(std::move(publish.properties), *message, now);
  return message;
}

MessagePtr make_will_message(const protocol::Will& will, const std::string& publisher,
                             TimePoint now) {
  auto message = std::make_shared<Message>();
  message->topic = will.topic;
  message->payload = will.payload;
  message->qos = will.qos;
  message->retain = will.retain;
  message->origin_client_id = publisher;
  take_forwarded_properties(protocol::Properties(will.properties), *message, now);
  return message;
}

}  // namespace starling
