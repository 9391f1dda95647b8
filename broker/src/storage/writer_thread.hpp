#pragma once
// The single writer behind a Store: submit() queues a batch; the thread takes
// everything queued at once (a group), checks each batch (check_batch), drops
// the ops of the accepted ones that the group itself makes moot (a message
// put and deleted within the group: write_cancellation.hpp), writes the rest
// to the sink as ONE write, synced if any of them is durable (group commit:
// concurrent durable submitters share one sync), then runs their
// completions, in submission order, with the write's status. If nothing is
// left to write, a durable group only syncs what earlier writes left unsynced
// (and records the group's new message ids, unsynced, if it has any).
//
// Non-durable writes are synced `sync_interval` after the previous sync at
// the latest when it is > 0 (batched mode), else only by the next durable
// write, flush() or stop(). A failed write fails the batches of that write
// only; the next ones are written normally (no retries).
//
// Thread-safety: submit(), flush() and sync_count() from any thread, but
// never flush() from a completion (it would wait for itself). Completions run
// on the writer thread and must not throw.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/batch_sink.hpp"
#include "storage/store.hpp"
#include "storage/store_metrics.hpp"
#include "storage/write_cancellation.hpp"

namespace starling::storage {

class WriterThread {
 public:
  // `sink` must outlive this object (or its stop()). `last_message_id`: no
  // message or outbound key in the sink has a higher message id.
  WriterThread(BatchSink& sink, std::chrono::milliseconds sync_interval, MessageId last_message_id);
  ~WriterThread();  // stop()
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // After stop(), `done` runs at once on the caller's thread with
  // kStorageClosed.
  void submit(WriteBatch batch, bool durable, Store::Completion done);

  // Waits until everything submitted before the call is applied and synced;
  // returns the status of that last write or sync.
  Status flush();

  // Drains the queue, syncs what is unsynced and joins the thread. Idempotent.
  void stop();

  // Synced writes plus syncs so far (for tests of group commit).
  std::uint64_t sync_count() const { return syncs_.load(std::memory_order_relaxed); }

  // Ops dropped by write cancellation so far.
  std::uint64_t cancelled_count() const { return cancelled_.load(std::memory_order_relaxed); }

  // Write latencies and sync batch sizes so far (any thread).
  const StoreMetrics& metrics() const { return metrics_; }

 private:
  struct Pending {
    WriteBatch batch;
    bool durable = false;
    Store::Completion done;
  };
  using Clock = std::chrono::steady_clock;

  void run();
  void process(std::vector<Pending>& group);
  Status write(std::span<const WriteBatch* const> batches, MessageId highest_id, bool sync);
  Status sync_now();
  bool sync_due() const;

  BatchSink& sink_;
  const std::chrono::milliseconds sync_interval_;

  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::vector<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_

  // Writer thread only.
  bool unsynced_ = false;
  Clock::time_point next_sync_{};
  WriteCancellation cancellation_;
  MessageId recorded_id_;                    // highest id a successful write handed on
  std::vector<WriteBatch*> accepted_;        // per group; kept for its capacity
  std::vector<const WriteBatch*> to_write_;  // likewise
  std::vector<Status> statuses_;             // likewise

  std::atomic<std::uint64_t> syncs_{0};
  std::atomic<std::uint64_t> cancelled_{0};
  StoreMetrics metrics_;
  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace starling::storage
