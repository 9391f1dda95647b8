#pragma once
// The broker-to-client half of a session's QoS state (MQTT 5.0 4.3, 4.4, 4.9):
// packet identifiers, the in-flight window bounded by the client's Receive
// Maximum, the queue of messages waiting for a slot or for the client to come
// back, and resending on resumption. No I/O: what to send goes to a sink.
//
// Thread-safety: none; a session's owner thread drives it.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/message.hpp"
#include "session/delivery.hpp"

namespace starling::session {

// Where the flow's packets go (the connection, or a fake in tests).
class OutboundSink {
 public:
  enum class SendResult { kSent, kDiscarded };
  virtual ~OutboundSink() = default;
  // kDiscarded when the client cannot take it (larger than its Maximum Packet
  // Size); the flow then treats the message as delivered (spec 3.1.2.11.4).
  virtual SendResult send_publish(const Delivery& delivery, std::uint16_t packet_id, bool dup,
                                  TimePoint now) = 0;
  virtual void send_pubrel(std::uint16_t packet_id) = 0;
  // The client acknowledged `delivery` (PUBACK, or PUBCOMP for QoS 2).
  virtual void acknowledged(const Delivery& /*delivery*/) {}
};

// In-flight stages, as the store records them.
enum class InflightStage { kAwaitPuback, kAwaitPubrec, kAwaitPubcomp };

// Told about every change to a delivery whose `stored` flag is set, so the
// store can mirror it. Called on the owner thread, synchronously.
class OutboundJournal {
 public:
  virtual ~OutboundJournal() = default;
  // Sent with `packet_id`, or moved on to `stage` (PUBREC received).
  // `must_be_durable`: a QoS 2 step that exactly-once depends on; the packet
  // just encoded must not reach the client before this is on disk.
  virtual void on_inflight(const Delivery& delivery, std::uint16_t packet_id, InflightStage stage,
                           bool must_be_durable) = 0;
  // No longer kept: acknowledged, dropped, expired, discarded or handed to
  // another session.
  virtual void on_finished(const Delivery& delivery) = 0;
};

// What a full queue gives up for a new message. Either way a QoS 0 message
// goes before any QoS 1/2 one: a QoS 1/2 arrival evicts the oldest queued
// QoS 0 messages first, and a QoS 0 arrival never evicts QoS 1/2.
enum class QueueFullPolicy {
  kDropNew,     // then refuse the arriving message
  kDropOldest,  // then evict the oldest queued messages to make room
};

struct OutboundLimits {
  std::size_t max_queued_messages = 100000;
  std::uint64_t max_queued_bytes = 64ull << 20;
  bool queue_qos0_offline = false;
  QueueFullPolicy queue_full_policy = QueueFullPolicy::kDropNew;
};

enum class DeliverOutcome {
  kSent,
  kQueued,
  kDroppedQueueFull,
  kDroppedOffline,  // QoS 0 while the client is away
  kDroppedExpired,
  kDroppedTooLarge,
};

class OutboundFlow {
 public:
  explicit OutboundFlow(OutboundLimits limits = {}) : limits_(limits) {}

  // REQUIRES: window >= 1. The client's Receive Maximum (capped by the
  // broker's max_inflight).
  void set_window(std::uint16_t window) { window_ = window; }
  // May be null (nothing is stored). Not owned.
  void set_journal(OutboundJournal* journal) { journal_ = journal; }

  // Recovery: puts back what the store held, in message order, before the
  // client reconnects.
  void restore_inflight(Delivery delivery, std::uint16_t packet_id, InflightStage stage);
  void restore_queued(Delivery delivery);

  // Visits every delivery still held (in flight, then queued).
  template <typename F>
  void for_each(F&& f) const {
    for (const Inflight& entry : inflight_) f(entry.delivery);
    if (queue_) {
      for (const Delivery& delivery : *queue_) f(delivery);
    }
  }

  // A new message for this session. `sink` is null while the client is
  // offline: QoS 1/2 messages are queued (within the limits, making room as
  // queue_full_policy says), QoS 0 dropped unless queue_qos0_offline.
  DeliverOutcome deliver(Delivery delivery, OutboundSink* sink, TimePoint now);

  // How many queued messages were evicted to make room for newer ones since
  // the last call (they are finished, like delivered ones). Never counts
  // in-flight messages: those are not evicted.
  std::size_t take_evicted() { return std::exchange(evicted_, 0); }

  // Acknowledgements from the client. False when the packet id is not in
  // flight in the matching stage (the caller decides how to answer).
  bool on_puback(std::uint16_t packet_id, OutboundSink& sink, TimePoint now);
  bool on_pubrec(std::uint16_t packet_id, bool failed, OutboundSink& sink, TimePoint now);
  bool on_pubcomp(std::uint16_t packet_id, OutboundSink& sink, TimePoint now);

  // The client (re)connected with this session: resend every unacknowledged
  // PUBLISH with DUP set and every PUBREL, in their original order, then fill
  // the window from the queue.
  void resume(OutboundSink& sink, TimePoint now);

  // Removes and returns the messages delivered through a shared subscription
  // that the client has not acknowledged (PUBLISH in flight without PUBACK or
  // PUBREC, and queued), so another member of the group can have them.
  std::vector<Delivery> take_shared_unacknowledged();

  // Drops queued messages whose expiry has passed. Returns how many.
  std::size_t drop_expired(TimePoint now);

  std::size_t queued_count() const { return queue_ ? queue_->size() : 0; }
  std::uint64_t queued_bytes() const { return queued_bytes_; }
  std::size_t inflight_count() const { return inflight_.size(); }
  void clear();

 private:
  using Stage = InflightStage;
  struct Inflight {
    std::uint16_t packet_id;
    Stage stage;
    Delivery delivery;
  };
  using InflightList = std::list<Inflight>;

  bool window_full() const { return inflight_.size() >= window_; }
  bool queue_empty() const { return !queue_ || queue_->empty(); }
  std::uint16_t next_packet_id();
  // Sends one delivery now. Returns false when the sink discarded it.
  bool send_new(Delivery&& delivery, OutboundSink& sink, TimePoint now);
  void fill_window(OutboundSink& sink, TimePoint now);
  void complete(InflightList::iterator it);
  // True if `incoming` fits in the queue after evicting what the policy
  // allows; false (nothing evicted) if it cannot fit.
  bool make_room(const Delivery& incoming);
  void push_queue(Delivery&& delivery);
  Delivery pop_queue();
  // Accounts for a delivery leaving the queue.
  void unqueued(const Delivery& delivery);
  void finished(const Delivery& delivery) {
    if (journal_ != nullptr && delivery.stored) journal_->on_finished(delivery);
  }

  OutboundLimits limits_;
  OutboundJournal* journal_ = nullptr;
  std::uint16_t window_ = 65535;
  std::uint16_t last_packet_id_ = 0;
  InflightList inflight_;  // in send order
  std::unordered_map<std::uint16_t, InflightList::iterator> by_packet_id_;
  // Created on first use: most sessions never queue, and an empty std::deque
  // already costs about 600 bytes.
  std::unique_ptr<std::deque<Delivery>> queue_;
  std::uint64_t queued_bytes_ = 0;
  std::size_t queued_qos0_ = 0;  // so a queue without QoS 0 is never searched for one
  std::size_t evicted_ = 0;
};

}  // namespace starling::session
