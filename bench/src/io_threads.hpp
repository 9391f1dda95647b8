#pragma once
// N io_contexts, each run by its own thread until stop(). Connections are
// spread over them round robin.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace starling::bench {

class IoThreads {
 public:
  explicit IoThreads(unsigned count) {
    for (unsigned i = 0; i < count; ++i) {
      contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
      guards_.emplace_back(contexts_.back()->get_executor());
    }
    for (auto& context : contexts_) threads_.emplace_back([&context] { context->run(); });
  }
  ~IoThreads() { stop(); }
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  boost::asio::io_context& at(std::size_t i) { return *contexts_[i % contexts_.size()]; }

  // Stops every context and joins its thread; handlers not yet run are dropped.
  void stop() {
    for (auto& context : contexts_) context->stop();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
    guards_.clear();
  }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace starling::bench
