// The python plugin's queue to its Python thread: jobs in order, a bound,
// a stop request that is never refused, and an eventfd that wakes a poller.
#include "python/loop_queue.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <thread>

namespace starling::plugins::python {
namespace {

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1;
}

std::unique_ptr<LoopQueue> make_queue(std::size_t max_queued) {
  auto queue = LoopQueue::create(max_queued);
  EXPECT_TRUE(queue.ok());
  return std::move(*queue);
}

TEST(LoopQueueTest, JobsPostedFromAnotherThreadWakeThePollerAndRunInOrder) {
  auto queue = make_queue(10);
  EXPECT_FALSE(readable(queue->fd(), 0));
  std::vector<int> ran;
  std::thread poster([&] {
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(queue->post([&ran, i] { ran.push_back(i); }));
  });
  poster.join();
  ASSERT_TRUE(readable(queue->fd(), 1000));
  LoopQueue::Taken taken = queue->take();
  for (auto& job : taken.jobs) job();
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(taken.stop_requested);
  EXPECT_FALSE(readable(queue->fd(), 0));
}

TEST(LoopQueueTest, AFullQueueRefusesAJobButAStopRequestAlwaysGetsThrough) {
  auto queue = make_queue(1);
  EXPECT_TRUE(queue->post([] {}));
  EXPECT_FALSE(queue->post([] {}));
  queue->request_stop();
  ASSERT_TRUE(readable(queue->fd(), 1000));
  LoopQueue::Taken taken = queue->take();
  EXPECT_EQ(taken.jobs.size(), 1u);
  EXPECT_TRUE(taken.stop_requested);
}

TEST(LoopQueueTest, AClosedQueueRefusesJobsAndHandsBackThoseNeverTaken) {
  auto queue = make_queue(10);
  EXPECT_TRUE(queue->post([] {}));
  EXPECT_EQ(queue->close().size(), 1u);
  EXPECT_FALSE(queue->post([] {}));
}

}  // namespace
}  // namespace starling::plugins::python
