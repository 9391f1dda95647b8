// Write cancellation: which ops of a group reach the sink, and the writer
// thread around it (completions, syncs, the highest id handed on).
#include "storage/write_cancellation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "sample_records.hpp"
#include "storage/batch_sink.hpp"
#include "storage/writer_thread.hpp"

namespace starling::storage {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

// What an op is, in a form that prints: "put m5", "del o:sub/5", ...
std::string describe(const WriteBatch::Op& op) {
  return WriteBatch::visit(op, [](const auto& o) -> std::string {
    using T = std::decay_t<decltype(o)>;
    if constexpr (std::is_same_v<T, StoredMessage>) return "put m" + std::to_string(o.id);
    if constexpr (std::is_same_v<T, WriteBatch::DeleteMessage>)
      return "del m" + std::to_string(o.id);
    if constexpr (std::is_same_v<T, StoredOutbound>) {
      return "put o:" + o.client_id + "/" + std::to_string(o.message_id);
    }
    if constexpr (std::is_same_v<T, WriteBatch::DeleteOutbound>) {
      return "del o:" + o.client_id + "/" + std::to_string(o.message_id);
    }
    if constexpr (std::is_same_v<T, StoredSession>) return "put session";
    if constexpr (std::is_same_v<T, WriteBatch::DeleteSession>) return "del s:" + o.client_id;
    if constexpr (std::is_same_v<T, StoredInboundQos2>) return "put i:" + o.client_id;
    if constexpr (std::is_same_v<T, WriteBatch::DeleteInboundQos2>) return "del i:" + o.client_id;
    return "other";
  });
}

std::vector<std::string> describe(const std::vector<WriteBatch>& group) {
  std::vector<std::string> out;
  for (const WriteBatch& b : group) {
    for (const auto& op : b.ops()) out.push_back(describe(op));
  }
  return out;
}

// Runs one group through `cancellation`; returns the group's highest id.
MessageId cancel(WriteCancellation& cancellation, std::vector<WriteBatch>& group) {
  std::vector<WriteBatch*> pointers;
  for (WriteBatch& b : group) pointers.push_back(&b);
  return cancellation.cancel(pointers);
}

StoredOutbound in_flight(const std::string& client, MessageId id) {
  StoredOutbound e = full_outbound(client, id);
  e.stage = OutboundStage::kAwaitPuback;
  e.packet_id = 1;
  return e;
}

// The core's batches for one QoS 1 message to one persistent subscriber.
void add_delivered_message(std::vector<WriteBatch>& group, const std::string& client,
                           MessageId id) {
  WriteBatch publish, sent, acked;
  publish.put_message(full_message(id));
  publish.put_outbound(full_outbound(client, id));
  sent.put_outbound(in_flight(client, id));
  acked.delete_outbound(client, id);
  acked.delete_message(id);
  group.push_back(std::move(publish));
  group.push_back(std::move(sent));
  group.push_back(std::move(acked));
}

TEST(WriteCancellation, AMessageStoredDeliveredAndAcknowledgedInOneGroupIsNeverWritten) {
  WriteCancellation cancellation(0);
  std::vector<WriteBatch> group;
  add_delivered_message(group, "sub", 1);
  add_delivered_message(group, "sub", 2);
  EXPECT_EQ(cancel(cancellation, group), 2u);  // still reported, so ids are not reused
  EXPECT_THAT(describe(group), IsEmpty());
  EXPECT_EQ(cancellation.cancelled(), 10u);
}

TEST(WriteCancellation, OnlyTheDeliveredMessagesOfAGroupAreCancelled) {
  WriteCancellation cancellation(0);
  std::vector<WriteBatch> group;
  add_delivered_message(group, "sub", 1);
  WriteBatch owed;
  owed.put_message(full_message(2));
  owed.put_outbound(full_outbound("sub", 2));
  owed.put_outbound(full_outbound("other", 1));  // same message id, another client
  group.push_back(std::move(owed));
  cancel(cancellation, group);
  EXPECT_THAT(describe(group), ElementsAre("put m2", "put o:sub/2", "put o:other/1"));
}

TEST(WriteCancellation, ADeleteOfAMessageWrittenInAnEarlierGroupIsApplied) {
  WriteCancellation cancellation(0);
  std::vector<WriteBatch> first(1);
  first[0].put_message(full_message(7));
  first[0].put_outbound(full_outbound("sub", 7));
  cancel(cancellation, first);
  EXPECT_THAT(describe(first), ElementsAre("put m7", "put o:sub/7"));

  std::vector<WriteBatch> second(1);
  second[0].put_outbound(in_flight("sub", 7));  // overwrites; masked by the delete
  second[0].delete_outbound("sub", 7);
  second[0].delete_message(7);
  cancel(cancellation, second);
  EXPECT_THAT(describe(second), ElementsAre("del o:sub/7", "del m7"));
}

TEST(WriteCancellation, IdsUpToTheStoresLastMessageIdAreNeverAssumedAbsent) {
  WriteCancellation cancellation(100);  // the store as opened may hold ids up to 100
  std::vector<WriteBatch> group(1);
  group[0].put_message(full_message(100));
  group[0].delete_message(100);
  group[0].put_message(full_message(101));
  group[0].delete_message(101);
  cancel(cancellation, group);
  EXPECT_THAT(describe(group), ElementsAre("del m100"));
}

TEST(WriteCancellation, AKeyPutAgainAfterItsLastDeleteKeepsThatPut) {
  WriteCancellation cancellation(0);
  std::vector<WriteBatch> group(1);
  group[0].put_message(full_message(5));
  group[0].delete_message(5);
  group[0].put_message(full_message(5));
  cancel(cancellation, group);
  EXPECT_THAT(describe(group), ElementsAre("put m5"));
}

TEST(WriteCancellation, ADeleteOfAKeyNeverWrittenIsDropped) {
  WriteCancellation cancellation(0);
  std::vector<WriteBatch> group(1);
  group[0].delete_outbound("sub", 3);
  group[0].delete_message(3);
  cancel(cancellation, group);
  EXPECT_THAT(describe(group), IsEmpty());
}

TEST(WriteCancellation, SessionDeletesAndInboundEntriesAreKeptInOrder) {
  WriteCancellation cancellation(0);
  std::vector<WriteBatch> group(1);
  group[0].put_inbound_qos2({"pub", 1});
  group[0].put_outbound(full_outbound("sub", 4));
  group[0].delete_session("sub");
  group[0].delete_outbound("sub", 4);
  group[0].delete_inbound_qos2("pub", 1);
  cancel(cancellation, group);
  EXPECT_THAT(describe(group), ElementsAre("put i:pub", "del s:sub", "del i:pub"));
}

TEST(WriteCancellation, AGroupCountsAsWrittenSoLaterGroupsKeepItsDeletes) {
  WriteCancellation cancellation(0);
  std::vector<WriteBatch> first(1);
  first[0].put_message(full_message(8));  // even if this write then fails
  cancel(cancellation, first);
  std::vector<WriteBatch> second(1);
  second[0].put_message(full_message(8));
  second[0].delete_message(8);
  cancel(cancellation, second);
  EXPECT_THAT(describe(second), ElementsAre("del m8"));
}

// A sink that records what it is given and can be held inside write().
class RecordingSink final : public BatchSink {
 public:
  Status write(std::span<const WriteBatch* const> batches, MessageId highest_id,
               bool sync) override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ops;
    for (const WriteBatch* b : batches) {
      for (const auto& op : b->ops()) ops.push_back(describe(op));
    }
    writes.push_back(std::move(ops));
    highest_ids.push_back(highest_id);
    synced.push_back(sync);
    return {};
  }
  Status sync() override {
    std::lock_guard lock(mutex_);
    ++syncs;
    return {};
  }

