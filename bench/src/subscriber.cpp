#include "subscriber.hpp"

#include "payload_stamp.hpp"
#include "protocol/encoder.hpp"

namespace starling::bench {

Subscriber::Subscriber(boost::asio::io_context& io, ConnectionConfig config, std::string filter,
                       std::uint8_t qos)
    : Connection(io, std::move(config)), filter_(std::move(filter)), qos_(qos) {}

const SequenceTracker* Subscriber::tracker(std::uint32_t publisher) const {
  const auto it = trackers_.find(publisher);
  return it == trackers_.end() ? nullptr : &it->second;
}

void Subscriber::on_connack(const protocol::Connack&) {
  protocol::Subscribe subscribe;
  subscribe.packet_id = 1;
  subscribe.entries.push_back(protocol::SubscribeEntry{.filter = filter_, .qos = qos_});
  protocol::encode(subscribe, version(), out());
  flush();
}

void Subscriber::on_packet(protocol::Packet& packet) {
  if (const auto* publish = std::get_if<protocol::Publish>(&packet)) {
    on_publish(*publish);
  } else if (const auto* pubrel = std::get_if<protocol::Pubrel>(&packet)) {
    protocol::encode(protocol::Pubcomp{.packet_id = pubrel->packet_id}, version(), out());
  } else if (const auto* suback = std::get_if<protocol::Suback>(&packet)) {
    if (suback->reasons.size() != 1 || suback->reasons[0] >= protocol::ReasonCode{0x80}) {
      return fail("subscription to '" + filter_ + "' refused");
    }
    granted_qos_ = static_cast<std::uint8_t>(suback->reasons[0]);
    ready_.store(true, std::memory_order_release);
  }
}

void Subscriber::on_publish(const protocol::Publish& publish) {
  const std::uint64_t now = steady_now_ns();
  // Acknowledge first: the broker's window should not wait on our bookkeeping.
  if (publish.qos == 1) {
    protocol::encode(protocol::Puback{.packet_id = publish.packet_id}, version(), out());
  } else if (publish.qos == 2) {
    protocol::encode(protocol::Pubrec{.packet_id = publish.packet_id}, version(), out());
  }
  Stamp stamp;
  if (!read_stamp(publish.payload, stamp)) {
    ++foreign_;
    return;
  }
  SequenceTracker& tracker = trackers_[stamp.publisher];
  const std::uint64_t before = tracker.distinct();
  tracker.record(stamp.sequence);
  if (tracker.distinct() == before) return;  // a duplicate: counted, not timed
  latency_.record(now > stamp.sent_ns ? now - stamp.sent_ns : 0);
  last_receive_ns_ = now;
  delivered_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace starling::bench
