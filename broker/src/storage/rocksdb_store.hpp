#pragma once
// RocksDbStore: the durable Store (layout and durability modes in
// key_layout.md). open_rocksdb_store() is the way in for the broker; this
// header adds what tests need: an Env hook and a sync counter.
//
// Thread-safety as Store. load() is also correct after submits once flush()
// has returned.
#include <rocksdb/env.h>

#include <cstdint>
#include <memory>
#include <string>

#include "storage/store.hpp"

namespace starling::storage {

struct RocksDbStoreOptions {
  std::string directory;
  // > 0: non-durable writes are synced at most this often (batched mode).
  std::uint32_t batched_flush_ms = 0;
  // Where RocksDB does its I/O. Default (nullptr): rocksdb::Env::Default().
  // Tests pass an Env that injects faults; it must outlive the store.
  rocksdb::Env* env = nullptr;
};

class RocksDbStore final : public Store {
 public:
  static Result<std::unique_ptr<RocksDbStore>> open(const RocksDbStoreOptions& options);
  // Drains the queue, syncs unsynced writes and closes the database.
  ~RocksDbStore() override;

  void submit(WriteBatch batch, bool durable, Completion done) override;
  Status flush() override;
  Result<Snapshot> load() override;

  // Synced writes and WAL syncs so far: shows group commit at work.
  std::uint64_t sync_count() const;
  const StoreMetrics* metrics() const override;

 private:
  class Impl;
  explicit RocksDbStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace starling::storage
