#pragma once
// Where a WriterThread puts batches: the RocksDB database or the in-memory
// tables. Called only from the writer thread, one call at a time.
#include <span>

#include "starling/result.hpp"
#include "storage/store.hpp"

namespace starling::storage {

class BatchSink {
 public:
  virtual ~BatchSink() = default;

  // Applies `batches` in order, atomically (all or none). With `sync`,
  // returns only once they and every earlier write are on stable storage.
  // `highest_id`: the highest message id of the group's puts, including puts
  // the writer cancelled (write_cancellation.hpp); on success the sink's last
  // message id becomes at least that, so ids are never reused. Must not throw.
  virtual Status write(std::span<const WriteBatch* const> batches, MessageId highest_id,
                       bool sync) = 0;

  // Makes every write so far durable. Must not throw.
  virtual Status sync() = 0;
};

}  // namespace starling::storage
