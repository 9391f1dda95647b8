#pragma once
// A real MQTT client (Paho MQTT C++) for the integration tests. Collects every
// message it receives into a MessageQueue and remembers how the broker ended
// the connection. Calls throw mqtt::exception when the broker refuses them or
// does not answer within kArrivalTimeout; gtest reports that as a failure.
// Thread-safety: call from the test thread; received() may be read any time.
#include <mqtt/async_client.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "message_queue.hpp"
#include "test_broker.hpp"

namespace starling::test {

inline constexpr int kV311 = MQTTVERSION_3_1_1;
inline constexpr int kV5 = MQTTVERSION_5;

struct ConnectSettings {
  bool clean = true;                 // Clean Session (v3.1.1) / Clean Start (v5)
  std::uint32_t session_expiry = 0;  // v5 only
  int keep_alive_seconds = 60;
  std::optional<mqtt::will_options> will;
  mqtt::properties properties;  // v5 only, added to the CONNECT
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<mqtt::ssl_options> ssl;  // for an ssl:// server URI
};

class TestClient {
 public:
  TestClient(const TestBroker& broker, std::string client_id, int mqtt_version);
  // A client of another listener: "ssl://127.0.0.1:8883", "ws://...".
  TestClient(const std::string& server_uri, std::string client_id, int mqtt_version);
  ~TestClient();  // disconnects normally if still connected
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  mqtt::connect_response connect(const ConnectSettings& settings = {});
  // Subscribes and waits for the SUBACK. Paho C++ 1.2 does not report the
  // granted QoS reliably for v5; use RawClient::subscribe to check it.
  void subscribe(const std::string& filter, int qos,
                 const mqtt::subscribe_options& options = mqtt::subscribe_options(),
                 const mqtt::properties& properties = mqtt::properties());
  void unsubscribe(const std::string& filter);
  // Publishes and waits until the broker acknowledged (QoS > 0) or the
  // packet was written (QoS 0).
  void publish(const std::string& topic, const std::string& payload, int qos = 0,
               bool retain = false, const mqtt::properties& properties = mqtt::properties());
  void disconnect();  // a normal DISCONNECT (reason 0 in v5)

  bool is_connected() const { return client_.is_connected(); }
  const std::string& client_id() const { return client_id_; }
  MessageQueue& received() { return received_; }

  // Waits until the broker ended the connection (with a v5 DISCONNECT or by
  // closing the socket). Returns the DISCONNECT reason code, -1 for a close
  // without DISCONNECT, nullopt when the connection is still up.
  std::optional<int> wait_for_server_disconnect(
      std::chrono::milliseconds timeout = kArrivalTimeout);

 private:
  std::string client_id_;
  int mqtt_version_;
  mqtt::async_client client_;
  MessageQueue received_;

  std::mutex mutex_;
  std::condition_variable ended_;
  std::optional<int> end_reason_;
};

}  // namespace starling::test