  std::mutex mutex_;
  std::vector<std::vector<std::string>> writes;
  std::vector<MessageId> highest_ids;
  std::vector<bool> synced;
  int syncs = 0;
};

// Holds the writer thread in a completion until the returned promise is set.
std::promise<void> hold(WriterThread& writer) {
  std::promise<void> release;
  auto entered = std::make_shared<std::promise<void>>();
  auto held = entered->get_future();
  auto open = release.get_future().share();
  writer.submit(WriteBatch{}, false, [entered, open](const Status&) {
    entered->set_value();
    open.wait();
  });
  held.wait();
  return release;
}

TEST(WriterThread, ADurableGroupWhoseWritesAllCancelWritesOnlyItsIdsSyncingEarlierWrites) {
  RecordingSink sink;
  WriterThread writer(sink, std::chrono::milliseconds(0), 0);
  WriteBatch before;
  before.put_session(full_session("sub"));
  writer.submit(std::move(before), false, nullptr);

  std::promise<void> release = hold(writer);
  std::vector<std::future<Status>> done;
  std::vector<WriteBatch> group;
  add_delivered_message(group, "sub", 1);
  for (std::size_t i = 0; i < group.size(); ++i) {
    auto promise = std::make_shared<std::promise<Status>>();
    done.push_back(promise->get_future());
    writer.submit(std::move(group[i]), i == 0,
                  [promise](const Status& s) { promise->set_value(s); });
  }
  release.set_value();
  for (auto& d : done) EXPECT_TRUE(d.get().ok());
  writer.stop();

  std::lock_guard lock(sink.mutex_);
  ASSERT_EQ(sink.writes.size(), 2u);
  EXPECT_THAT(sink.writes[0], ElementsAre("put session"));
  EXPECT_THAT(sink.writes[1], IsEmpty());  // no op, only the id 1, synced with the session
  EXPECT_EQ(sink.highest_ids[1], 1u);
  EXPECT_TRUE(sink.synced[1]);
  EXPECT_EQ(writer.cancelled_count(), 5u);
}

