#include "session/outbound_flow.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace starling::session {

DeliverOutcome OutboundFlow::deliver(Delivery delivery, OutboundSink* sink, TimePoint now) {
  if (delivery.message->expired(now)) {
    finished(delivery);
    return DeliverOutcome::kDroppedExpired;
  }
  if (delivery.qos == 0) {
    if (sink != nullptr) {
      auto sent = sink->send_publish(delivery, 0, false, now);
      return sent == OutboundSink::SendResult::kSent ? DeliverOutcome::kSent
                                                     : DeliverOutcome::kDroppedTooLarge;
    }
    if (!limits_.queue_qos0_offline) return DeliverOutcome::kDroppedOffline;
  }
  // Keep order: nothing overtakes what is already queued.
  if (sink != nullptr && queue_empty() && !window_full()) {
    return send_new(std::move(delivery), *sink, now) ? DeliverOutcome::kSent
                                                     : DeliverOutcome::kDroppedTooLarge;
  }
  if (!make_room(delivery)) {
    finished(delivery);
    return DeliverOutcome::kDroppedQueueFull;
  }
  push_queue(std::move(delivery));
  return DeliverOutcome::kQueued;
}

bool OutboundFlow::make_room(const Delivery& incoming) {
  const std::uint64_t bytes = incoming.payload_bytes();
  std::size_t count = queued_count();
  std::uint64_t total = queued_bytes_;
  auto fits = [&] {
    return count < limits_.max_queued_messages && total + bytes <= limits_.max_queued_bytes;
  };
  if (fits()) return true;
  if (!queue_ || limits_.max_queued_messages == 0 || bytes > limits_.max_queued_bytes) {
    return false;
  }

  const bool drop_oldest = limits_.queue_full_policy == QueueFullPolicy::kDropOldest;
  // Victims are chosen first and evicted only if they make enough room, so
  // a refused message costs nothing already queued.
  std::vector<std::size_t> victims;
  auto choose = [&](bool qos0) {
    for (std::size_t i = 0; i < queue_->size() && !fits(); ++i) {
      const Delivery& queued = (*queue_)[i];
      if ((queued.qos == 0) != qos0) continue;
      victims.push_back(i);
      --count;
      total -= queued.payload_bytes();
    }
  };
  if (queued_qos0_ > 0 && (incoming.qos > 0 || drop_oldest)) choose(true);
  if (incoming.qos > 0 && drop_oldest) choose(false);
  if (!fits()) return false;

  // Back to front, so the positions still ahead stay valid.
  std::sort(victims.begin(), victims.end());
  for (auto it = victims.rbegin(); it != victims.rend(); ++it) {
    auto position = queue_->begin() + static_cast<std::ptrdiff_t>(*it);
    unqueued(*position);
    finished(*position);
    queue_->erase(position);
  }
  evicted_ += victims.size();
  return true;
}

std::uint16_t OutboundFlow::next_packet_id() {
  // The window is at most 65535 and not full, so a free id exists.
  do {
    last_packet_id_ = static_cast<std::uint16_t>(last_packet_id_ == 65535 ? 1 : last_packet_id_ + 1);
  } while (by_packet_id_.contains(last_packet_id_));
  return last_packet_id_;
}

bool OutboundFlow::send_new(Delivery&& delivery, OutboundSink& sink, TimePoint now) {
  if (delivery.qos == 0) {
    return sink.send_publish(delivery, 0, false, now) == OutboundSink::SendResult::kSent;
  }
  std::uint16_t id = next_packet_id();
  if (sink.send_publish(delivery, id, false, now) == OutboundSink::SendResult::kDiscarded) {
    finished(delivery);
    return false;
  }
  Stage stage = delivery.qos == 1 ? Stage::kAwaitPuback : Stage::kAwaitPubrec;
  if (journal_ != nullptr && delivery.stored) {
    journal_->on_inflight(delivery, id, stage, delivery.qos == 2);
  }
  inflight_.push_back(Inflight{id, stage, std::move(delivery)});
  by_packet_id_.emplace(id, std::prev(inflight_.end()));
  return true;
}

void OutboundFlow::fill_window(OutboundSink& sink, TimePoint now) {
  while (!queue_empty() && !window_full()) {
    Delivery next = pop_queue();
    if (next.message->expired(now)) {
      finished(next);
      continue;
    }
    // A discarded (too large) message counts as delivered; move on.
    (void)send_new(std::move(next), sink, now);
  }
}

void OutboundFlow::complete(InflightList::iterator it) {
  finished(it->delivery);
  by_packet_id_.erase(it->packet_id);
  inflight_.erase(it);
}

