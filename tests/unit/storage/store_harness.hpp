#pragma once
// Runs the same contract tests against both stores. A Kind opens a store and
// "reopens" it: RocksDB closes and reopens the same directory; the memory
// store has nothing to reopen from, so it only flushes.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <utility>

#include "storage/rocksdb_store.hpp"
#include "storage/store.hpp"
#include "temp_dir.hpp"

namespace starling::storage {

struct MemoryKind {
  std::unique_ptr<Store> open() { return make_memory_store(); }
  void reopen(std::unique_ptr<Store>& store) { ASSERT_TRUE(store->flush().ok()); }
};

struct RocksDbKind {
  TempDir dir;
  std::unique_ptr<Store> open() {
    auto store = open_rocksdb_store(dir.str(), 0);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }
  void reopen(std::unique_ptr<Store>& store) {
    store.reset();
    store = open();
    ASSERT_NE(store, nullptr);
  }
};

// Submits `batch` and waits for its completion.
inline Status apply(Store& store, WriteBatch batch, bool durable = true) {
  std::promise<Status> done;
  auto result = done.get_future();
  store.submit(std::move(batch), durable, [&done](const Status& s) { done.set_value(s); });
  return result.get();
}

// Flushes, then loads; fails the test on an error.
inline Snapshot load_all(Store& store) {
  EXPECT_TRUE(store.flush().ok());
  Result<Snapshot> snap = store.load();
  EXPECT_TRUE(snap.ok()) << snap.error().message;
  return snap.ok() ? std::move(snap).value() : Snapshot{};
}

}  // namespace starling::storage
