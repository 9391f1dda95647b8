// The Store contract (store.hpp), run against both stores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sample_records.hpp"
#include "storage/storage_error.hpp"
#include "store_harness.hpp"

namespace starling::storage {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

template <typename Kind>
class StoreContract : public testing::Test {
 protected:
  void SetUp() override {
    store_ = kind_.open();
    ASSERT_NE(store_, nullptr);
  }
  void reopen() { kind_.reopen(store_); }
  Status apply(WriteBatch batch, bool durable = true) {
    return storage::apply(*store_, std::move(batch), durable);
  }
  Snapshot load() { return load_all(*store_); }

  Kind kind_;
  std::unique_ptr<Store> store_;
};

using StoreKinds = testing::Types<MemoryKind, RocksDbKind>;
class KindNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryKind> ? "Memory" : "RocksDb";
  }
};
TYPED_TEST_SUITE(StoreContract, StoreKinds, KindNames);

std::vector<MessageId> ids_of(const std::vector<StoredOutbound>& entries) {
  std::vector<MessageId> ids;
  for (const auto& e : entries) ids.push_back(e.message_id);
  return ids;
}

std::vector<std::string> clients_of(const std::vector<StoredOutbound>& entries) {
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.client_id);
  return ids;
}

TYPED_TEST(StoreContract, AnEmptyStoreLoadsAnEmptySnapshot) {
  Snapshot s = this->load();
  EXPECT_THAT(s.sessions, IsEmpty());
  EXPECT_THAT(s.messages, IsEmpty());
  EXPECT_THAT(s.outbound, IsEmpty());
  EXPECT_THAT(s.inbound_qos2, IsEmpty());
  EXPECT_THAT(s.retained, IsEmpty());
  EXPECT_EQ(s.last_message_id, 0u);
}

TYPED_TEST(StoreContract, EveryRecordTypeLoadsBackWithEveryFieldAfterReopen) {
  WriteBatch batch;
  batch.put_message(full_message(7));
  batch.put_session(full_session("client-1"));
  batch.put_outbound(full_outbound("client-1", 7));
  batch.put_inbound_qos2(StoredInboundQos2{"client-1", 65535});
  batch.put_retained(full_message(5, "status/door"));
  ASSERT_TRUE(this->apply(std::move(batch)).ok());
  this->reopen();

  Snapshot s = this->load();
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0], full_message(7));
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_TRUE(same_session(s.sessions[0], full_session("client-1")));
  EXPECT_THAT(s.outbound, ElementsAre(full_outbound("client-1", 7)));
  EXPECT_THAT(s.inbound_qos2, ElementsAre(StoredInboundQos2{"client-1", 65535}));
  EXPECT_THAT(s.retained, ElementsAre(full_message(5, "status/door")));
  EXPECT_EQ(s.last_message_id, 7u);
}

TYPED_TEST(StoreContract, RecordsWithDefaultFieldsLoadBackUnchanged) {
  WriteBatch batch;
  StoredSession session;
  session.client_id = "";  // MQTT allows an empty client id for v5 servers to assign
  batch.put_session(session);
  batch.put_message(StoredMessage{});
  batch.put_outbound(StoredOutbound{});
  ASSERT_TRUE(this->apply(std::move(batch)).ok());
  Snapshot s = this->load();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_TRUE(same_session(s.sessions[0], session));
  EXPECT_THAT(s.messages, ElementsAre(StoredMessage{}));
  EXPECT_THAT(s.outbound, ElementsAre(StoredOutbound{}));
}

TYPED_TEST(StoreContract, DeletedRecordsDoNotLoad) {
  WriteBatch put;
  put.put_message(full_message(1));
  put.put_message(full_message(2));
  put.put_outbound(full_outbound("c", 1));
  put.put_outbound(full_outbound("c", 2));
  put.put_inbound_qos2({"c", 10});
  put.put_inbound_qos2({"c", 11});
  ASSERT_TRUE(this->apply(std::move(put)).ok());

  WriteBatch del;
  del.delete_message(1);
  del.delete_outbound("c", 1);
  del.delete_inbound_qos2("c", 10);
  del.delete_message(99);  // absent: not an error
  ASSERT_TRUE(this->apply(std::move(del)).ok());
  this->reopen();

  Snapshot s = this->load();
  EXPECT_THAT(s.messages, ElementsAre(full_message(2)));
  EXPECT_THAT(s.outbound, ElementsAre(full_outbound("c", 2)));
  EXPECT_THAT(s.inbound_qos2, ElementsAre(StoredInboundQos2{"c", 11}));
}

