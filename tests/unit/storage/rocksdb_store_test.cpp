// RocksDB-only behaviour: what a directory must hold to be opened, group
// commit, periodic syncs, and recovery from write errors.
#include "storage/rocksdb_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "faulty_file_system.hpp"
#include "sample_records.hpp"
#include "storage/rocksdb_database.hpp"
#include "storage/storage_error.hpp"
#include "storage/value_writer.hpp"
#include "store_harness.hpp"
#include "temp_dir.hpp"

namespace starling::storage {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
namespace fs = std::filesystem;

std::unique_ptr<RocksDbStore> open_ok(const std::string& dir, std::uint32_t batched_ms = 0,
                                      rocksdb::Env* env = nullptr) {
  auto store = RocksDbStore::open({dir, batched_ms, env});
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::move(store).value() : nullptr;
}

Error open_error(const std::string& dir) {
  auto store = open_rocksdb_store(dir, 0);
  EXPECT_FALSE(store.ok());
  return store.ok() ? Error{} : store.error();
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void create_store_with_data(const std::string& dir) {
  auto store = open_ok(dir);
  WriteBatch batch;
  batch.put_message(full_message(1));
  ASSERT_TRUE(apply(*store, std::move(batch)).ok());
}

TEST(RocksDbStore, CreatesAMissingDirectoryAndKeepsDataAcrossReopen) {
  TempDir tmp;
  const std::string dir = (tmp.path() / "nested" / "store").string();
  create_store_with_data(dir);
  auto store = open_ok(dir);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(load_all(*store).messages, ElementsAre(full_message(1)));
}

TEST(RocksDbStore, AcceptsAnEmptyVolumeRootWithLostAndFound) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "lost+found");
  EXPECT_NE(open_ok(tmp.str()), nullptr);
}

TEST(RocksDbStore, RefusesANonEmptyDirectoryThatIsNotADatabase) {
  TempDir tmp;
  write_file(tmp.path() / "notes.txt", "my files");
  Error e = open_error(tmp.str());
  EXPECT_EQ(e.code, kStorageNotAStore);
  EXPECT_THAT(e.message, HasSubstr("not empty"));
  EXPECT_THAT(e.message, HasSubstr("notes.txt"));
  EXPECT_TRUE(fs::exists(tmp.path() / "notes.txt"));
  EXPECT_FALSE(fs::exists(tmp.path() / "CURRENT"));  // nothing created
}

TEST(RocksDbStore, RefusesAPathThatIsAFile) {
  TempDir tmp;
  write_file(tmp.path() / "file", "x");
  EXPECT_EQ(open_error((tmp.path() / "file").string()).code, kStorageNotAStore);
}

TEST(RocksDbStore, RefusesAForeignRocksDbDatabase) {
  TempDir tmp;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, tmp.str(), &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "someone", "else's").ok());
    delete db;
  }
  Error e = open_error(tmp.str());
  EXPECT_EQ(e.code, kStorageNotAStore);
  EXPECT_THAT(e.message, HasSubstr("not a Starling store"));
}

TEST(RocksDbStore, RefusesADatabaseWithoutTheFormatMarker) {
  TempDir tmp;
  {
    auto database = open_database(tmp.str(), nullptr);
    ASSERT_TRUE(database.ok());
    auto& d = **database;
    ASSERT_TRUE(d.db().Delete(rocksdb::WriteOptions(), d.meta(), kFormatMarkerKey).ok());
  }
  Error e = open_error(tmp.str());
  EXPECT_EQ(e.code, kStorageNotAStore);
  EXPECT_THAT(e.message, HasSubstr("no Starling format marker"));
}

TEST(RocksDbStore, RefusesANewerFormatVersion) {
  TempDir tmp;
  create_store_with_data(tmp.str());
  {
    auto database = open_database(tmp.str(), nullptr);
    ASSERT_TRUE(database.ok());
    auto& d = **database;
    std::string marker = kFormatMarker;
    ValueWriter(marker).put_u32(kStoreFormatVersion + 1);
    ASSERT_TRUE(d.db().Put(rocksdb::WriteOptions(), d.meta(), kFormatMarkerKey, marker).ok());
  }
  Error e = open_error(tmp.str());
  EXPECT_EQ(e.code, kStorageNewerFormat);
  EXPECT_THAT(e.message, HasSubstr("format version 2"));
  EXPECT_THAT(e.message, HasSubstr("newer"));
}

