#pragma once
// Messages a test client received, in arrival order. Thread-safe: the client
// library's callback thread pushes, the test thread waits and reads.
#include <mqtt/message.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace starling::test {

// How long a test watches for something that must NOT arrive. Anything the
// broker would wrongly send on loopback shows up well within this.
inline constexpr std::chrono::milliseconds kQuietPeriod{300};

// Upper bound for something that must arrive.
inline constexpr std::chrono::milliseconds kArrivalTimeout{5000};

class MessageQueue {
 public:
  void push(mqtt::const_message_ptr message) {
    {
      std::lock_guard lock(mutex_);
      messages_.push_back(std::move(message));
    }
    changed_.notify_all();
  }

  // Waits until at least `count` messages have arrived in total; false on timeout.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = kArrivalTimeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  }

  // True when no more than `count` messages arrive during `period`.
  bool stays_at(std::size_t count, std::chrono::milliseconds period = kQuietPeriod) {
    return !wait_for(count + 1, period);
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }

  // The i-th message received; REQUIRES: i < size().
  mqtt::const_message_ptr at(std::size_t i) const {
    std::lock_guard lock(mutex_);
    return messages_.at(i);
  }

  std::vector<mqtt::const_message_ptr> snapshot() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<mqtt::const_message_ptr> messages_;
};

}  // namespace starling::test