TYPED_TEST(StoreContract, DeleteSessionRemovesOnlyThatClientsEntries) {
  WriteBatch put;
  for (const std::string client : {"a", "ab", "a/", "b", ""}) {
    put.put_session(full_session(client));
    put.put_outbound(full_outbound(client, 1));
    put.put_outbound(full_outbound(client, 300));
    put.put_inbound_qos2({client, 1});
    put.put_inbound_qos2({client, 0xFFFF});
  }
  ASSERT_TRUE(this->apply(std::move(put)).ok());

  WriteBatch del;
  del.delete_session("a");
  ASSERT_TRUE(this->apply(std::move(del)).ok());
  this->reopen();

  Snapshot s = this->load();
  std::vector<std::string> sessions;
  for (const auto& session : s.sessions) sessions.push_back(session.client_id);
  EXPECT_THAT(sessions, ElementsAre("", "a/", "ab", "b"));
  EXPECT_THAT(clients_of(s.outbound), ElementsAre("", "", "a/", "a/", "ab", "ab", "b", "b"));
  std::vector<std::string> inbound;
  for (const auto& e : s.inbound_qos2) inbound.push_back(e.client_id);
  EXPECT_THAT(inbound, ElementsAre("", "", "a/", "a/", "ab", "ab", "b", "b"));
}

TYPED_TEST(StoreContract, EntriesPutAfterDeleteSessionInTheSameBatchAreKept) {
  WriteBatch put;
  put.put_outbound(full_outbound("c", 1));
  ASSERT_TRUE(this->apply(std::move(put)).ok());
  WriteBatch batch;
  batch.delete_session("c");
  batch.put_outbound(full_outbound("c", 2));
  ASSERT_TRUE(this->apply(std::move(batch)).ok());
  EXPECT_THAT(ids_of(this->load().outbound), ElementsAre(2u));
}

TYPED_TEST(StoreContract, OutboundEntriesLoadPerClientInMessageIdOrder) {
  std::vector<MessageId> ids = {256, 1, 65536, 255, 1ULL << 40, 2, 0xFFFFFFFFFFFFFFFFULL};
  std::shuffle(ids.begin(), ids.end(), std::mt19937(42));
  for (MessageId id : ids) {
    WriteBatch batch;
    batch.put_outbound(full_outbound("z", id));
    batch.put_outbound(full_outbound("y", id));
    ASSERT_TRUE(this->apply(std::move(batch), false).ok());
  }
  this->reopen();
  Snapshot s = this->load();
  const std::vector<MessageId> sorted = {1, 2, 255, 256, 65536, 1ULL << 40, 0xFFFFFFFFFFFFFFFFULL};
  std::vector<MessageId> expected = sorted;
  expected.insert(expected.end(), sorted.begin(), sorted.end());
  EXPECT_THAT(ids_of(s.outbound), testing::ElementsAreArray(expected));
  EXPECT_EQ(clients_of(s.outbound).front(), "y");
  EXPECT_EQ(clients_of(s.outbound).back(), "z");
}

TYPED_TEST(StoreContract, LastMessageIdSurvivesDeletesAndReopen) {
  WriteBatch put;
  put.put_message(full_message(41));
  put.put_message(full_message(1000));
  ASSERT_TRUE(this->apply(std::move(put)).ok());
  WriteBatch del;
  del.delete_message(1000);
  del.delete_message(41);
  ASSERT_TRUE(this->apply(std::move(del)).ok());
  EXPECT_EQ(this->load().last_message_id, 1000u);
  this->reopen();
  Snapshot s = this->load();
  EXPECT_THAT(s.messages, IsEmpty());
  EXPECT_EQ(s.last_message_id, 1000u);

  // A lower id later does not lower it.
  WriteBatch lower;
  lower.put_message(full_message(3));
  ASSERT_TRUE(this->apply(std::move(lower)).ok());
  this->reopen();
  EXPECT_EQ(this->load().last_message_id, 1000u);
}

TYPED_TEST(StoreContract, RetainedMessagesArePutReplacedAndDeletedByTopic) {
  WriteBatch put;
  put.put_retained(full_message(1, "a/b"));
  put.put_retained(full_message(2, "a/c"));
  ASSERT_TRUE(this->apply(std::move(put)).ok());
  WriteBatch replace;
  replace.put_retained(full_message(3, "a/b"));
  ASSERT_TRUE(this->apply(std::move(replace)).ok());
  this->reopen();
  EXPECT_THAT(this->load().retained, ElementsAre(full_message(3, "a/b"), full_message(2, "a/c")));

  WriteBatch del;
  del.delete_retained("a/b");
  ASSERT_TRUE(this->apply(std::move(del)).ok());
  this->reopen();
  Snapshot s = this->load();
  EXPECT_THAT(s.retained, ElementsAre(full_message(2, "a/c")));
  EXPECT_EQ(s.last_message_id, 3u);
}

