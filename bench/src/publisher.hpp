#pragma once
// A connection that publishes stamped messages to one topic: as fast as the
// socket takes them or at a fixed rate, many PUBLISH per write, with a
// window of unacknowledged QoS 1/2 messages.
//
// Thread-safety: as Connection. The atomics may be read from any thread
// while the run is going; everything else only after the io thread stopped.
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "connection.hpp"

namespace starling::bench {

struct PublishSettings {
  std::uint8_t qos = 0;
  std::size_t payload = 64;   // bytes, >= kStampSize
  std::uint64_t count = 0;    // 0: until the deadline
  double rate = 0;            // messages/s; 0: unbounded
  std::uint32_t window = 64;  // QoS 1/2 messages awaiting PUBACK/PUBCOMP
};

class Publisher final : public Connection {
 public:
  Publisher(boost::asio::io_context& io, ConnectionConfig config, const PublishSettings& settings,
            std::uint32_t id, std::string topic);

  // Starts publishing. deadline_ns 0: no deadline (count must be set).
  // Call on the io thread, after ready().
  void begin(std::uint64_t start_ns, std::uint64_t deadline_ns);
  // Stops publishing and gives up on outstanding acknowledgements.
  void abandon();

  bool ready() const { return ready_.load(std::memory_order_acquire); }
  // Finished: sent everything, all acknowledged; or failed.
  bool done() const { return done_.load(std::memory_order_acquire); }
  std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
  std::uint64_t acknowledged() const { return acked_count_.load(std::memory_order_relaxed); }

  // After the run.
  bool acked(std::uint64_t sequence) const { return sequence < acked_.size() && acked_[sequence]; }
  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t unexpected_acks() const { return unexpected_acks_; }

 private:
  void on_connack(const protocol::Connack& connack) override;
  void on_packet(protocol::Packet& packet) override;
  void on_write_done() override;
  void on_failed() override;

  void pump();
  void arm_timer(std::uint64_t at_ns);
  void stop_sending();
  void complete(std::uint16_t packet_id, bool success);
  void check_done();

  PublishSettings settings_;
  std::uint32_t id_;
  std::string topic_;
  std::string payload_template_;
  std::size_t batch_max_ = 1;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;

  bool begun_ = false;
  bool sending_ = false;
  std::uint64_t start_ns_ = 0;
  std::uint64_t deadline_ns_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::uint32_t window_ = 0;  // settings_.window capped by the broker's Receive Maximum
  std::uint32_t inflight_ = 0;
  std::uint16_t next_packet_id_ = 1;
  static constexpr std::uint64_t kFree = ~std::uint64_t{0};
  std::vector<std::uint64_t> sequence_by_packet_id_;  // kFree when the id is unused
  std::vector<bool> acked_;                           // by sequence
  std::uint64_t rejected_ = 0;                        // v5 failure reason in PUBACK/PUBREC
  std::uint64_t unexpected_acks_ = 0;

  std::atomic<bool> ready_{false};
  std::atomic<bool> done_{false};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> acked_count_{0};
};

}  // namespace starling::bench
