#pragma once
// Counts open connections against a limit: a listener's own and the
// broker's overall. A slot is taken at accept and given back when the
// connection object is destroyed, whichever thread that happens on.
#include <atomic>
#include <cstdint>
#include <memory>

namespace starling {

class ConnectionCounter {
 public:
  explicit ConnectionCounter(std::uint32_t limit) : limit_(limit) {}
  // False when `limit` connections are open already (0: no limit).
  bool try_take() {
    std::uint32_t open = open_.fetch_add(1, std::memory_order_relaxed);
    if (limit_ != 0 && open >= limit_) {
      open_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  void give_back() { open_.fetch_sub(1, std::memory_order_relaxed); }
  std::uint32_t open() const { return open_.load(std::memory_order_relaxed); }

 private:
  const std::uint32_t limit_;
  std::atomic<std::uint32_t> open_{0};
};

// One connection's place in its listener's and the broker's counts.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  // Takes a place in both counters, or none (then ok() is false).
  ConnectionSlot(std::shared_ptr<ConnectionCounter> listener,
                 std::shared_ptr<ConnectionCounter> broker) {
    if (!listener->try_take()) return;
    if (!broker->try_take()) {
      listener->give_back();
      return;
    }
    listener_ = std::move(listener);
    broker_ = std::move(broker);
  }
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    release();
    listener_ = std::move(other.listener_);
    broker_ = std::move(other.broker_);
    return *this;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

  bool ok() const { return listener_ != nullptr; }

 private:
  void release() {
    if (!listener_) return;
    listener_->give_back();
    broker_->give_back();
    listener_.reset();
    broker_.reset();
  }

  std::shared_ptr<ConnectionCounter> listener_;
  std::shared_ptr<ConnectionCounter> broker_;
};

}  // namespace starling