TYPED_TEST(StoreContract, CompletionRunsOnTheWriterThreadAfterTheBatchIsApplied) {
  std::promise<std::thread::id> ran_on;
  auto thread = ran_on.get_future();
  WriteBatch batch;
  batch.put_message(full_message(5));
  this->store_->submit(std::move(batch), true, [&ran_on](const Status& s) {
    EXPECT_TRUE(s.ok());
    ran_on.set_value(std::this_thread::get_id());
  });
  EXPECT_NE(thread.get(), std::this_thread::get_id());
  // Once the completion has run the batch is visible, without a flush.
  Result<Snapshot> s = this->store_->load();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->messages.size(), 1u);
}

TYPED_TEST(StoreContract, BatchesApplyInSubmissionOrder) {
  for (MessageId id = 1; id <= 50; ++id) {
    WriteBatch put;
    put.put_message(full_message(id));
    this->store_->submit(std::move(put), false, nullptr);
    if (id % 2 == 0) {
      WriteBatch del;
      del.delete_message(id);
      this->store_->submit(std::move(del), false, nullptr);
    }
  }
  StoredMessage last = full_message(1);
  last.payload = "replaced";
  WriteBatch replace;
  replace.put_message(last);
  this->store_->submit(std::move(replace), false, {});
  Snapshot s = this->load();
  ASSERT_EQ(s.messages.size(), 25u);
  EXPECT_EQ(s.messages[0], last);
  for (const auto& m : s.messages) EXPECT_EQ(m.id % 2, 1u);
}

