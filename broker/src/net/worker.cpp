#include "net/worker.hpp"

#include <boost/asio/post.hpp>

#include "core/shard.hpp"
#include "util/log.hpp"

namespace starling {

Worker::Worker(std::size_t index)
    : index_(index), work_(boost::asio::make_work_guard(io_)), tick_timer_(io_) {}

Worker::~Worker() { stop_and_join(); }

void Worker::post(std::function<void()> task) { boost::asio::post(io_, std::move(task)); }

bool Worker::running_in_this_thread() const {
  return io_.get_executor().running_in_this_thread();
}

void Worker::start(Shard& shard) {
  shard_ = &shard;
  schedule_tick();
  thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        // Nothing on the data path throws by design; if a library call does,
        // log it and keep serving the other clients.
        STARLING_LOG(kError) << "worker " << index_ << ": unexpected exception: " << e.what();
      }
    }
  });
}

void Worker::stop_and_join() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Worker::schedule_tick() {
  tick_timer_.expires_after(std::chrono::seconds(1));
  tick_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    shard_->tick(SteadyClock::now());
    schedule_tick();
  });
}

}  // namespace starling
