#include "session/outbound_flow.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace starling::session {
namespace {

using std::chrono::seconds;
using testing::ElementsAre;
using testing::IsEmpty;

// What the flow asked the sink to send, in order.
struct Sent {
  enum class Kind { kPublish, kPubrel };
  Kind kind = Kind::kPublish;
  std::string topic;  // empty for PUBREL
  std::uint16_t packet_id = 0;
  bool dup = false;
  std::uint8_t qos = 0;
  bool operator==(const Sent&) const = default;
};

Sent publish(std::string topic, std::uint16_t packet_id, std::uint8_t qos, bool dup = false) {
  return Sent{Sent::Kind::kPublish, std::move(topic), packet_id, dup, qos};
}

Sent pubrel(std::uint16_t packet_id) {
  return Sent{Sent::Kind::kPubrel, "", packet_id, false, 0};
}

void PrintTo(const Sent& s, std::ostream* os) {
  if (s.kind == Sent::Kind::kPubrel) {
    *os << "PUBREL(" << s.packet_id << ")";
  } else {
    *os << "PUBLISH(" << s.topic << ", id " << s.packet_id << ", qos " << int{s.qos}
        << (s.dup ? ", dup" : "") << ")";
  }
}

// Records every send; discards (as a client's Maximum Packet Size would)
// messages whose topic is in `too_large`. Discarded sends are not recorded.
class RecordingSink : public OutboundSink {
 public:
  SendResult send_publish(const Delivery& delivery, std::uint16_t packet_id, bool dup,
                          TimePoint) override {
    if (too_large.contains(delivery.message->topic)) return SendResult::kDiscarded;
    sent.push_back(publish(delivery.message->topic, packet_id, delivery.qos, dup));
    return SendResult::kSent;
  }
  void send_pubrel(std::uint16_t packet_id) override { sent.push_back(pubrel(packet_id)); }

  // Returns what was sent since the last call.
  std::vector<Sent> take() { return std::exchange(sent, {}); }