TYPED_TEST(StoreContract, SubmitsFromEightThreadsAreAllAppliedAndEachCompletesOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::atomic<int>> calls(kThreads * kPerThread);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        WriteBatch batch;
        batch.put_message(full_message(static_cast<MessageId>(n + 1)));
        batch.put_outbound(full_outbound("client-" + std::to_string(t), n + 1));
        this->store_->submit(std::move(batch), i % 3 == 0, [&, n](const Status& s) {
          if (!s.ok()) ++failures;
          ++calls[n];
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  Snapshot s = this->load();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& c : calls) EXPECT_EQ(c.load(), 1);
  EXPECT_EQ(s.messages.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(s.outbound.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(s.last_message_id, static_cast<MessageId>(kThreads * kPerThread));
}

TYPED_TEST(StoreContract, ABatchWithANulInAClientIdIsRefusedAndOthersStillApply) {
  std::promise<Status> bad_done;
  auto bad = bad_done.get_future();
  WriteBatch bad_batch;
  bad_batch.put_message(full_message(1));
  bad_batch.put_session(full_session(std::string("a\0b", 3)));
  this->store_->submit(std::move(bad_batch), true,
                       [&bad_done](const Status& s) { bad_done.set_value(s); });
  WriteBatch good;
  good.put_message(full_message(2));
  ASSERT_TRUE(this->apply(std::move(good)).ok());

  Status refused = bad.get();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kStorageInvalidBatch);
  EXPECT_THAT(this->load().messages, ElementsAre(full_message(2)));
}

TYPED_TEST(StoreContract, FlushWaitsForNonDurableBatches) {
  for (MessageId id = 1; id <= 100; ++id) {
    WriteBatch batch;
    batch.put_message(full_message(id));
    this->store_->submit(std::move(batch), false, nullptr);
  }
  ASSERT_TRUE(this->store_->flush().ok());
  Result<Snapshot> s = this->store_->load();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->messages.size(), 100u);
}

// Write cancellation (write_cancellation.hpp), seen from outside: whatever a
// group cancels, the store ends up as if every batch had been applied.

// What the core submits for one QoS 1 message to one persistent subscriber:
// the publish, the in-flight stage, then the PUBACK's deletes.
void submit_delivered_message(Store& store, const std::string& client, MessageId id) {
  WriteBatch publish;
  publish.put_message(full_message(id));
  publish.put_outbound(full_outbound(client, id));
  store.submit(std::move(publish), true, nullptr);
  StoredOutbound in_flight = full_outbound(client, id);
  in_flight.stage = OutboundStage::kAwaitPuback;
  in_flight.packet_id = static_cast<std::uint16_t>(id);
  WriteBatch sent;
  sent.put_outbound(in_flight);
  store.submit(std::move(sent), false, nullptr);
  WriteBatch acked;
  acked.delete_outbound(client, id);
  acked.delete_message(id);
  store.submit(std::move(acked), false, nullptr);
}

TYPED_TEST(StoreContract, MessagesStoredAndDeliveredWithinOneGroupLeaveNothingAfterReopen) {
  {
    WriterGate gate(*this->store_);
    for (MessageId id = 1; id <= 20; ++id) submit_delivered_message(*this->store_, "sub", id);
    WriteBatch owed;
    owed.put_message(full_message(21));
    owed.put_outbound(full_outbound("sub", 21));
    this->store_->submit(std::move(owed), true, nullptr);
  }
  this->reopen();
  Snapshot s = this->load();
  EXPECT_THAT(s.messages, ElementsAre(full_message(21)));
  EXPECT_THAT(s.outbound, ElementsAre(full_outbound("sub", 21)));
}

TYPED_TEST(StoreContract, ADeleteOfAMessageWrittenInAnEarlierGroupIsApplied) {
  WriteBatch publish;
  publish.put_message(full_message(1));
  publish.put_outbound(full_outbound("sub", 1));
  ASSERT_TRUE(this->apply(std::move(publish)).ok());
  {
    WriterGate gate(*this->store_);
    StoredOutbound in_flight = full_outbound("sub", 1);
    in_flight.stage = OutboundStage::kAwaitPuback;
    WriteBatch sent;
    sent.put_outbound(in_flight);  // overwrites the queued entry on disk
    this->store_->submit(std::move(sent), false, nullptr);
    WriteBatch acked;
    acked.delete_outbound("sub", 1);
    acked.delete_message(1);
    this->store_->submit(std::move(acked), true, nullptr);
  }
  this->reopen();
  Snapshot s = this->load();
  EXPECT_THAT(s.messages, IsEmpty());
  EXPECT_THAT(s.outbound, IsEmpty());
}

TYPED_TEST(StoreContract, AnEntryPutAgainAfterItsDeleteInOneGroupKeepsTheLastPut) {
  StoredMessage again = full_message(3);
  again.payload = "again";
  {
    WriterGate gate(*this->store_);
    WriteBatch first;
    first.put_message(full_message(3));
    first.put_outbound(full_outbound("sub", 3));
    first.delete_outbound("sub", 3);
    first.delete_message(3);
    this->store_->submit(std::move(first), false, nullptr);
    WriteBatch second;
    second.put_message(again);
    second.put_outbound(full_outbound("sub", 3));
    this->store_->submit(std::move(second), true, nullptr);
  }
  this->reopen();
  Snapshot s = this->load();
  EXPECT_THAT(s.messages, ElementsAre(again));
  EXPECT_THAT(s.outbound, ElementsAre(full_outbound("sub", 3)));
}

TYPED_TEST(StoreContract, EveryCompletionOfAGroupRunsOnceEvenWhenAllItsWritesCancel) {
  std::atomic<int> ok{0};
  {
    WriterGate gate(*this->store_);
    for (MessageId id = 1; id <= 10; ++id) {
      WriteBatch put;
      put.put_message(full_message(id));
      this->store_->submit(std::move(put), true, [&ok](const Status& s) { ok += s.ok(); });
      WriteBatch del;
      del.delete_message(id);
      this->store_->submit(std::move(del), false, [&ok](const Status& s) { ok += s.ok(); });
    }
  }
  Snapshot s = this->load();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_THAT(s.messages, IsEmpty());
}

TYPED_TEST(StoreContract, IdsOfMessagesCancelledWithinAGroupAreNeverReused) {
  WriteBatch kept;
  kept.put_message(full_message(1));
  ASSERT_TRUE(this->apply(std::move(kept)).ok());
  {
    WriterGate gate(*this->store_);
    WriteBatch batch;
    batch.put_message(full_message(9));
    batch.put_outbound(full_outbound("sub", 9));
    batch.delete_outbound("sub", 9);
    batch.delete_message(9);
    this->store_->submit(std::move(batch), true, nullptr);
  }
  this->reopen();
  Snapshot s = this->load();
  EXPECT_THAT(s.messages, ElementsAre(full_message(1)));
  EXPECT_EQ(s.last_message_id, 9u);
}

}  // namespace
}  // namespace starling::storage