bool OutboundFlow::on_puback(std::uint16_t packet_id, OutboundSink& sink, TimePoint now) {
  auto found = by_packet_id_.find(packet_id);
  if (found == by_packet_id_.end() || found->second->stage != Stage::kAwaitPuback) return false;
  sink.acknowledged(found->second->delivery);
  complete(found->second);
  fill_window(sink, now);
  return true;
}

bool OutboundFlow::on_pubrec(std::uint16_t packet_id, bool failed, OutboundSink& sink,
                             TimePoint now) {
  auto found = by_packet_id_.find(packet_id);
  if (found == by_packet_id_.end()) return false;
  Inflight& entry = *found->second;
  if (entry.stage == Stage::kAwaitPubcomp) {
    // A repeated PUBREC (after a resend): answer with PUBREL again.
    sink.send_pubrel(packet_id);
    return true;
  }
  if (entry.stage != Stage::kAwaitPubrec) return false;
  if (failed) {
    complete(found->second);
    fill_window(sink, now);
    return true;
  }
  entry.stage = Stage::kAwaitPubcomp;
  if (journal_ != nullptr && entry.delivery.stored) {
    journal_->on_inflight(entry.delivery, packet_id, Stage::kAwaitPubcomp, true);
  }
  sink.send_pubrel(packet_id);
  return true;
}

bool OutboundFlow::on_pubcomp(std::uint16_t packet_id, OutboundSink& sink, TimePoint now) {
  auto found = by_packet_id_.find(packet_id);
  if (found == by_packet_id_.end() || found->second->stage != Stage::kAwaitPubcomp) return false;
  sink.acknowledged(found->second->delivery);
  complete(found->second);
  fill_window(sink, now);
  return true;
}

void OutboundFlow::resume(OutboundSink& sink, TimePoint now) {
  for (auto it = inflight_.begin(); it != inflight_.end();) {
    auto current = it++;
    if (current->stage == Stage::kAwaitPubcomp) {
      sink.send_pubrel(current->packet_id);
    } else if (sink.send_publish(current->delivery, current->packet_id, true, now) ==
               OutboundSink::SendResult::kDiscarded) {
      complete(current);
    }
  }
  fill_window(sink, now);
}

std::vector<Delivery> OutboundFlow::take_shared_unacknowledged() {
  std::vector<Delivery> taken;
  for (auto it = inflight_.begin(); it != inflight_.end();) {
    auto current = it++;
    if (current->stage != Stage::kAwaitPubcomp && current->delivery.via_shared_subscription()) {
      finished(current->delivery);
      taken.push_back(std::move(current->delivery));
      by_packet_id_.erase(current->packet_id);
      inflight_.erase(current);
    }
  }
  if (!queue_) return taken;
  std::deque<Delivery> kept;
  for (Delivery& d : *queue_) {
    if (d.via_shared_subscription()) {
      unqueued(d);
      finished(d);
      taken.push_back(std::move(d));
    } else {
      kept.push_back(std::move(d));
    }
  }
  queue_->swap(kept);
  return taken;
}

std::size_t OutboundFlow::drop_expired(TimePoint now) {
  if (!queue_) return 0;
  std::size_t before = queue_->size();
  std::deque<Delivery> kept;
  for (Delivery& d : *queue_) {
    if (d.message->expired(now)) {
      unqueued(d);
      finished(d);
    } else {
      kept.push_back(std::move(d));
    }
  }
  queue_->swap(kept);
  return before - queue_->size();
}

void OutboundFlow::clear() {
  inflight_.clear();
  by_packet_id_.clear();
  queue_.reset();
  queued_bytes_ = 0;
  queued_qos0_ = 0;
}

void OutboundFlow::restore_inflight(Delivery delivery, std::uint16_t packet_id,
                                    InflightStage stage) {
  inflight_.push_back(Inflight{packet_id, stage, std::move(delivery)});
  by_packet_id_.emplace(packet_id, std::prev(inflight_.end()));
  last_packet_id_ = packet_id;
}

void OutboundFlow::restore_queued(Delivery delivery) { push_queue(std::move(delivery)); }

void OutboundFlow::push_queue(Delivery&& delivery) {
  queued_bytes_ += delivery.payload_bytes();
  if (delivery.qos == 0) ++queued_qos0_;
  if (!queue_) queue_ = std::make_unique<std::deque<Delivery>>();
  queue_->push_back(std::move(delivery));
}

Delivery OutboundFlow::pop_queue() {
  Delivery front = std::move(queue_->front());
  queue_->pop_front();
  unqueued(front);
  return front;
}

void OutboundFlow::unqueued(const Delivery& delivery) {
  queued_bytes_ -= delivery.payload_bytes();
  if (delivery.qos == 0) --queued_qos0_;
}

}  // namespace starling::session
