#pragma once
// One worker thread running its own io_context: the Executor a Shard runs
// on, plus the once-a-second tick that drives timeouts and expiry.
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/executor.hpp"

namespace starling {

class Shard;

class Worker final : public Executor {
 public:
  explicit Worker(std::size_t index);
  ~Worker() override;

  void post(std::function<void()> task) override;
  bool running_in_this_thread() const override;

  boost::asio::io_context& io_context() { return io_; }
  std::size_t index() const { return index_; }

  // Starts the thread; the shard ticks once a second on it.
  void start(Shard& shard);
  // Stops the event loop (pending handlers are dropped) and joins.
  void stop_and_join();

 private:
  void schedule_tick();

  std::size_t index_;
  mutable boost::asio::io_context io_{1};  // mutable: get_executor() is non-const
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer tick_timer_;
  Shard* shard_ = nullptr;
  std::thread thread_;
};

}  // namespace starling
