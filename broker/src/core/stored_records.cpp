#include "core/stored_records.hpp"

#include <chrono>

namespace starling {

std::int64_t to_unix_ms(TimePoint at) {
  using namespace std::chrono;
  auto offset = duration_cast<milliseconds>(at - SteadyClock::now());
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + offset.count();
}

TimePoint from_unix_ms(std::int64_t unix_ms) {
  using namespace std::chrono;
  auto now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  return SteadyClock::now() + milliseconds(unix_ms - now_ms);
}

storage::StoredMessage to_stored(const Message& message) {
  storage::StoredMessage stored;
  stored.id = message.id;
  stored.topic = message.topic;
  stored.payload = message.payload;
  stored.qos = message.qos;
  stored.retain = message.retain;
  stored.properties = message.properties;
  if (message.expires_at) stored.expires_at_ms = to_unix_ms(*message.expires_at);
  stored.origin_client_id = message.origin_client_id;
  return stored;
}

std::shared_ptr<Message> from_stored(const storage::StoredMessage& stored) {
  auto message = std::make_shared<Message>();
  message->id = stored.id;
  message->topic = stored.topic;
  message->payload = stored.payload;
  message->qos = stored.qos;
  message->retain = stored.retain;
  message->properties = stored.properties;
  const protocol::Properties& p = message->properties;
  message->has_properties = p.payload_format_indicator || p.content_type || p.response_topic ||
                            p.correlation_data || !p.user_properties.empty();
  if (stored.expires_at_ms) message->expires_at = from_unix_ms(*stored.expires_at_ms);
  message->origin_client_id = stored.origin_client_id;
  return message;
}

storage::StoredOutbound to_stored(const session::Delivery& delivery, const std::string& client_id) {
  storage::StoredOutbound entry;
  entry.client_id = client_id;
  entry.message_id = delivery.message->id;
  entry.qos = delivery.qos;
  entry.retain = delivery.retain;
  entry.subscription_ids = delivery.subscription_ids;
  entry.share_group = delivery.share_group;
  entry.share_filter = delivery.share_filter;
  entry.stage = storage::OutboundStage::kQueued;
  return entry;
}

storage::StoredSession to_stored(const Session& session) {
  storage::StoredSession stored;
  stored.client_id = session.client_id();
  stored.expiry_interval = session.expiry_interval;
  if (session.connection == nullptr) {
    // While offline, the expiry runs from the disconnection.
    stored.disconnected_at_ms =
        session.expires_at ? to_unix_ms(*session.expires_at) -
                                 std::int64_t{session.expiry_interval} * 1000
                           : to_unix_ms(SteadyClock::now());
  }
  stored.version = session.version;
  stored.will = session.will;
  if (stored.will) {
    stored.will->properties.will_delay_interval = session.will_delay;
  }
  for (const auto& [full_filter, record] : session.subscriptions) {
    stored.subscriptions.push_back(record);
  }
  return stored;
}

}  // namespace starling
