#include "loop_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

namespace starling::plugins::python {

Result<std::unique_ptr<LoopQueue>> LoopQueue::create(std::size_t max_queued) {
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return Error{errno, std::string("eventfd: ") + std::strerror(errno)};
  return std::unique_ptr<LoopQueue>(new LoopQueue(fd, max_queued));
}

LoopQueue::~LoopQueue() {
  ::close(fd_);
}

bool LoopQueue::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
    // Only the first job since the last take() needs to wake the loop.
    if (jobs_.size() > 1) return true;
  }
  wake();
  return true;
}

void LoopQueue::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake();
}

void LoopQueue::wake() {
  const std::uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the loop wakes anyway.
  [[maybe_unused]] const ssize_t written = ::write(fd_, &one, sizeof one);
}

LoopQueue::Taken LoopQueue::take() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t read = ::read(fd_, &count, sizeof count);
  Taken taken;
  std::lock_guard lock(mutex_);
  taken.jobs.swap(jobs_);
  taken.stop_requested = stop_requested_;
  return taken;
}

std::deque<LoopQueue::Job> LoopQueue::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  std::deque<Job> left;
  left.swap(jobs_);
  return left;
}

}  // namespace starling::plugins::python
