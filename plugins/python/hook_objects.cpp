#include "hook_objects.hpp"

#include <cstddef>

#include "starling/plugin.hpp"

namespace starling::plugins::python {

namespace {

std::string copy(starling_bytes bytes) {
  return std::string(plugin::view(bytes));
}

std::shared_ptr<ClientInfo> client_of(const starling_client* client) {
  auto info = std::make_shared<ClientInfo>();
  if (client != nullptr) info->copy_from(*client);
  return info;
}

const char* drop_reason_name(int reason) {
  switch (reason) {
    case STARLING_DROP_QUEUE_FULL:
      return "queue_full";
    case STARLING_DROP_EVICTED:
      return "evicted";
    case STARLING_DROP_SLOW_CONSUMER:
      return "slow_consumer";
    case STARLING_DROP_EXPIRED:
      return "expired";
    case STARLING_DROP_NO_SUBSCRIBERS:
      return "no_subscribers";
    case STARLING_DROP_DENIED:
      return "denied";
    case STARLING_DROP_TOO_LARGE:
      return "too_large";
    default:
      return "other";
  }
}

const char* disconnect_reason_name(int kind) {
  switch (kind) {
    case STARLING_DISCONNECT_NORMAL:
      return "normal";
    case STARLING_DISCONNECT_LOST:
      return "lost";
    default:
      return "broker";
  }
}

}  // namespace

void ClientInfo::copy_from(const starling_client& client) {
  client_id = copy(client.client_id);
  if (client.has_username != 0) username = copy(client.username);
  peer = copy(client.peer);
  protocol_version = client.protocol_version;
  listener = copy(client.listener);
  if (client.struct_size >= offsetof(starling_client, certificate_common_name) + sizeof(starling_bytes)) {
    certificate_subject = copy(client.certificate_subject);
    certificate_common_name = copy(client.certificate_common_name);
  }
}

std::shared_ptr<ConnectInfo> ConnectInfo::from(const starling_auth_event& event) {
  auto info = std::make_shared<ConnectInfo>();
  if (event.client != nullptr) info->copy_from(*event.client);
  if (event.has_password != 0) info->password = copy(event.password);
  info->clean_start = event.clean_start != 0;
  info->keep_alive = event.keep_alive;
  return info;
}

std::shared_ptr<ConnectionInfo> ConnectionInfo::connected(const starling_client_event& event) {
  auto info = std::make_shared<ConnectionInfo>();
  if (event.client != nullptr) info->copy_from(*event.client);
  info->session_present = event.session_present != 0;
  return info;
}

std::shared_ptr<ConnectionInfo> ConnectionInfo::disconnected(const starling_client_event& event) {
  auto info = std::make_shared<ConnectionInfo>();
  if (event.client != nullptr) info->copy_from(*event.client);
  info->reason = disconnect_reason_name(event.disconnect_kind);
  return info;
}

std::shared_ptr<MessageInfo> MessageInfo::from(const starling_publish_event& event) {
  auto info = std::make_shared<MessageInfo>();
  info->client = client_of(event.client);
  info->topic = copy(event.topic);
  info->payload = copy(event.payload);
  info->qos = event.qos;
  info->retain = event.retain != 0;
  return info;
}

std::shared_ptr<SubscriptionInfo> SubscriptionInfo::from(const starling_subscribe_event& event) {
  auto info = std::make_shared<SubscriptionInfo>();
  info->client = client_of(event.client);
  info->filter = copy(event.filter);
  info->qos = event.qos;
  return info;
}

std::shared_ptr<DropInfo> DropInfo::from(const starling_drop_event& event) {
  auto info = std::make_shared<DropInfo>();
  info->reason = drop_reason_name(event.reason);
  info->client_id = copy(event.client_id);
  info->topic = copy(event.topic);
  info->payload_size = event.payload_size;
  info->qos = event.qos;
  info->count = event.count;
  return info;
}

}  // namespace starling::plugins::python
