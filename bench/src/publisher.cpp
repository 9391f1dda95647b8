#include "publisher.hpp"

#include <algorithm>
#include <cmath>

#include "payload_stamp.hpp"
#include "protocol/encoder.hpp"

namespace starling::bench {
namespace {
constexpr std::size_t kBatchBytes = 64 * 1024;
constexpr std::size_t kBatchMessages = 1024;
}  // namespace

Publisher::Publisher(boost::asio::io_context& io, ConnectionConfig config,
                     const PublishSettings& settings, std::uint32_t id, std::string topic)
    : Connection(io, std::move(config)),
      settings_(settings),
      id_(id),
      topic_(std::move(topic)),
      payload_template_(settings.payload, 'x'),
      timer_(io),
      window_(settings.window) {
  const std::size_t size =
      protocol::encoded_publish_size(topic_, payload_template_, nullptr, Connection::version());
  batch_max_ = std::clamp<std::size_t>(kBatchBytes / size, 1, kBatchMessages);
  if (settings_.qos > 0) sequence_by_packet_id_.assign(65536, kFree);
}

void Publisher::on_connack(const protocol::Connack& connack) {
  if (connack.properties.receive_maximum) {
    window_ = std::min<std::uint32_t>(window_, *connack.properties.receive_maximum);
  }
  ready_.store(true, std::memory_order_release);
}

void Publisher::begin(std::uint64_t start_ns, std::uint64_t deadline_ns) {
  start_ns_ = start_ns;
  deadline_ns_ = deadline_ns;
  begun_ = true;
  sending_ = true;
  if (settings_.count > 0) acked_.reserve(settings_.count);
  pump();
}

void Publisher::abandon() {
  sending_ = false;
  timer_.cancel();
  done_.store(true, std::memory_order_release);
}

void Publisher::pump() {
  if (!sending_ || writing() || closed()) return;
  const std::uint64_t now = steady_now_ns();
  if (deadline_ns_ != 0 && now >= deadline_ns_) return stop_sending();
  std::uint64_t limit = batch_max_;
  if (settings_.count > 0) limit = std::min(limit, settings_.count - next_sequence_);
  if (settings_.qos > 0) limit = std::min<std::uint64_t>(limit, window_ - inflight_);
  if (settings_.rate > 0) {
    // Message k is due at start + k / rate.
    const double elapsed_s = static_cast<double>(now - start_ns_) / 1e9;
    const auto due = static_cast<std::uint64_t>(std::floor(elapsed_s * settings_.rate)) + 1;
    limit = std::min(limit, due > next_sequence_ ? due - next_sequence_ : 0);
    if (limit == 0) {
      const double next_s = static_cast<double>(next_sequence_) / settings_.rate;
      return arm_timer(start_ns_ + static_cast<std::uint64_t>(next_s * 1e9));
    }
  }
  if (limit == 0) return;  // the window is full: an acknowledgement calls pump()

  std::string& buffer = out();
  protocol::PublishHeader header{.qos = settings_.qos};
  for (std::uint64_t i = 0; i < limit; ++i) {
    if (settings_.qos > 0) {
      while (sequence_by_packet_id_[next_packet_id_] != kFree) {
        next_packet_id_ = next_packet_id_ == 65535 ? 1 : next_packet_id_ + 1;
      }
      header.packet_id = next_packet_id_;
      sequence_by_packet_id_[next_packet_id_] = next_sequence_;
      next_packet_id_ = next_packet_id_ == 65535 ? 1 : next_packet_id_ + 1;
      ++inflight_;
      acked_.push_back(false);
    }
    protocol::encode_publish(header, topic_, payload_template_, nullptr, version(), buffer);
    // The payload is the last bytes of the packet: stamp it in place.
    write_stamp(Stamp{id_, next_sequence_, steady_now_ns()},
                buffer.data() + buffer.size() - payload_template_.size());
    ++next_sequence_;
  }
  sent_.store(next_sequence_, std::memory_order_relaxed);
  flush();
  if (settings_.count > 0 && next_sequence_ == settings_.count) stop_sending();
}

void Publisher::arm_timer(std::uint64_t at_ns) {
  if (timer_armed_) return;
  if (deadline_ns_ != 0) at_ns = std::min(at_ns, deadline_ns_);
  const std::uint64_t now = steady_now_ns();
  timer_armed_ = true;
  timer_.expires_after(std::chrono::nanoseconds(at_ns > now ? at_ns - now : 0));
  timer_.async_wait([this](const boost::system::error_code& error) {
    timer_armed_ = false;
    if (!error) pump();
  });
}

void Publisher::stop_sending() {
  sending_ = false;
  check_done();
}

void Publisher::check_done() {
  if (begun_ && !sending_ && inflight_ == 0 && !writing())
    done_.store(true, std::memory_order_release);
}

void Publisher::complete(std::uint16_t packet_id, bool success) {
  const std::uint64_t sequence =
      sequence_by_packet_id_.empty() ? kFree : sequence_by_packet_id_[packet_id];
  if (sequence == kFree) {
    ++unexpected_acks_;
    return;
  }
  sequence_by_packet_id_[packet_id] = kFree;
  --inflight_;
  if (success) {
    acked_[sequence] = true;
    acked_count_.fetch_add(1, std::memory_order_relaxed);
  } else {
    ++rejected_;
  }
}

void Publisher::on_packet(protocol::Packet& packet) {
  using protocol::ReasonCode;
  if (const auto* puback = std::get_if<protocol::Puback>(&packet)) {
    complete(puback->packet_id, puback->reason < ReasonCode{0x80});
  } else if (const auto* pubrec = std::get_if<protocol::Pubrec>(&packet)) {
    if (pubrec->reason >= ReasonCode{0x80}) {
      complete(pubrec->packet_id, false);
    } else {
      protocol::encode(protocol::Pubrel{.packet_id = pubrec->packet_id}, version(), out());
    }
  } else if (const auto* pubcomp = std::get_if<protocol::Pubcomp>(&packet)) {
    complete(pubcomp->packet_id, true);
  } else {
    return;  // PINGRESP and the like
  }
  pump();
  check_done();
}

void Publisher::on_write_done() {
  pump();
  check_done();
}

void Publisher::on_failed() {
  sending_ = false;
  timer_.cancel();
  done_.store(true, std::memory_order_release);
}

}  // namespace starling::bench
