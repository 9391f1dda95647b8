// What a full session queue gives up for a new message: the policy
// (drop_new / drop_oldest), QoS 0 before QoS 1/2 under both, and what an
// eviction tells the journal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "session/outbound_flow.hpp"

namespace starling::session {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

const TimePoint kNow = TimePoint{} + std::chrono::hours(1);

Delivery delivery(std::string topic, std::uint8_t qos = 1, std::string payload = "x") {
  auto message = std::make_shared<Message>();
  message->topic = std::move(topic);
  message->payload = std::move(payload);
  message->qos = qos;
  Delivery d;
  d.message = std::move(message);
  d.qos = qos;
  return d;
}

Delivery stored(Delivery d) {
  d.stored = true;
  return d;
}

std::vector<std::string> queued(const OutboundFlow& flow) {
  std::vector<std::string> topics;
  flow.for_each([&](const Delivery& d) { topics.push_back(d.message->topic); });
  return topics;
}

class RecordingSink : public OutboundSink {
 public:
  SendResult send_publish(const Delivery& d, std::uint16_t, bool, TimePoint) override {
    sent.push_back(d.message->topic);
    return SendResult::kSent;
  }
  void send_pubrel(std::uint16_t) override {}
  std::vector<std::string> sent;
};

class RecordingJournal : public OutboundJournal {
 public:
  void on_inflight(const Delivery&, std::uint16_t, InflightStage, bool) override {}
  void on_finished(const Delivery& d) override { finished.push_back(d.message->topic); }
  std::vector<std::string> finished;
};

OutboundLimits limits(QueueFullPolicy policy, std::size_t max_messages,
                      std::uint64_t max_bytes = 1 << 20) {
  return {.max_queued_messages = max_messages,
          .max_queued_bytes = max_bytes,
          .queue_qos0_offline = true,
          .queue_full_policy = policy};
}

constexpr auto kDropNew = QueueFullPolicy::kDropNew;
constexpr auto kDropOldest = QueueFullPolicy::kDropOldest;

// --- drop_new ---------------------------------------------------------------------

TEST(QueueFullPolicy, DropNewIsTheDefault) {
  EXPECT_EQ(OutboundLimits{}.queue_full_policy, kDropNew);
}

TEST(QueueFullPolicy, DropNewRefusesTheNewMessageAndKeepsTheQueue) {
  OutboundFlow flow(limits(kDropNew, 2));
  (void)flow.deliver(delivery("a"), nullptr, kNow);
  (void)flow.deliver(delivery("b"), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("c"), nullptr, kNow), DeliverOutcome::kDroppedQueueFull);
  EXPECT_THAT(queued(flow), ElementsAre("a", "b"));
  EXPECT_EQ(flow.take_evicted(), 0u);
}

TEST(QueueFullPolicy, DropNewStillEvictsTheOldestQueuedQos0ForAQos1Message) {
  OutboundFlow flow(limits(kDropNew, 4));
  (void)flow.deliver(delivery("A"), nullptr, kNow);
  (void)flow.deliver(delivery("b0", 0), nullptr, kNow);
  (void)flow.deliver(delivery("C"), nullptr, kNow);
  (void)flow.deliver(delivery("d0", 0), nullptr, kNow);

  EXPECT_EQ(flow.deliver(delivery("E", 2), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(queued(flow), ElementsAre("A", "C", "d0", "E"));
  EXPECT_EQ(flow.take_evicted(), 1u);
}

TEST(QueueFullPolicy, DropNewRefusesAQos1MessageWhenNoQos0IsQueued) {
  OutboundFlow flow(limits(kDropNew, 2));
  (void)flow.deliver(delivery("A"), nullptr, kNow);
  (void)flow.deliver(delivery("B", 2), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("C"), nullptr, kNow), DeliverOutcome::kDroppedQueueFull);
  EXPECT_THAT(queued(flow), ElementsAre("A", "B"));
}

TEST(QueueFullPolicy, DropNewRefusesAQos0MessageEvenWhenQos0IsQueued) {
  OutboundFlow flow(limits(kDropNew, 2));
  (void)flow.deliver(delivery("b0", 0), nullptr, kNow);
  (void)flow.deliver(delivery("A"), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("c0", 0), nullptr, kNow), DeliverOutcome::kDroppedQueueFull);
  EXPECT_THAT(queued(flow), ElementsAre("b0", "A"));
  EXPECT_EQ(flow.take_evicted(), 0u);
}

