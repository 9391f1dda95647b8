#include "core/plugin_services.hpp"

#include <memory>
#include <utility>

#include "core/broker_core.hpp"
#include "core/client_connection.hpp"
#include "routing/topic.hpp"

namespace starling {

bool PluginServices::publish(std::string topic, std::string payload, int qos, bool retain) {
  if (!routing::is_valid_topic_name(topic) || qos < 0 || qos > core_.options().mqtt.maximum_qos) {
    return false;
  }
  if (retain && !core_.options().mqtt.retain_available) return false;
  auto message = std::make_shared<Message>();
  message->topic = std::move(topic);
  message->payload = std::move(payload);
  message->qos = static_cast<std::uint8_t>(qos);
  message->retain = retain;
  std::size_t index = next_shard_.fetch_add(1, std::memory_order_relaxed) % core_.shard_count();
  Shard& shard = core_.shard(index);
  shard.executor().post([&core = core_, &shard, message = MessagePtr(std::move(message))] {
    if (message->retain) core.retain(message);
    shard.route(message);
  });
  return true;
}

bool PluginServices::disconnect_client(const std::string& client_id, bool send_will) {
  SessionPtr session = core_.find_session(client_id);
  if (!session || !session->online()) return false;
  session->run([send_will](Session& s) {
    if (s.connection == nullptr) return;
    if (!send_will) s.will.reset();
    s.connection->disconnect(protocol::ReasonCode::kAdministrativeAction, SteadyClock::now());
  });
  return true;
}

int PluginServices::read_retained(
    std::string_view filter,
    const std::function<void(std::string_view, std::string_view, int)>& visit) {
  if (!routing::is_valid_topic_filter(filter)) return -1;
  int count = 0;
  for (const MessagePtr& message : core_.retained_matching(filter)) {
    visit(message->topic, message->payload, message->qos);
    ++count;
  }
  return count;
}

}  // namespace starling
