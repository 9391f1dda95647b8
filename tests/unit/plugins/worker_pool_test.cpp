// The auth_file plugin's worker threads.
#include "auth_file/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace starling::plugins::auth_file {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPool, RunsEveryPostedJobOffTheCallingThread) {
  std::atomic<int> ran{0};
  std::atomic<bool> on_caller{false};
  const auto caller = std::this_thread::get_id();
  {
    WorkerPool pool(2, 100);
    std::promise<void> done;
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(pool.post([&, i] {
        if (std::this_thread::get_id() == caller) on_caller = true;
        if (++ran == 10) done.set_value();
        static_cast<void>(i);
      }));
    }
    ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  }
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(on_caller);
}

TEST(WorkerPool, RefusesJobsBeyondItsQueueLimit) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  WorkerPool pool(1, 2);
  ASSERT_TRUE(pool.post([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the one thread is busy: the rest queue
  EXPECT_TRUE(pool.post([] {}));
  EXPECT_TRUE(pool.post([] {}));
  EXPECT_FALSE(pool.post([] {}));
  release.set_value();
}

}  // namespace
}  // namespace starling::plugins::auth_file
