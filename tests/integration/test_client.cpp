#include "test_client.hpp"

#include "paho_wakeup.hpp"

namespace starling::test {

TestClient::TestClient(const TestBroker& broker, std::string client_id, int mqtt_version)
    : TestClient(broker.uri(), std::move(client_id), mqtt_version) {}

TestClient::TestClient(const std::string& server_uri, std::string client_id, int mqtt_version)
    // The wake-up connection must exist before this client's (paho_wakeup.hpp).
    : client_id_((ensure_paho_wakeup(), std::move(client_id))),
      mqtt_version_(mqtt_version),
      client_(server_uri, client_id_, mqtt::create_options(mqtt_version), nullptr) {
  client_.set_message_callback(
      [this](mqtt::const_message_ptr message) { received_.push(std::move(message)); });
  client_.set_disconnected_handler([this](const mqtt::properties&, mqtt::ReasonCode reason) {
    std::lock_guard lock(mutex_);
    end_reason_ = static_cast<int>(reason);
    ended_.notify_all();
  });
  client_.set_connection_lost_handler([this](const std::string&) {
    std::lock_guard lock(mutex_);
    if (!end_reason_) end_reason_ = -1;
    ended_.notify_all();
  });
}

TestClient::~TestClient() {
  try {
    if (client_.is_connected()) client_.disconnect()->wait_for(kArrivalTimeout);
  } catch (const mqtt::exception&) {
    // The broker may already have dropped us; nothing left to clean up.
  }
}

mqtt::connect_response TestClient::connect(const ConnectSettings& settings) {
  mqtt::connect_options options;
  options.set_mqtt_version(mqtt_version_);
  options.set_keep_alive_interval(settings.keep_alive_seconds);
  options.set_connect_timeout(5);
  options.set_automatic_reconnect(false);
  mqtt::properties properties = settings.properties;
  if (mqtt_version_ == kV5) {
    options.set_clean_start(settings.clean);
    if (settings.session_expiry > 0) {
      properties.add(
          {mqtt::property::SESSION_EXPIRY_INTERVAL, static_cast<int>(settings.session_expiry)});
    }
    options.set_properties(properties);
  } else {
    options.set_clean_session(settings.clean);
  }
  if (settings.will) options.set_will(*settings.will);
  if (settings.username) options.set_user_name(*settings.username);
  if (settings.password) options.set_password(*settings.password);
  if (settings.ssl) options.set_ssl(*settings.ssl);
  {
    std::lock_guard lock(mutex_);
    end_reason_.reset();
  }
  auto token = client_.connect(options);
  if (!token->wait_for(kArrivalTimeout)) throw mqtt::timeout_error();
  return token->get_connect_response();
}

void TestClient::subscribe(const std::string& filter, int qos,
                           const mqtt::subscribe_options& options,
                           const mqtt::properties& properties) {
  auto token = client_.subscribe(filter, qos, options, properties);
  if (!token->wait_for(kArrivalTimeout)) throw mqtt::timeout_error();
}

void TestClient::unsubscribe(const std::string& filter) {
  auto token = client_.unsubscribe(filter);
  if (!token->wait_for(kArrivalTimeout)) throw mqtt::timeout_error();
}

void TestClient::publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                         const mqtt::properties& properties) {
  auto message = mqtt::message::create(topic, payload, qos, retain, properties);
  auto token = client_.publish(message);
  if (!token->wait_for(kArrivalTimeout)) throw mqtt::timeout_error();
}

void TestClient::disconnect() {
  auto token = client_.disconnect();
  if (!token->wait_for(kArrivalTimeout)) throw mqtt::timeout_error();
}

std::optional<int> TestClient::wait_for_server_disconnect(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ended_.wait_for(lock, timeout, [&] { return end_reason_.has_value(); });
  return end_reason_;
}

}  // namespace starling::test
