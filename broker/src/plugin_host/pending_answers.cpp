#include "plugin_host/pending_answers.hpp"

#include <utility>

namespace starling::plugin_host {

void PendingAnswers::await(std::uint64_t ticket, Receiver receiver) {
  std::unique_lock lock(mutex_);
  auto early = early_.find(ticket);
  if (early != early_.end()) {
    Answer answer = early->second.answer;
    early_.erase(early);
    lock.unlock();
    receiver(answer);
    return;
  }
  waiting_.emplace(ticket, std::move(receiver));
}

void PendingAnswers::cancel(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  waiting_.erase(ticket);
  early_.erase(ticket);
}

bool PendingAnswers::answer(std::uint64_t ticket, Answer answer) {
  if (ticket == 0 || ticket >= next_.load(std::memory_order_relaxed)) return false;
  std::unique_lock lock(mutex_);
  auto waiting = waiting_.find(ticket);
  if (waiting == waiting_.end()) {
    auto now = Clock::now();
    forget_stale_early(now);
    early_.insert_or_assign(ticket, Early{answer, now});
    return true;
  }
  Receiver receiver = std::move(waiting->second);
  waiting_.erase(waiting);
  lock.unlock();
  receiver(answer);
  return true;
}

std::size_t PendingAnswers::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

void PendingAnswers::forget_stale_early(Clock::time_point now) {
  if (early_.size() < 64) return;
  std::erase_if(early_, [now](const auto& entry) {
    return now - entry.second.at > std::chrono::minutes(1);
  });
}

}  // namespace starling::plugin_host
