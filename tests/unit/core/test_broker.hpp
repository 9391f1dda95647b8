#pragma once
// A BrokerCore with its shards on manual executors: the whole core, minus
// sockets and threads. Time is the test's: `now()` starts at the real steady
// clock (the core reads SteadyClock::now() in a few places of its own) and
// moves only when the test advances it.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "core/broker_core.hpp"
#include "manual_executor.hpp"
#include "starling/options.hpp"

namespace starling::testing {

class TestBroker {
 public:
  explicit TestBroker(Options options = {}, std::size_t shard_count = 1);
  TestBroker(const TestBroker&) = delete;
  TestBroker& operator=(const TestBroker&) = delete;

  BrokerCore& core() { return *core_; }
  Shard& shard(std::size_t i) { return core_->shard(i); }
  ManualExecutor& executor(std::size_t i) { return *executors_[i]; }
  const ListenerOptions& listener() const { return listener_; }

  TimePoint now() const { return now_; }
  void advance(std::chrono::milliseconds by) { now_ += by; }

  // Runs every shard's tasks, one at a time round robin, until none is left.
  void run_until_idle();
  // Runs `task` as a task of shard `i`, then everything it caused.
  void run_on(std::size_t i, std::function<void()> task);
  // Every shard's once-a-second tick at now(), then everything it caused.
  void tick();

 private:
  // Declared first, so destroyed last: tasks still queued at the end hold
  // sessions, which are released after the core is gone.
  std::vector<std::unique_ptr<ManualExecutor>> executors_;
  ListenerOptions listener_;
  std::unique_ptr<BrokerCore> core_;
  TimePoint now_;
};

}  // namespace starling::testing
