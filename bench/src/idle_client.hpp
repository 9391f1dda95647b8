#pragma once
// A connection that connects and then does nothing (the conn scenario).
#include <atomic>
#include <cstdint>

#include "connection.hpp"
#include "payload_stamp.hpp"

namespace starling::bench {

class IdleClient final : public Connection {
 public:
  using Connection::Connection;

  bool connected() const { return connected_.load(std::memory_order_acquire); }
  bool lost() const { return lost_.load(std::memory_order_acquire); }
  // After the run: when CONNACK arrived (steady clock ns).
  std::uint64_t connack_ns() const { return connack_ns_; }

 private:
  void on_connack(const protocol::Connack&) override {
    connack_ns_ = steady_now_ns();
    connected_.store(true, std::memory_order_release);
  }
  void on_packet(protocol::Packet&) override {}
  void on_failed() override { lost_.store(true, std::memory_order_release); }

  std::uint64_t connack_ns_ = 0;
  std::atomic<bool> connected_{false};
  std::atomic<bool> lost_{false};  // failed: refused, or dropped after connecting
};

}  // namespace starling::bench
