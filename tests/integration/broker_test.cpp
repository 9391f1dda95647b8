#include "broker_test.hpp"

#include <unistd.h>

#include <atomic>

namespace starling::test {

std::string BrokerTest::client_id(const std::string& suffix) {
  static std::atomic<int> counter{0};
  return suffix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::string BrokerTest::topic(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "/" + info->name();
  for (char& c : name) {
    if (c == '#' || c == '+') c = '_';  // keep parameterised names valid topics
  }
  return "it/" + name + "/" + suffix;
}

std::unique_ptr<TestClient> BrokerTest::connected_client(const std::string& name, int version,
                                                         const ConnectSettings& settings) {
  auto client = std::make_unique<TestClient>(broker(), client_id(name), version);
  client->connect(settings);
  return client;
}

std::unique_ptr<RawClient> BrokerTest::raw_connected(const raw::Connect& connect) {
  auto client = std::make_unique<RawClient>(broker().port());
  auto connack = client->handshake(connect);
  EXPECT_TRUE(connack.has_value()) << "no CONNACK for " << connect.client_id;
  if (connack) {
    EXPECT_EQ(connack->reason_code, 0) << "CONNACK refused " << connect.client_id;
  }
  return client;
}

void BrokerTest::expect_broker_still_serves_clients() {
  ASSERT_TRUE(broker().running());
  const std::string probe_topic = topic("probe");
  auto subscriber = connected_client("probe-sub", kV5);
  subscriber->subscribe(probe_topic, 1);
  auto publisher = connected_client("probe-pub", kV311);
  publisher->publish(probe_topic, "still alive", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1)) << "a normal client no longer round-trips";
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "still alive");
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace starling::test
