#pragma once
// The module's dispatcher thread: broker worker threads hand it the
// messages of Python subscriptions without touching Python, and it calls
// the Python callbacks one at a time, taking the GIL for each batch. A slow
// callback so only delays other callbacks, never the broker.
//
// The queue is bounded: when `capacity` messages wait, a new one is dropped
// and counted (dropped()), and the dispatcher logs a warning through the
// "starling" logger. Dropping, not blocking, keeps the broker's threads
// running whatever Python does.
//
// Thread-safety: post() and dropped() from any thread, no GIL needed.
// add(), remove() need the GIL. stop() without the GIL.
#include <pybind11/pybind11.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "starling/application_message.hpp"

namespace starling::python {

class Dispatcher {
 public:
  explicit Dispatcher(std::size_t capacity);
  ~Dispatcher();  // REQUIRES: stop() was called
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Registers the Python callable for subscription `id`. REQUIRES: the GIL.
  void add(std::uint64_t id, pybind11::object callback);
  // Forgets it; queued messages for it are skipped. REQUIRES: the GIL.
  void remove(std::uint64_t id);

  // Queues `message` for subscription `id`; false when the queue was full
  // (the message is dropped and counted) or the dispatcher stopped.
  bool post(std::uint64_t id, ApplicationMessage message);

  // Delivers what is queued already, then ends the thread and drops the
  // callables. REQUIRES: not holding the GIL; not on the dispatcher thread.
  void stop();
  bool on_dispatcher_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Item {
    std::uint64_t id;
    ApplicationMessage message;
  };
  void run();
  // REQUIRES: the GIL.
  void call(Item& item);
  void report_drops();

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::uint64_t reported_ = 0;                                     // dispatcher thread only
  std::unordered_map<std::uint64_t, pybind11::object> callbacks_;  // under the GIL
  std::thread thread_;
};

}  // namespace starling::python