  std::vector<Sent> sent;
  std::set<std::string> too_large;
};

const TimePoint kNow = TimePoint{} + std::chrono::hours(1);

struct MessageSpec {
  std::uint8_t qos = 1;
  std::string payload = "x";
  std::optional<TimePoint> expires_at;
  std::string share_group;
};

Delivery delivery(std::string topic, MessageSpec spec = {}) {
  auto message = std::make_shared<Message>();
  message->topic = std::move(topic);
  message->payload = std::move(spec.payload);
  message->qos = spec.qos;
  message->expires_at = spec.expires_at;
  Delivery d;
  d.message = std::move(message);
  d.qos = spec.qos;
  if (!spec.share_group.empty()) {
    d.share_group = std::move(spec.share_group);
    d.share_filter = "shared/#";
  }
  return d;
}

std::vector<std::string> topics_sent(const RecordingSink& sink) {
  std::vector<std::string> topics;
  for (const Sent& s : sink.sent) topics.push_back(s.topic);
  return topics;
}

std::vector<std::string> topics_of(const std::vector<Delivery>& deliveries) {
  std::vector<std::string> topics;
  for (const Delivery& d : deliveries) topics.push_back(d.message->topic);
  return topics;
}

// --- QoS 0 -------------------------------------------------------------------

TEST(OutboundFlow, QosZeroIsSentAtOnceWithoutAPacketIdWhileOnline) {
  OutboundFlow flow;
  RecordingSink sink;
  EXPECT_EQ(flow.deliver(delivery("a", {.qos = 0}), &sink, kNow), DeliverOutcome::kSent);
  EXPECT_THAT(sink.sent, ElementsAre(publish("a", 0, 0)));
  EXPECT_EQ(flow.inflight_count(), 0u);
}

TEST(OutboundFlow, QosZeroIsDroppedWhileOffline) {
  OutboundFlow flow;
  EXPECT_EQ(flow.deliver(delivery("a", {.qos = 0}), nullptr, kNow),
            DeliverOutcome::kDroppedOffline);
  EXPECT_EQ(flow.queued_count(), 0u);
}

TEST(OutboundFlow, QosZeroIsQueuedWhileOfflineWhenConfiguredAndSentOnResume) {
  OutboundFlow flow({.queue_qos0_offline = true});
  EXPECT_EQ(flow.deliver(delivery("a", {.qos = 0}), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_EQ(flow.queued_count(), 1u);

  RecordingSink sink;
  flow.resume(sink, kNow);
  EXPECT_THAT(sink.sent, ElementsAre(publish("a", 0, 0)));
  EXPECT_EQ(flow.queued_count(), 0u);
  EXPECT_EQ(flow.inflight_count(), 0u);
}

TEST(OutboundFlow, QosZeroTakesNoSlotInAFullWindow) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  ASSERT_EQ(flow.deliver(delivery("q1"), &sink, kNow), DeliverOutcome::kSent);
  EXPECT_EQ(flow.deliver(delivery("q0", {.qos = 0}), &sink, kNow), DeliverOutcome::kSent);
  EXPECT_THAT(sink.sent, ElementsAre(publish("q1", 1, 1), publish("q0", 0, 0)));
}

// --- the in-flight window ------------------------------------------------------

TEST(OutboundFlow, NeverHasMoreInFlightThanTheWindow) {
  OutboundFlow flow;
  flow.set_window(2);
  RecordingSink sink;
  EXPECT_EQ(flow.deliver(delivery("a"), &sink, kNow), DeliverOutcome::kSent);
  EXPECT_EQ(flow.deliver(delivery("b", {.qos = 2}), &sink, kNow), DeliverOutcome::kSent);
  EXPECT_EQ(flow.deliver(delivery("c"), &sink, kNow), DeliverOutcome::kQueued);
  EXPECT_EQ(flow.deliver(delivery("d", {.qos = 2}), &sink, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(sink.sent, ElementsAre(publish("a", 1, 1), publish("b", 2, 2)));
  EXPECT_EQ(flow.inflight_count(), 2u);
  EXPECT_EQ(flow.queued_count(), 2u);
}

TEST(OutboundFlow, PubackFreesASlotForTheNextQueuedMessage) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("a"), &sink, kNow);
  (void)flow.deliver(delivery("b"), &sink, kNow);
  EXPECT_THAT(sink.take(), ElementsAre(publish("a", 1, 1)));

  EXPECT_TRUE(flow.on_puback(1, sink, kNow));
  EXPECT_THAT(sink.take(), ElementsAre(publish("b", 2, 1)));
  EXPECT_EQ(flow.inflight_count(), 1u);
  EXPECT_EQ(flow.queued_count(), 0u);
}

TEST(OutboundFlow, PubcompFreesASlotForTheNextQueuedMessage) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("a", {.qos = 2}), &sink, kNow);
  (void)flow.deliver(delivery("b", {.qos = 2}), &sink, kNow);
  ASSERT_TRUE(flow.on_pubrec(1, false, sink, kNow));
  EXPECT_THAT(sink.take(), ElementsAre(publish("a", 1, 2), pubrel(1)));  // PUBREC keeps the slot

  EXPECT_TRUE(flow.on_pubcomp(1, sink, kNow));
  EXPECT_THAT(sink.take(), ElementsAre(publish("b", 2, 2)));
}

TEST(OutboundFlow, QueuedMessagesAreSentInDeliveryOrderWhateverTheAckOrder) {
  OutboundFlow flow;
  flow.set_window(2);
  RecordingSink sink;
  for (const char* topic : {"1", "2", "3", "4", "5"})
    (void)flow.deliver(delivery(topic), &sink, kNow);
  EXPECT_TRUE(flow.on_puback(2, sink, kNow));
  EXPECT_TRUE(flow.on_puback(1, sink, kNow));
  EXPECT_TRUE(flow.on_puback(4, sink, kNow));
  EXPECT_THAT(topics_sent(sink), ElementsAre("1", "2", "3", "4", "5"));
}

TEST(OutboundFlow, ANewMessageDoesNotOvertakeQueuedOnesWhenASlotIsFree) {
  OutboundFlow flow;
  RecordingSink sink;
  (void)flow.deliver(delivery("queued while offline"), nullptr, kNow);
  EXPECT_EQ(flow.deliver(delivery("new"), &sink, kNow), DeliverOutcome::kQueued);
  EXPECT_THAT(sink.sent, IsEmpty());

  flow.resume(sink, kNow);
  EXPECT_THAT(sink.sent, ElementsAre(publish("queued while offline", 1, 1), publish("new", 2, 1)));
}

// --- packet identifiers ------------------------------------------------------