TEST(RocksDbStore, RefusesACorruptManifestAndLeavesTheFilesAlone) {
  TempDir tmp;
  create_store_with_data(tmp.str());
  std::vector<fs::path> manifests;
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    if (entry.path().filename().string().starts_with("MANIFEST-")) manifests.push_back(entry);
  }
  ASSERT_FALSE(manifests.empty());
  for (const auto& m : manifests) write_file(m, std::string(4096, '\x5a'));

  Error e = open_error(tmp.str());
  EXPECT_EQ(e.code, kStorageCorruption);
  EXPECT_THAT(e.message, HasSubstr("corrupt"));
  EXPECT_THAT(e.message, HasSubstr(tmp.str()));
  // Never silently recreated: the damaged files are still there.
  Error again = open_error(tmp.str());
  EXPECT_EQ(again.code, kStorageCorruption);
}

TEST(RocksDbStore, RefusesADirectoryAlreadyInUse) {
  TempDir tmp;
  auto first = open_ok(tmp.str());
  Error e = open_error(tmp.str());
  EXPECT_EQ(e.code, kStorageInUse);
  EXPECT_THAT(e.message, HasSubstr("in use"));
}

TEST(RocksDbStore, ConcurrentDurableSubmitsShareSyncs) {
  TempDir tmp;
  auto store = open_ok(tmp.str());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 125;
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Like a QoS 1 publisher: the next message once the last is on disk.
      for (int i = 0; i < kPerThread; ++i) {
        WriteBatch batch;
        batch.put_message(full_message(static_cast<MessageId>(t * kPerThread + i + 1)));
        if (!apply(*store, std::move(batch), true).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::uint64_t syncs = store->sync_count();
  std::printf("[ group    ] %d durable submits from %d threads: %llu syncs, %.0f submits/s\n",
              kThreads * kPerThread, kThreads, static_cast<unsigned long long>(syncs),
              kThreads * kPerThread / seconds);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LT(syncs, static_cast<std::uint64_t>(kThreads * kPerThread / 2));
  EXPECT_EQ(load_all(*store).messages.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(RocksDbStore, NonDurableWritesInSyncModeAreSyncedOnlyByFlush) {
  TempDir tmp;
  auto store = open_ok(tmp.str());
  for (MessageId id = 1; id <= 20; ++id) {
    WriteBatch batch;
    batch.put_message(full_message(id));
    ASSERT_TRUE(apply(*store, std::move(batch), false).ok());
  }
  EXPECT_EQ(store->sync_count(), 0u);
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(store->sync_count(), 1u);
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(store->sync_count(), 1u);  // nothing new to sync
}

TEST(RocksDbStore, BatchedModeSyncsNonDurableWritesAtMostEveryInterval) {
  TempDir tmp;
  constexpr std::uint32_t kIntervalMs = 50;
  auto store = open_ok(tmp.str(), kIntervalMs);
  const auto start = std::chrono::steady_clock::now();
  MessageId id = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) {
    WriteBatch batch;
    batch.put_message(full_message(++id));
    ASSERT_TRUE(apply(*store, std::move(batch), false).ok());
  }
  // A write long after the last sync is synced within the interval, unasked.
  const std::uint64_t before = store->sync_count();
  std::this_thread::sleep_for(std::chrono::milliseconds(4 * kIntervalMs));
  const std::uint64_t after_quiet = store->sync_count();
  EXPECT_LE(before, 500 / kIntervalMs + 2) << "after " << id << " writes";
  EXPECT_GE(before, 500 / kIntervalMs / 2);
  EXPECT_LE(after_quiet, before + 1);
  EXPECT_GE(after_quiet, 1u);
  std::printf("[ batched  ] %llu writes in 500 ms, %llu syncs\n",
              static_cast<unsigned long long>(id), static_cast<unsigned long long>(before));
}

TEST(RocksDbStore, NonDurableWritesInBatchedModeSurviveACleanClose) {
  TempDir tmp;
  {
    auto store = open_ok(tmp.str(), 10'000);
    WriteBatch batch;
    batch.put_message(full_message(3));
    store->submit(std::move(batch), false, nullptr);
  }
  auto store = open_ok(tmp.str());
  EXPECT_THAT(load_all(*store).messages, ElementsAre(full_message(3)));
}

// The disk is full for `failing_writes` writes, then has space again.
void expect_recovery_after_failed_writes(int failing_writes) {
  TempDir tmp;
  auto fs = std::make_shared<FaultyFileSystem>();
  auto env = make_env(fs);
  {
    auto store = open_ok(tmp.str(), 0, env.get());
    ASSERT_NE(store, nullptr);
    WriteBatch before;
    before.put_message(full_message(1));
    ASSERT_TRUE(apply(*store, std::move(before)).ok());

    fs->set_disk_full(true);
    for (int i = 0; i < failing_writes; ++i) {
      WriteBatch lost;
      lost.put_message(full_message(static_cast<MessageId>(100 + i)));
      Status failed = apply(*store, std::move(lost), i % 2 == 0);
      ASSERT_FALSE(failed.ok());
      EXPECT_EQ(failed.error().code, kStorageIoError);
      EXPECT_THAT(failed.error().message, HasSubstr("disk full"));
    }

    fs->set_disk_full(false);
    WriteBatch after;
    after.put_message(full_message(4));
    Status recovered = apply(*store, std::move(after));
    ASSERT_TRUE(recovered.ok()) << recovered.error().message;
    EXPECT_THAT(load_all(*store).messages, ElementsAre(full_message(1), full_message(4)));
  }
  auto reopened = open_ok(tmp.str());
  Snapshot s = load_all(*reopened);
  EXPECT_THAT(s.messages, ElementsAre(full_message(1), full_message(4)));
  EXPECT_EQ(s.last_message_id, 4u);  // the failed writes' ids were never stored
}

TEST(RocksDbStore, AWriteThatFailsOnAFullDiskFailsOnlyItsBatchesAndTheNextOneSucceeds) {
  expect_recovery_after_failed_writes(1);
}

TEST(RocksDbStore, TheStoreRecoversWhenSpaceReturnsAfterALongerOutage) {
  expect_recovery_after_failed_writes(4);
}

TEST(RocksDbStore, AfterACrashAGroupWithCancelledWritesRecoversExactlyWhatIsStillOwed) {
  TempDir tmp;
  TempDir crashed;
  auto store = open_ok(tmp.str());
  std::promise<Status> owed_done;
  {
    WriterGate gate(*store);
    for (MessageId id = 1; id <= 10; ++id) {
      WriteBatch publish;
      publish.put_message(full_message(id));
      publish.put_outbound(full_outbound("sub", id));
      store->submit(std::move(publish), true, nullptr);
      WriteBatch acked;
      acked.delete_outbound("sub", id);
      acked.delete_message(id);
      store->submit(std::move(acked), false, nullptr);
    }
    WriteBatch owed;
    owed.put_message(full_message(11));
    owed.put_outbound(full_outbound("sub", 11));
    store->submit(std::move(owed), true, [&owed_done](const Status& s) { owed_done.set_value(s); });
  }
  ASSERT_TRUE(owed_done.get_future().get().ok());
  // The files as a killed process leaves them: the store is still open.
  fs::copy(tmp.path(), crashed.path(), fs::copy_options::recursive);
  store.reset();

  auto recovered = open_ok(crashed.str());
  ASSERT_NE(recovered, nullptr);
  Snapshot s = load_all(*recovered);
  EXPECT_THAT(s.messages, ElementsAre(full_message(11)));
  EXPECT_THAT(s.outbound, ElementsAre(full_outbound("sub", 11)));
  EXPECT_EQ(s.last_message_id, 11u);
}

}  // namespace
}  // namespace starling::storage