TEST(WriterThread, ADurableGroupWithNothingLeftToWriteOnlySyncsEarlierUnsyncedWrites) {
  RecordingSink sink;
  WriterThread writer(sink, std::chrono::milliseconds(0), 0);
  WriteBatch before;
  before.put_session(full_session("sub"));
  std::promise<Status> written;
  writer.submit(std::move(before), false, [&written](const Status& s) { written.set_value(s); });
  ASSERT_TRUE(written.get_future().get().ok());  // a group of its own, unsynced
  WriteBatch moot;
  moot.delete_message(50);  // never written
  std::promise<Status> done;
  writer.submit(std::move(moot), true, [&done](const Status& s) { done.set_value(s); });
  EXPECT_TRUE(done.get_future().get().ok());
  writer.stop();

  std::lock_guard lock(sink.mutex_);
  ASSERT_EQ(sink.writes.size(), 1u);
  EXPECT_THAT(sink.writes[0], ElementsAre("put session"));
  EXPECT_EQ(sink.syncs, 1);
}

TEST(WriterThread, TheSinkGetsTheHighestIdOfAGroupIncludingCancelledPuts) {
  RecordingSink sink;
  WriterThread writer(sink, std::chrono::milliseconds(0), 0);
  std::promise<void> release = hold(writer);
  std::vector<WriteBatch> group;
  WriteBatch owed;
  owed.put_message(full_message(3));
  group.push_back(std::move(owed));
  add_delivered_message(group, "sub", 4);
  for (WriteBatch& b : group) writer.submit(std::move(b), true, nullptr);
  release.set_value();
  ASSERT_TRUE(writer.flush().ok());
  writer.stop();

  std::lock_guard lock(sink.mutex_);
  ASSERT_EQ(sink.writes.size(), 1u);
  EXPECT_THAT(sink.writes[0], ElementsAre("put m3"));
  EXPECT_EQ(sink.highest_ids[0], 4u);
  EXPECT_TRUE(sink.synced[0]);
}

}  // namespace
}  // namespace starling::storage
