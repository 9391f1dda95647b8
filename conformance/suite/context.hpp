#pragma once
// What a test needs from the run: where the broker is, how long to wait, and
// names no other test (or other run against the same broker) uses.
// Thread-safe: tests run concurrently and share one Context.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/raw_client.hpp"

namespace starling::conformance {

struct RunOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  // Default: 3000 ms. How long to wait for something that must arrive.
  Millis wait{3000};
  // Default: 800 ms. How long to watch before deciding nothing arrives.
  Millis quiet{800};
};

class Context {
 public:
  Context(RunOptions options, std::string run_id)
      : options_(std::move(options)), run_id_(std::move(run_id)) {}

  const RunOptions& options() const { return options_; }
  Millis wait() const { return options_.wait; }
  Millis quiet() const { return options_.quiet; }

  // "cf<run>-<n>-<tag>": unique across tests and runs, at most 23 bytes of
  // [0-9a-zA-Z-] when `tag` is short, so any broker accepts it.
  std::string client_id(std::string_view tag = "c");
  // "cf/<run>/<n>/<tag>": a topic only this test publishes to.
  std::string topic(std::string_view tag = "t");
  const std::string& run_id() const { return run_id_; }

 private:
  RunOptions options_;
  std::string run_id_;
  std::atomic<unsigned> counter_{0};
};

}  // namespace starling::conformance