TEST(QueueFullPolicy, DropNewEvictsNothingWhenEvictingEveryQos0WouldNotMakeRoom) {
  OutboundFlow flow(limits(kDropNew, 100, 10));
  (void)flow.deliver(delivery("b0", 0, "12"), nullptr, kNow);
  (void)flow.deliver(delivery("A", 1, "12345678"), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("E", 1, "12345"), nullptr, kNow),
            DeliverOutcome::kDroppedQueueFull);
  EXPECT_THAT(queued(flow), ElementsAre("b0", "A"));
  EXPECT_EQ(flow.queued_bytes(), 10u);
  EXPECT_EQ(flow.take_evicted(), 0u);
}

// --- drop_oldest ------------------------------------------------------------------

TEST(QueueFullPolicy, DropOldestEvictsTheOldestMessageToMakeRoomForTheNewOne) {
  OutboundFlow flow(limits(kDropOldest, 2));
  (void)flow.deliver(delivery("a"), nullptr, kNow);
  (void)flow.deliver(delivery("b"), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("c"), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(queued(flow), ElementsAre("b", "c"));
  EXPECT_EQ(flow.take_evicted(), 1u);
}

TEST(QueueFullPolicy, DropOldestEvictsAsManyMessagesAsTheNewOneNeedsBytesFor) {
  OutboundFlow flow(limits(kDropOldest, 100, 10));
  (void)flow.deliver(delivery("a", 1, "1234"), nullptr, kNow);
  (void)flow.deliver(delivery("b", 1, "1234"), nullptr, kNow);
  (void)flow.deliver(delivery("c", 1, "1"), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("d", 1, "12345678"), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(queued(flow), ElementsAre("c", "d"));
  EXPECT_EQ(flow.queued_bytes(), 9u);
  EXPECT_EQ(flow.take_evicted(), 2u);
}

TEST(QueueFullPolicy, DropOldestEvictsQueuedQos0BeforeAnOlderQos1) {
  OutboundFlow flow(limits(kDropOldest, 3));
  (void)flow.deliver(delivery("A"), nullptr, kNow);
  (void)flow.deliver(delivery("B"), nullptr, kNow);
  (void)flow.deliver(delivery("c0", 0), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("D"), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(queued(flow), ElementsAre("A", "B", "D"));
}

TEST(QueueFullPolicy, DropOldestNeverEvictsAQos1MessageForAQos0One) {
  OutboundFlow flow(limits(kDropOldest, 2));
  (void)flow.deliver(delivery("A"), nullptr, kNow);
  (void)flow.deliver(delivery("B", 2), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("c0", 0), nullptr, kNow), DeliverOutcome::kDroppedQueueFull);
  EXPECT_THAT(queued(flow), ElementsAre("A", "B"));
  EXPECT_EQ(flow.take_evicted(), 0u);
}

TEST(QueueFullPolicy, DropOldestLetsAQos0MessageEvictAnOlderQos0One) {
  OutboundFlow flow(limits(kDropOldest, 2));
  (void)flow.deliver(delivery("A"), nullptr, kNow);
  (void)flow.deliver(delivery("b0", 0), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("c0", 0), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(queued(flow), ElementsAre("A", "c0"));
  EXPECT_EQ(flow.take_evicted(), 1u);
}

TEST(QueueFullPolicy, AMessageLargerThanTheWholeByteLimitEvictsNothing) {
  OutboundFlow flow(limits(kDropOldest, 100, 10));
  (void)flow.deliver(delivery("a", 1, "1234"), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("huge", 1, "12345678901"), nullptr, kNow),
            DeliverOutcome::kDroppedQueueFull);
  EXPECT_THAT(queued(flow), ElementsAre("a"));
  EXPECT_EQ(flow.take_evicted(), 0u);
}

TEST(QueueFullPolicy, AQueueLimitOfZeroRefusesEverythingUnderDropOldest) {
  OutboundFlow flow(limits(kDropOldest, 0));
  EXPECT_EQ(flow.deliver(delivery("a"), nullptr, kNow), DeliverOutcome::kDroppedQueueFull);
  EXPECT_EQ(flow.queued_count(), 0u);
}

TEST(QueueFullPolicy, InFlightMessagesAreNeverEvicted) {
  OutboundFlow flow(limits(kDropOldest, 1));
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("in flight"), &sink, kNow);
  (void)flow.deliver(delivery("queued"), &sink, kNow);
  EXPECT_EQ(flow.deliver(delivery("newest"), &sink, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(queued(flow), ElementsAre("in flight", "newest"));

  ASSERT_TRUE(flow.on_puback(1, sink, kNow));
  EXPECT_THAT(sink.sent, ElementsAre("in flight", "newest"));
}

TEST(QueueFullPolicy, TakeEvictedCountsEachEvictionOnce) {
  OutboundFlow flow(limits(kDropOldest, 1));
  (void)flow.deliver(delivery("a"), nullptr, kNow);
  (void)flow.deliver(delivery("b"), nullptr, kNow);
  (void)flow.deliver(delivery("c"), nullptr, kNow);
  EXPECT_EQ(flow.take_evicted(), 2u);
  EXPECT_EQ(flow.take_evicted(), 0u);
}

// --- the store ------------------------------------------------------------------------

TEST(QueueFullPolicy, AnEvictedStoredMessageIsFinishedInTheJournalLikeADeliveredOne) {
  OutboundFlow flow(limits(kDropOldest, 2));
  RecordingJournal journal;
  flow.set_journal(&journal);
  (void)flow.deliver(stored(delivery("a")), nullptr, kNow);
  (void)flow.deliver(stored(delivery("b")), nullptr, kNow);
  (void)flow.deliver(stored(delivery("c")), nullptr, kNow);
  EXPECT_THAT(journal.finished, ElementsAre("a"));
}

TEST(QueueFullPolicy, ARefusedStoredMessageIsFinishedInTheJournal) {
  OutboundFlow flow(limits(kDropNew, 1));
  RecordingJournal journal;
  flow.set_journal(&journal);
  (void)flow.deliver(stored(delivery("a")), nullptr, kNow);
  (void)flow.deliver(stored(delivery("b")), nullptr, kNow);
  EXPECT_THAT(journal.finished, ElementsAre("b"));
}

TEST(QueueFullPolicy, AnEvictedQos0MessageThatWasNeverStoredIsNotJournalled) {
  OutboundFlow flow(limits(kDropNew, 1));
  RecordingJournal journal;
  flow.set_journal(&journal);
  (void)flow.deliver(delivery("a0", 0), nullptr, kNow);
  EXPECT_EQ(flow.deliver(stored(delivery("B")), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(journal.finished, IsEmpty());
  EXPECT_EQ(flow.take_evicted(), 1u);
}

TEST(QueueFullPolicy, QueuedBytesStayRightAcrossEvictionsAndSends) {
  OutboundFlow flow(limits(kDropOldest, 2, 100));
  (void)flow.deliver(delivery("a0", 0, "12"), nullptr, kNow);
  (void)flow.deliver(delivery("b", 1, "123"), nullptr, kNow);
  (void)flow.deliver(delivery("c", 1, "1234"), nullptr, kNow);  // evicts a0
  EXPECT_EQ(flow.queued_bytes(), 7u);
  (void)flow.deliver(delivery("d", 1, "12345"), nullptr, kNow);  // evicts b
  EXPECT_EQ(flow.queued_bytes(), 9u);
  RecordingSink sink;
  flow.resume(sink, kNow);
  EXPECT_THAT(sink.sent, ElementsAre("c", "d"));
  EXPECT_EQ(flow.queued_bytes(), 0u);
}

}  // namespace
}  // namespace starling::session
