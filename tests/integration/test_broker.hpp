#pragma once
// The broker under test: Starling started in-process on 127.0.0.1 with a
// free port (the default), or, when STARLING_TEST_EXTERNAL_BROKER=mosquitto,
// /usr/sbin/mosquitto as a subprocess with a config that mirrors the options
// it has an equivalent for. Either way it is stopped by the destructor.
// Not thread-safe; create and destroy it on the test's thread.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "starling/broker.hpp"
#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling::storage {
class Store;
}

namespace starling::test {

// Opens the broker's store in a directory (see BrokerRuntime::StoreOpener):
// how a test injects storage faults.
using StoreOpener = std::function<Result<std::unique_ptr<storage::Store>>(
    const std::string& directory, std::uint32_t batched_flush_ms)>;

class TestBroker {
 public:
  // Options for a test broker: one tcp listener on 127.0.0.1:0, two
  // threads, a private data directory, warnings only.
  static Options default_options();

  // True when the tests run against mosquitto instead of Starling.
  static bool is_mosquitto();

  // Starts the broker. Throws std::runtime_error when it cannot.
  explicit TestBroker(Options options = default_options());
  // Starling only: its store is opened with `open_store` (durable modes).
  TestBroker(Options options, StoreOpener open_store);
  ~TestBroker();
  TestBroker(const TestBroker&) = delete;
  TestBroker& operator=(const TestBroker&) = delete;

  std::uint16_t port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  const Options& options() const { return options_; }
  // Starling only: the embedded broker, for its endpoints() and
  // reload_certificates().
  Broker& starling() { return *broker_; }

  // True while the broker process / instance still runs.
  bool running() const;

 private:
  void start_starling();
  void start_mosquitto();
  std::string mosquitto_config() const;

  Options options_;
  StoreOpener open_store_;
  std::filesystem::path work_dir_;
  std::unique_ptr<Broker> broker_;    // in-process mode
  mutable pid_t mosquitto_pid_ = -1;  // mosquitto mode; -1 once reaped
  std::uint16_t port_ = 0;
};

}  // namespace starling::test
