#pragma once
// Work handed from any thread to the plugin's Python thread: a queue of
// jobs and an eventfd that the asyncio loop watches, so a broker thread
// posts a job without taking the GIL.
// Thread-safety: post() and request_stop() from any thread; fd(),
// take() and close() on the Python thread only.
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "starling/result.hpp"

namespace starling::plugins::python {

class LoopQueue {
 public:
  using Job = std::function<void()>;

  // An error when the kernel gives no eventfd.
  static Result<std::unique_ptr<LoopQueue>> create(std::size_t max_queued);
  ~LoopQueue();
  LoopQueue(const LoopQueue&) = delete;
  LoopQueue& operator=(const LoopQueue&) = delete;

  // Queues `job` and wakes the Python thread; false when max_queued jobs
  // wait already or the queue is closed. A refused job is destroyed here,
  // on the caller's thread (which must hold the GIL if it owns Python objects).
  [[nodiscard]] bool post(Job job);
  // Wakes the Python thread with stop_requested() set; never refused.
  void request_stop();

  // The descriptor to watch for "readable": jobs or a stop wait.
  int fd() const { return fd_; }

  struct Taken {
    std::deque<Job> jobs;
    bool stop_requested = false;
  };
  // Everything posted so far, and whether a stop was asked; clears the wake-up.
  Taken take();
  // Refuses later posts; returns the jobs never taken (to be dropped unrun).
  std::deque<Job> close();

 private:
  LoopQueue(int fd, std::size_t max_queued) : fd_(fd), max_queued_(max_queued) {}
  void wake();

  const int fd_;
  const std::size_t max_queued_;
  std::mutex mutex_;
  std::deque<Job> jobs_;
  bool stop_requested_ = false;
  bool closed_ = false;
};

}  // namespace starling::plugins::python
