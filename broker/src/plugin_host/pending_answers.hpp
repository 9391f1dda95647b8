#pragma once
// Tickets for hook calls that answer later (STARLING_PENDING). A ticket is
// issued before the hook is called, so the plugin may answer from another
// thread even before the hook has returned; such an early answer is kept
// until the broker starts waiting for it.
//
// Threading: every method is thread-safe.
#include <chrono>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "starling/plugin.h"

namespace starling::plugin_host {

struct Answer {
  starling_decision decision = STARLING_NEXT;
  std::uint8_t reason_code = 0;
};

class PendingAnswers {
 public:
  using Receiver = std::function<void(Answer)>;

  std::uint64_t issue() { return next_.fetch_add(1, std::memory_order_relaxed); }

  // The hook answered pending: `receiver` gets the answer (on the answering
  // thread, or at once if it came early), unless cancel() comes first.
  void await(std::uint64_t ticket, Receiver receiver);
  // Stop waiting (timeout, client gone). Later answers are ignored.
  void cancel(std::uint64_t ticket);
  // From host->answer. False when the ticket was never issued.
  bool answer(std::uint64_t ticket, Answer answer);

  std::size_t waiting() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Early {
    Answer answer;
    Clock::time_point at;
  };
  void forget_stale_early(Clock::time_point now);

  std::atomic<std::uint64_t> next_{1};
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Receiver> waiting_;
  // Answers that arrived before await(); dropped after a minute (a plugin
  // answering a ticket whose hook did not pend would otherwise leak).
  std::unordered_map<std::uint64_t, Early> early_;
};

}  // namespace starling::plugin_host
