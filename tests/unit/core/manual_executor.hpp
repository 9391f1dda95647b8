#pragma once
// An Executor for tests: tasks wait in a queue until the test runs them, so
// the order of cross-shard work is decided by the test, not by threads.
#include <cstddef>
#include <deque>
#include <functional>
#include <utility>

#include "core/executor.hpp"

namespace starling::testing {

class ManualExecutor : public Executor {
 public:
  void post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }
  // True only while run_one() runs a task: "this thread" is the executor's.
  bool running_in_this_thread() const override { return running_; }

  // Runs the oldest task, if any. Returns whether there was one.
  bool run_one() {
    if (tasks_.empty()) return false;
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    running_ = true;
    task();
    running_ = false;
    return true;
  }

  std::size_t pending() const { return tasks_.size(); }

 private:
  std::deque<std::function<void()>> tasks_;
  bool running_ = false;
};

}  // namespace starling::testing
