#pragma once
// A connection that subscribes to one filter and checks what arrives: per
// publisher sequence (lost, duplicated, reordered) and end-to-end latency.
//
// Thread-safety: as Connection. The atomics may be read from any thread
// while the run is going; everything else only after the io thread stopped.
#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "connection.hpp"
#include "latency_histogram.hpp"
#include "sequence_tracker.hpp"

namespace starling::bench {

class Subscriber final : public Connection {
 public:
  Subscriber(boost::asio::io_context& io, ConnectionConfig config, std::string filter,
             std::uint8_t qos);

  // SUBACK received and granted.
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  // Distinct messages received so far.
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }

  // After the run.
  const SequenceTracker* tracker(std::uint32_t publisher) const;
  const LatencyHistogram& latency() const { return latency_; }
  std::uint64_t last_receive_ns() const { return last_receive_ns_; }
  std::uint64_t foreign() const { return foreign_; }
  std::uint8_t granted_qos() const { return granted_qos_; }

 private:
  void on_connack(const protocol::Connack& connack) override;
  void on_packet(protocol::Packet& packet) override;
  void on_publish(const protocol::Publish& publish);

  std::string filter_;
  std::uint8_t qos_;
  std::uint8_t granted_qos_ = 0;
  std::unordered_map<std::uint32_t, SequenceTracker> trackers_;  // by publisher id
  LatencyHistogram latency_;
  std::uint64_t last_receive_ns_ = 0;
  std::uint64_t foreign_ = 0;  // payloads without our stamp
  std::atomic<bool> ready_{false};
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace starling::bench
