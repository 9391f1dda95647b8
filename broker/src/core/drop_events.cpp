#include "core/drop_events.hpp"

namespace starling {

void notify_dropped(BrokerCore& core, std::string_view client_id, const Message* message,
                    starling_drop_reason reason, std::uint32_t count) {
  if (!wants_drop_events(core)) return;
  starling_drop_event event{};
  event.struct_size = sizeof(starling_drop_event);
  event.reason = reason;
  event.client_id = {client_id.data(), client_id.size()};
  if (message != nullptr) {
    event.topic = {message->topic.data(), message->topic.size()};
    event.payload_size = message->payload.size();
    event.qos = message->qos;
  }
  event.count = count;
  core.plugins()->message_dropped(event);
}

}  // namespace starling