TEST(OutboundFlow, PacketIdsAreUniqueAmongMessagesInFlight) {
  OutboundFlow flow;
  RecordingSink sink;
  for (int i = 0; i < 100; ++i) {
    (void)flow.deliver(delivery("t", {.qos = static_cast<std::uint8_t>(1 + i % 2)}), &sink, kNow);
  }
  std::set<std::uint16_t> ids;
  for (const Sent& s : sink.sent) {
    EXPECT_NE(s.packet_id, 0);
    ids.insert(s.packet_id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(OutboundFlow, PacketIdsWrapPast65535SkippingZeroAndIdsStillInFlight) {
  OutboundFlow flow;
  flow.set_window(3);
  RecordingSink sink;
  (void)flow.deliver(delivery("held", {.qos = 2}), &sink, kNow);  // id 1, never acknowledged
  ASSERT_TRUE(flow.on_pubrec(1, false, sink, kNow));
  for (std::uint32_t id = 2; id <= 65535; ++id) {
    (void)flow.deliver(delivery("t"), &sink, kNow);
    ASSERT_EQ(sink.sent.back().packet_id, id);
    ASSERT_TRUE(flow.on_puback(static_cast<std::uint16_t>(id), sink, kNow));
  }
  sink.sent.clear();

  (void)flow.deliver(delivery("after wrap"), &sink, kNow);
  (void)flow.deliver(delivery("after wrap too"), &sink, kNow);
  EXPECT_THAT(sink.sent, ElementsAre(publish("after wrap", 2, 1), publish("after wrap too", 3, 1)));
}

// --- QoS 2 -------------------------------------------------------------------

TEST(OutboundFlow, PubrecIsAnsweredWithPubrel) {
  OutboundFlow flow;
  RecordingSink sink;
  (void)flow.deliver(delivery("a", {.qos = 2}), &sink, kNow);
  sink.sent.clear();
  EXPECT_TRUE(flow.on_pubrec(1, false, sink, kNow));
  EXPECT_THAT(sink.sent, ElementsAre(pubrel(1)));
  EXPECT_EQ(flow.inflight_count(), 1u);
}

TEST(OutboundFlow, ARepeatedPubrecIsAnsweredWithPubrelAgain) {
  OutboundFlow flow;
  RecordingSink sink;
  (void)flow.deliver(delivery("a", {.qos = 2}), &sink, kNow);
  ASSERT_TRUE(flow.on_pubrec(1, false, sink, kNow));
  sink.sent.clear();
  EXPECT_TRUE(flow.on_pubrec(1, false, sink, kNow));
  EXPECT_THAT(sink.sent, ElementsAre(pubrel(1)));
}

TEST(OutboundFlow, AFailedPubrecFreesTheSlotWithoutPubrel) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("a", {.qos = 2}), &sink, kNow);
  (void)flow.deliver(delivery("b", {.qos = 2}), &sink, kNow);
  sink.sent.clear();

  EXPECT_TRUE(flow.on_pubrec(1, /*failed=*/true, sink, kNow));
  EXPECT_THAT(sink.sent, ElementsAre(publish("b", 2, 2)));
  EXPECT_FALSE(flow.on_pubcomp(1, sink, kNow));
}

TEST(OutboundFlow, AcknowledgementsInTheWrongStageAreRejected) {
  OutboundFlow flow;
  RecordingSink sink;
  (void)flow.deliver(delivery("qos1"), &sink, kNow);              // id 1
  (void)flow.deliver(delivery("qos2", {.qos = 2}), &sink, kNow);  // id 2
  sink.sent.clear();

  EXPECT_FALSE(flow.on_pubrec(1, false, sink, kNow));  // QoS 1 is acknowledged by PUBACK
  EXPECT_FALSE(flow.on_pubcomp(1, sink, kNow));
  EXPECT_FALSE(flow.on_puback(2, sink, kNow));   // QoS 2 is not
  EXPECT_FALSE(flow.on_pubcomp(2, sink, kNow));  // not before PUBREC
  EXPECT_FALSE(flow.on_puback(9, sink, kNow));   // never sent
  EXPECT_FALSE(flow.on_pubrec(9, false, sink, kNow));
  EXPECT_FALSE(flow.on_pubcomp(9, sink, kNow));
  EXPECT_THAT(sink.sent, IsEmpty());
  EXPECT_EQ(flow.inflight_count(), 2u);

  ASSERT_TRUE(flow.on_pubrec(2, false, sink, kNow));
  EXPECT_FALSE(flow.on_puback(2, sink, kNow));  // after PUBREC only PUBCOMP completes it
  EXPECT_TRUE(flow.on_puback(1, sink, kNow));
  EXPECT_FALSE(flow.on_puback(1, sink, kNow));  // already complete
}

// --- resumption ----------------------------------------------------------------

TEST(OutboundFlow, ResumeResendsPublishesWithDupAndPubrelsInTheirOriginalOrder) {
  OutboundFlow flow;
  RecordingSink sink;
  (void)flow.deliver(delivery("a"), &sink, kNow);
  (void)flow.deliver(delivery("b", {.qos = 2}), &sink, kNow);
  (void)flow.deliver(delivery("c", {.qos = 2}), &sink, kNow);
  (void)flow.deliver(delivery("d"), &sink, kNow);
  ASSERT_TRUE(flow.on_pubrec(2, false, sink, kNow));
  sink.sent.clear();

  flow.resume(sink, kNow);
  EXPECT_THAT(sink.sent, ElementsAre(publish("a", 1, 1, true), pubrel(2), publish("c", 3, 2, true),
                                     publish("d", 4, 1, true)));
  EXPECT_EQ(flow.inflight_count(), 4u);
}

TEST(OutboundFlow, ResumeFillsTheWindowFromTheQueueAfterResending) {
  OutboundFlow flow;
  flow.set_window(2);
  RecordingSink sink;
  (void)flow.deliver(delivery("a"), &sink, kNow);
  sink.sent.clear();
  (void)flow.deliver(delivery("b"), nullptr, kNow);  // offline now
  (void)flow.deliver(delivery("c"), nullptr, kNow);

  flow.resume(sink, kNow);
  EXPECT_THAT(sink.sent, ElementsAre(publish("a", 1, 1, true), publish("b", 2, 1)));
  EXPECT_EQ(flow.queued_count(), 1u);
}

TEST(OutboundFlow, ResumeHonoursAWindowTheReconnectingClientMadeSmaller) {
  OutboundFlow flow;
  RecordingSink sink;
  (void)flow.deliver(delivery("a"), &sink, kNow);
  (void)flow.deliver(delivery("b"), &sink, kNow);
  (void)flow.deliver(delivery("c"), nullptr, kNow);
  sink.sent.clear();

  flow.set_window(1);
  flow.resume(sink, kNow);
  // In-flight messages are resent regardless; nothing new is added.
  EXPECT_THAT(sink.sent, ElementsAre(publish("a", 1, 1, true), publish("b", 2, 1, true)));
  EXPECT_EQ(flow.queued_count(), 1u);
}

// --- queue limits ----------------------------------------------------------------

TEST(OutboundFlow, QueueRefusesMessagesBeyondTheCountLimit) {
  OutboundFlow flow({.max_queued_messages = 2});
  EXPECT_EQ(flow.deliver(delivery("a"), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_EQ(flow.deliver(delivery("b"), nullptr, kNow), DeliverOutcome::kQueued);
  EXPECT_EQ(flow.deliver(delivery("c"), nullptr, kNow), DeliverOutcome::kDroppedQueueFull);
  EXPECT_EQ(flow.queued_count(), 2u);

  RecordingSink sink;
  flow.resume(sink, kNow);
  EXPECT_THAT(sink.sent, ElementsAre(publish("a", 1, 1), publish("b", 2, 1)));
}

TEST(OutboundFlow, QueueRefusesMessagesBeyondTheByteLimit) {
  OutboundFlow flow({.max_queued_bytes = 10});
  EXPECT_EQ(flow.deliver(delivery("a", {.payload = "123456"}), nullptr, kNow),
            DeliverOutcome::kQueued);
  EXPECT_EQ(flow.deliver(delivery("b", {.payload = "12345"}), nullptr, kNow),
            DeliverOutcome::kDroppedQueueFull);
  EXPECT_EQ(flow.deliver(delivery("c", {.payload = "1234"}), nullptr, kNow),
            DeliverOutcome::kQueued);  // exactly at the limit
  EXPECT_EQ(flow.queued_bytes(), 10u);
}

TEST(OutboundFlow, QueueLimitsAlsoApplyWhileOnlineWithAFullWindow) {
  OutboundFlow flow({.max_queued_messages = 1});
  flow.set_window(1);
  RecordingSink sink;
  EXPECT_EQ(flow.deliver(delivery("a"), &sink, kNow), DeliverOutcome::kSent);
  EXPECT_EQ(flow.deliver(delivery("b"), &sink, kNow), DeliverOutcome::kQueued);
  EXPECT_EQ(flow.deliver(delivery("c"), &sink, kNow), DeliverOutcome::kDroppedQueueFull);
}

TEST(OutboundFlow, SendingFromTheQueueReleasesItsBytes) {
  OutboundFlow flow({.max_queued_bytes = 10});
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("a", {.payload = "1234567890"}), &sink, kNow);
  (void)flow.deliver(delivery("b", {.payload = "1234567890"}), &sink, kNow);
  EXPECT_EQ(flow.queued_bytes(), 10u);
  ASSERT_TRUE(flow.on_puback(1, sink, kNow));
  EXPECT_EQ(flow.queued_bytes(), 0u);
  EXPECT_EQ(flow.deliver(delivery("c", {.payload = "1234567890"}), &sink, kNow),
            DeliverOutcome::kQueued);
}

// --- expiry --------------------------------------------------------------------

TEST(OutboundFlow, AnExpiredMessageIsDroppedAtDelivery) {
  OutboundFlow flow;
  RecordingSink sink;
  EXPECT_EQ(flow.deliver(delivery("a", {.expires_at = kNow}), &sink, kNow),
            DeliverOutcome::kDroppedExpired);
  EXPECT_EQ(flow.deliver(delivery("b", {.qos = 0, .expires_at = kNow - seconds(1)}), &sink, kNow),
            DeliverOutcome::kDroppedExpired);
  EXPECT_EQ(flow.deliver(delivery("c", {.expires_at = kNow}), nullptr, kNow),
            DeliverOutcome::kDroppedExpired);
  EXPECT_THAT(sink.sent, IsEmpty());
  EXPECT_EQ(flow.queued_count(), 0u);
}

TEST(OutboundFlow, AQueuedMessageThatExpiresWhileWaitingIsNeverSent) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("a"), &sink, kNow);
  (void)flow.deliver(delivery("short-lived", {.expires_at = kNow + seconds(5)}), &sink, kNow);
  (void)flow.deliver(delivery("c"), &sink, kNow);
  sink.sent.clear();

  EXPECT_TRUE(flow.on_puback(1, sink, kNow + seconds(5)));
  EXPECT_THAT(sink.sent, ElementsAre(publish("c", 2, 1)));
}

