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
  // Must not throw.
  virtual Status write(std::span<const WriteBatch* const> batches, bool sync) = 0;

  // Makes every write so far durable. Must not throw.
  virtual Status sync() = 0;
};

}  // namespace starling::storage
