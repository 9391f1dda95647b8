#include "core/session.hpp"

#include <utility>

#include "core/client_connection.hpp"
#include "core/shard.hpp"
#include "core/stored_records.hpp"

namespace starling {

Session::Session(std::string client_id, Shard* owner, session::OutboundLimits limits)
    : outbound(limits), client_id_(std::move(client_id)), owner_(owner) {}

Shard* Session::owner() const {
  std::lock_guard lock(mailbox_mutex_);
  return owner_;
}

void Session::deliver(session::Delivery delivery) {
  std::lock_guard lock(mailbox_mutex_);
  mailbox_.emplace_back(std::move(delivery));
  schedule_drain_locked();
}

void Session::run(Task task) {
  std::lock_guard lock(mailbox_mutex_);
  mailbox_.emplace_back(std::move(task));
  schedule_drain_locked();
}

void Session::migrate(Shard* new_owner, Task on_arrival) {
  std::lock_guard lock(mailbox_mutex_);
  owner_ = new_owner;
  // First in line at the new owner, before anything still waiting.
  if (mailbox_head_ > 0) {
    mailbox_[--mailbox_head_] = Mail(std::move(on_arrival));
  } else {
    mailbox_.emplace(mailbox_.begin(), std::move(on_arrival));
  }
  // A drain already posted to the old owner finds it no longer owns us and
  // does nothing; the new owner gets its own.
  drain_scheduled_ = false;
  schedule_drain_locked();
}

bool Session::persist(storage::Store& store, storage::WriteBatch batch, bool durable,
                      storage::Store::Completion done) {
  std::lock_guard lock(store_mutex_);
  if (!persistent_.load(std::memory_order_relaxed)) return false;
  store.submit(std::move(batch), durable, std::move(done));
  return true;
}

void Session::set_persistent(bool persistent) {
  std::lock_guard lock(store_mutex_);
  persistent_.store(persistent, std::memory_order_release);
}

void Session::forget_in_store(storage::Store& store, storage::WriteBatch batch) {
  std::lock_guard lock(store_mutex_);
  persistent_.store(false, std::memory_order_release);
  store.submit(std::move(batch), false, {});
}

void Session::on_inflight(const session::Delivery& delivery, std::uint16_t packet_id,
                          session::InflightStage stage, bool must_be_durable) {
  storage::StoredOutbound entry = to_stored(delivery, client_id_);
  entry.packet_id = packet_id;
  switch (stage) {
    case session::InflightStage::kAwaitPuback: entry.stage = storage::OutboundStage::kAwaitPuback; break;
    case session::InflightStage::kAwaitPubrec: entry.stage = storage::OutboundStage::kAwaitPubrec; break;
    case session::InflightStage::kAwaitPubcomp: entry.stage = storage::OutboundStage::kAwaitPubcomp; break;
  }
  journal.put_outbound(std::move(entry));
  journal_must_be_durable = journal_must_be_durable || must_be_durable;
}

void Session::on_finished(const session::Delivery& delivery) {
  const Message& message = *delivery.message;
  journal.delete_outbound(client_id_, message.id);
  if (message.stored_refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    journal.delete_message(message.id);
  }
}

void Session::schedule_drain_locked() {
  if (drain_scheduled_) return;
  drain_scheduled_ = true;
  owner_->executor().post([self = shared_from_this()] { self->drain(); });
}

void Session::drain() {
  TimePoint now = SteadyClock::now();
  for (;;) {
    Mail mail;
    {
      std::lock_guard lock(mailbox_mutex_);
      if (!owner_->executor().running_in_this_thread()) return;  // migrated away
      if (mailbox_head_ == mailbox_.size()) {
        mailbox_.clear();
        mailbox_head_ = 0;
        if (mailbox_.capacity() > 64) mailbox_.shrink_to_fit();  // after a burst
        drain_scheduled_ = false;
        break;
      }
      mail = std::move(mailbox_[mailbox_head_++]);
    }
    if (auto* delivery = std::get_if<session::Delivery>(&mail)) {
      if (ended) continue;
      owner_->deliver_locally(*this, std::move(*delivery), now);
    } else {
      std::get<Task>(mail)(*this);
    }
  }
  owner_->commit_journal(*this);
  if (connection != nullptr) connection->flush();
}

}  // namespace starling
