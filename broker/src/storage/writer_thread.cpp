#include "storage/writer_thread.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <string>
#include <utility>

#include "storage/check_batch.hpp"
#include "storage/storage_error.hpp"

namespace starling::storage {

WriterThread::WriterThread(BatchSink& sink, std::chrono::milliseconds sync_interval,
                           MessageId last_message_id)
    : sink_(sink),
      sync_interval_(sync_interval),
      cancellation_(last_message_id),
      recorded_id_(last_message_id),
      thread_([this] { run(); }) {}

WriterThread::~WriterThread() {
  stop();
}

void WriterThread::submit(WriteBatch batch, bool durable, Store::Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(batch), durable, std::move(done)});
      work_cv_.notify_one();
      return;
    }
  }
  if (done) done(Error{kStorageClosed, "store is closed"});
}

Status WriterThread::flush() {
  // An empty durable batch is a barrier: it completes once everything before
  // it is applied, and it syncs whatever is not yet synced.
  std::promise<Status> promise;
  std::future<Status> result = promise.get_future();
  submit(WriteBatch{}, true, [&promise](const Status& status) { promise.set_value(status); });
  return result.get();
}

void WriterThread::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    work_cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

bool WriterThread::sync_due() const {
  return unsynced_ && sync_interval_.count() > 0 && Clock::now() >= next_sync_;
}

void WriterThread::run() {
  std::vector<Pending> group;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (sync_due()) {
      lock.unlock();
      (void)sync_now();  // no batch waits on it; a failure shows in flush()
      lock.lock();
      continue;
    }
    if (queue_.empty()) {
      if (stopping_) break;
      auto has_work = [this] { return stopping_ || !queue_.empty(); };
      if (unsynced_ && sync_interval_.count() > 0) {
        work_cv_.wait_until(lock, next_sync_, has_work);
      } else {
        work_cv_.wait(lock, has_work);
      }
      continue;
    }
    group.swap(queue_);
    lock.unlock();
    process(group);
    group.clear();  // completions are destroyed outside the lock
    lock.lock();
  }
  lock.unlock();
  if (unsynced_) (void)sync_now();  // a clean shutdown loses nothing
}

void WriterThread::process(std::vector<Pending>& group) {
  statuses_.clear();
  accepted_.clear();
  to_write_.clear();
  bool durable = false;
  for (Pending& p : group) {
    statuses_.push_back(check_batch(p.batch));
    if (!statuses_.back().ok()) continue;
    durable = durable || p.durable;
    if (!p.batch.empty()) accepted_.push_back(&p.batch);
  }

  Status result;
  MessageId highest_id = 0;
  if (!accepted_.empty()) {
    const std::uint64_t before = cancellation_.cancelled();
    highest_id = cancellation_.cancel(accepted_);
    cancelled_.fetch_add(cancellation_.cancelled() - before, std::memory_order_relaxed);
    for (const WriteBatch* batch : accepted_) {
      if (!batch->empty()) to_write_.push_back(batch);
    }
  }
  // A group whose writes all cancelled still records its ids, so that they
  // are never reused; that alone needs no sync.
  if (!to_write_.empty() || highest_id > recorded_id_) {
    const bool sync = durable && (!to_write_.empty() || unsynced_);
    const Clock::time_point started = Clock::now();
    result = write(to_write_, highest_id, sync);
    metrics_.write_latency_ns.observe(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count()));
    if (sync && result.ok()) metrics_.sync_batch_size.observe(accepted_.size());
    if (result.ok()) {
      recorded_id_ = std::max(recorded_id_, highest_id);
      unsynced_ = !sync;
      if (sync) next_sync_ = Clock::now() + sync_interval_;
    }
  } else if (durable && unsynced_) {
    // Nothing (left) to write; what was promised must still be durable.
    result = sync_now();
  }

  for (std::size_t i = 0; i < group.size(); ++i) {
    if (!group[i].done) continue;
    group[i].done(statuses_[i].ok() ? result : statuses_[i]);
  }
}

Status WriterThread::write(std::span<const WriteBatch* const> batches, MessageId highest_id,
                           bool sync) {
  if (sync) syncs_.fetch_add(1, std::memory_order_relaxed);
  try {
    Status status = sink_.write(batches, highest_id, sync);
    if (!status.ok()) metrics_.write_errors.fetch_add(1, std::memory_order_relaxed);
    return status;
  } catch (const std::exception& e) {
    metrics_.write_errors.fetch_add(1, std::memory_order_relaxed);
    return Error{kStorageIoError, std::string("store write failed: ") + e.what()};
  }
}

Status WriterThread::sync_now() {
  syncs_.fetch_add(1, std::memory_order_relaxed);
  // Whatever the outcome, wait a full interval before the next attempt, so a
  // failing disk is not hammered.
  next_sync_ = Clock::now() + sync_interval_;
  Status status;
  try {
    status = sink_.sync();
  } catch (const std::exception& e) {
    status = Error{kStorageIoError, std::string("store sync failed: ") + e.what()};
  }
  if (status.ok()) unsynced_ = false;
  if (!status.ok()) metrics_.write_errors.fetch_add(1, std::memory_order_relaxed);
  return status;
}

}  // namespace starling::storage
