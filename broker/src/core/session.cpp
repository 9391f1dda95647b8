#include "core/session.hpp"

#include <utility>

#include "core/client_connection.hpp"
#include "core/shard.hpp"

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
  mailbox_.emplace_front(std::move(on_arrival));
  // A drain already posted to the old owner finds it no longer owns us and
  // does nothing; the new owner gets its own.
  drain_scheduled_ = false;
  schedule_drain_locked();
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
      if (mailbox_.empty()) {
        drain_scheduled_ = false;
        break;
      }
      mail = std::move(mailbox_.front());
      mailbox_.pop_front();
    }
    if (auto* delivery = std::get_if<session::Delivery>(&mail)) {
      if (ended) continue;
      owner_->deliver_locally(*this, std::move(*delivery), now);
    } else {
      std::get<Task>(mail)(*this);
    }
  }
  if (connection != nullptr) connection->flush();
}

}  // namespace starling
