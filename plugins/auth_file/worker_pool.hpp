#pragma once
// A few threads that run queued jobs in order of arrival: where auth_file
// hashes passwords, so no broker thread waits on PBKDF2.
// Thread-safety: post() may be called from any thread. The destructor
// discards jobs not started yet and waits for running ones.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace starling::plugins::auth_file {

class WorkerPool {
 public:
  // REQUIRES: threads >= 1.
  WorkerPool(std::size_t threads, std::size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; false (and `job` not run) when max_queued jobs wait already.
  [[nodiscard]] bool post(std::function<void()> job);

 private:
  void run();

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace starling::plugins::auth_file
