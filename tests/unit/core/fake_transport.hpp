#pragma once
// A Transport for tests: what the connection flushes is kept for the test
// to decode; close() is only recorded (the test decides when the network
// reports the end, through ClientConnection::on_closed).
#include <chrono>
#include <cstddef>
#include <string>

#include "core/transport.hpp"

namespace starling::testing {

class FakeTransport : public Transport {
 public:
  std::string& output() override { return output_; }
  void flush() override {
    written_ += output_;
    output_.clear();
  }
  void close() override {
    flush();
    ++close_calls_;
  }
  std::size_t backlog() const override { return backlog_; }
  const std::string& peer() const override { return peer_; }
  void pause_reading(std::chrono::steady_clock::duration) override {}

  // Everything flushed so far, in order.
  const std::string& written() const { return written_; }
  bool closed() const { return close_calls_ > 0; }
  int close_calls() const { return close_calls_; }
  // Pretends this many bytes are waiting to be written (a slow consumer).
  void set_backlog(std::size_t bytes) { backlog_ = bytes; }

 private:
  std::string output_;
  std::string written_;
  std::string peer_ = "test:1";
  std::size_t backlog_ = 0;
  int close_calls_ = 0;
};

}  // namespace starling::testing
