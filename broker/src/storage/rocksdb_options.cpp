#include "storage/rocksdb_options.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/listener.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>

#include <memory>

namespace starling::storage {
namespace {

constexpr int kMaxOpenFiles = 256;  // the broker needs its descriptors for clients
constexpr std::size_t kBlockCacheBytes = 32 << 20;
constexpr std::size_t kAllMemtablesBytes = 64 << 20;
constexpr std::size_t kMemtableBytes = 16 << 20;
constexpr std::uint64_t kMaxTotalWalBytes = 256 << 20;
constexpr std::uint64_t kPeriodicCompactionSeconds = 24 * 60 * 60;

// After a write error (e.g. disk full) RocksDB would recover on its own
// background schedule and refuse DB::Resume() meanwhile; the store resumes
// itself before its next write instead, so recovery follows the writes.
class ManualRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    bg_error.PermitUncheckedError();
    *auto_recovery = false;
  }
};

std::shared_ptr<rocksdb::Cache> block_cache() {
  // One cache for every column family of every store in the process.
  static const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  return cache;
}

}  // namespace

rocksdb::DBOptions make_db_options(rocksdb::Env* env) {
  rocksdb::DBOptions o;
  if (env != nullptr) o.env = env;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.paranoid_checks = true;
  o.manual_wal_flush = false;
  o.max_open_files = kMaxOpenFiles;
  o.db_write_buffer_size = kAllMemtablesBytes;
  // Sessions and retained messages change rarely; without a cap their
  // unflushed memtables would pin old WAL files for ever.
  o.max_total_wal_size = kMaxTotalWalBytes;
  o.max_background_jobs = 2;
  o.keep_log_file_num = 4;
  o.max_log_file_size = 8 << 20;
  // Required by the vector memtables; the store has a single writer anyway.
  o.allow_concurrent_memtable_write = false;
  o.listeners.push_back(std::make_shared<ManualRecovery>());
  return o;
}

rocksdb::ColumnFamilyOptions make_column_family_options(bool churning) {
  rocksdb::ColumnFamilyOptions o;
  o.compaction_style = rocksdb::kCompactionStyleLevel;
  o.level_compaction_dynamic_level_bytes = true;
  o.write_buffer_size = kMemtableBytes;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = block_cache();
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (churning) {
    // The store only writes while the broker runs, and these families take
    // a put and later a delete per message: a vector memtable appends
    // instead of searching a skiplist per insert (that search was a quarter
    // of the broker's CPU in the durable QoS 1 benchmark). It sorts once, on
    // flush or when load() first iterates it.
    o.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
    // A file that is mostly tombstones (delivered messages) is compacted
    // soon, and every file at least daily, so deleted data leaves the disk.
    o.table_properties_collector_factories.push_back(
        rocksdb::NewCompactOnDeletionCollectorFactory(128, 64, 0.5));
    o.periodic_compaction_seconds = kPeriodicCompactionSeconds;
  }
  return o;
}

}  // namespace starling::storage
