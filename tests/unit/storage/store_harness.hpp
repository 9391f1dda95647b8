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

// Holds the store's writer thread inside a completion until release() (or
// destruction), so that everything submitted meanwhile is written as ONE
// group, the way batches pile up under load.
class WriterGate {
 public:
  explicit WriterGate(Store& store) {
    auto entered = std::make_shared<std::promise<void>>();
    auto held = entered->get_future();
    store.submit(WriteBatch{}, false,
                 [entered, open = release_.get_future().share()](const Status&) {
                   entered->set_value();
                   open.wait();
                 });
    held.wait();
  }
  ~WriterGate() { release(); }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  void release() {
    if (released_) return;
    released_ = true;
    release_.set_value();
  }

 private:
  std::promise<void> release_;
  bool released_ = false;
};

// Flushes, then loads; fails the test on an error.
inline Snapshot load_all(Store& store) {
  EXPECT_TRUE(store.flush().ok());
  Result<Snapshot> snap = store.load();
  EXPECT_TRUE(snap.ok()) << snap.error().message;
  return snap.ok() ? std::move(snap).value() : Snapshot{};
}

}  // namespace starling::storage