TEST(OutboundFlow, ResumeSkipsQueuedMessagesThatExpiredWhileOffline) {
  OutboundFlow flow;
  (void)flow.deliver(delivery("short-lived", {.expires_at = kNow + seconds(5)}), nullptr, kNow);
  (void)flow.deliver(delivery("b"), nullptr, kNow);
  RecordingSink sink;
  flow.resume(sink, kNow + seconds(10));
  EXPECT_THAT(sink.sent, ElementsAre(publish("b", 1, 1)));
}

TEST(OutboundFlow, DropExpiredRemovesOnlyExpiredQueuedMessages) {
  OutboundFlow flow;
  (void)flow.deliver(delivery("soon", {.payload = "aa", .expires_at = kNow + seconds(1)}), nullptr,
                     kNow);
  (void)flow.deliver(delivery("forever", {.payload = "bbb"}), nullptr, kNow);
  (void)flow.deliver(delivery("later", {.payload = "cccc", .expires_at = kNow + seconds(60)}),
                     nullptr, kNow);

  EXPECT_EQ(flow.drop_expired(kNow), 0u);
  EXPECT_EQ(flow.drop_expired(kNow + seconds(2)), 1u);
  EXPECT_EQ(flow.queued_count(), 2u);
  EXPECT_EQ(flow.queued_bytes(), 7u);

  RecordingSink sink;
  flow.resume(sink, kNow + seconds(2));
  EXPECT_THAT(sink.sent, ElementsAre(publish("forever", 1, 1), publish("later", 2, 1)));
}

