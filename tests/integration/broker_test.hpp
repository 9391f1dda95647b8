#pragma once
// The base fixture of every integration test: a fresh broker per test (started
// on first use, or explicitly with custom options) and names that no other
// test uses, so tests cannot see each other's sessions, retained messages or
// traffic.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "raw_client.hpp"
#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::test {

// Skips the current test when it runs against mosquitto; `why` says where
// mosquitto deviates from the spec or lacks the setting the test relies on.
#define STARLING_SKIP_ON_MOSQUITTO(why)                 \
  do {                                                  \
    if (::starling::test::TestBroker::is_mosquitto()) { \
      GTEST_SKIP() << "mosquitto: " << (why);           \
    }                                                   \
  } while (0)

class BrokerTest : public ::testing::Test {
 protected:
  // Starts the broker with `options`; REQUIRES: broker() not called yet.
  void start_broker(Options options) { broker_ = std::make_unique<TestBroker>(std::move(options)); }
  // Starling only: the default options, and the store opened by `open_store`.
  void start_broker_with_store(StoreOpener open_store) {
    broker_ = std::make_unique<TestBroker>(TestBroker::default_options(), std::move(open_store));
  }
  // Stops the broker now (before what it borrows from the fixture goes).
  void stop_broker() { broker_.reset(); }

  // Adjusts the default options and starts the broker with them.
  void start_broker(const std::function<void(Options&)>& adjust) {
    Options options = TestBroker::default_options();
    adjust(options);
    start_broker(std::move(options));
  }

  TestBroker& broker() {
    if (!broker_) start_broker(TestBroker::default_options());
    return *broker_;
  }

  // A client id unique to this test run: "<suffix>-<pid>-<n>".
  std::string client_id(const std::string& suffix);

  // A topic unique to this test: "it/<Suite>/<Test>/<suffix>".
  std::string topic(const std::string& suffix);

  // A Paho client with a unique id, connected with `settings`.
  std::unique_ptr<TestClient> connected_client(const std::string& name, int version,
                                               const ConnectSettings& settings = {});

  // A raw connection that completed CONNECT/CONNACK (asserts success).
  std::unique_ptr<RawClient> raw_connected(const raw::Connect& connect);

  // Publishes on a fresh client and checks that a subscriber on a fresh
  // client receives it: the broker still serves well-behaved clients.
  void expect_broker_still_serves_clients();

 private:
  std::unique_ptr<TestBroker> broker_;
  int next_id_ = 0;
};

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = kArrivalTimeout);

}  // namespace starling::test