// --- discarded (too large) messages --------------------------------------------------

TEST(OutboundFlow, AMessageTheSinkDiscardsTakesNoSlot) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  sink.too_large = {"big"};
  EXPECT_EQ(flow.deliver(delivery("big"), &sink, kNow), DeliverOutcome::kDroppedTooLarge);
  EXPECT_EQ(flow.inflight_count(), 0u);
  EXPECT_EQ(flow.deliver(delivery("small"), &sink, kNow), DeliverOutcome::kSent);
  EXPECT_THAT(topics_sent(sink), ElementsAre("small"));
}

TEST(OutboundFlow, AQueuedMessageTheSinkDiscardsIsSkipped) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  sink.too_large = {"big"};
  (void)flow.deliver(delivery("a"), &sink, kNow);
  EXPECT_EQ(flow.deliver(delivery("big"), &sink, kNow), DeliverOutcome::kQueued);
  (void)flow.deliver(delivery("c"), &sink, kNow);
  sink.sent.clear();

  ASSERT_TRUE(flow.on_puback(1, sink, kNow));
  EXPECT_THAT(topics_sent(sink), ElementsAre("c"));
  EXPECT_EQ(flow.inflight_count(), 1u);
  EXPECT_EQ(flow.queued_count(), 0u);
}

TEST(OutboundFlow, AnInFlightMessageDiscardedOnResumeFreesItsSlot) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("grows too large"), &sink, kNow);
  (void)flow.deliver(delivery("next"), nullptr, kNow);
  sink.sent.clear();

  sink.too_large = {"grows too large"};  // the client reconnected with a smaller maximum
  flow.resume(sink, kNow);
  EXPECT_THAT(topics_sent(sink), ElementsAre("next"));
  EXPECT_FALSE(flow.on_puback(1, sink, kNow));
}

// --- shared subscriptions ------------------------------------------------------------

TEST(OutboundFlow, TakeSharedUnacknowledgedReturnsOnlySharedUnacknowledgedMessages) {
  OutboundFlow flow;
  flow.set_window(4);
  RecordingSink sink;
  (void)flow.deliver(delivery("shared in flight", {.share_group = "g"}), &sink, kNow);  // 1
  (void)flow.deliver(delivery("own in flight"), &sink, kNow);                           // 2
  (void)flow.deliver(delivery("shared pubrec'd", {.qos = 2, .share_group = "g"}), &sink,
                     kNow);                                                                  // 3
  (void)flow.deliver(delivery("shared qos2", {.qos = 2, .share_group = "g"}), &sink, kNow);  // 4
  (void)flow.deliver(delivery("shared queued", {.payload = "12", .share_group = "g"}), &sink, kNow);
  (void)flow.deliver(delivery("own queued", {.payload = "123"}), &sink, kNow);
  ASSERT_TRUE(flow.on_pubrec(3, false, sink, kNow));

  std::vector<Delivery> taken = flow.take_shared_unacknowledged();
  EXPECT_THAT(topics_of(taken), ElementsAre("shared in flight", "shared qos2", "shared queued"));
  for (const Delivery& d : taken) EXPECT_EQ(d.share_group, "g");
  EXPECT_EQ(flow.inflight_count(), 2u);
  EXPECT_EQ(flow.queued_count(), 1u);
  EXPECT_EQ(flow.queued_bytes(), 3u);

  // What was taken is no longer this session's to acknowledge.
  EXPECT_FALSE(flow.on_puback(1, sink, kNow));
  EXPECT_FALSE(flow.on_pubrec(4, false, sink, kNow));
  EXPECT_TRUE(flow.on_pubcomp(3, sink, kNow));
  EXPECT_TRUE(flow.on_puback(2, sink, kNow));
}

TEST(OutboundFlow, TakeSharedUnacknowledgedIsEmptyWithoutSharedDeliveries) {
  OutboundFlow flow;
  RecordingSink sink;
  (void)flow.deliver(delivery("a"), &sink, kNow);
  (void)flow.deliver(delivery("b"), nullptr, kNow);
  EXPECT_THAT(flow.take_shared_unacknowledged(), IsEmpty());
  EXPECT_EQ(flow.inflight_count(), 1u);
  EXPECT_EQ(flow.queued_count(), 1u);
}

TEST(OutboundFlow, ClearForgetsEverything) {
  OutboundFlow flow;
  flow.set_window(1);
  RecordingSink sink;
  (void)flow.deliver(delivery("a"), &sink, kNow);
  (void)flow.deliver(delivery("b"), &sink, kNow);
  flow.clear();
  EXPECT_EQ(flow.inflight_count(), 0u);
  EXPECT_EQ(flow.queued_count(), 0u);
  EXPECT_EQ(flow.queued_bytes(), 0u);
  EXPECT_FALSE(flow.on_puback(1, sink, kNow));
}

}  // namespace
}  // namespace starling::session
