#include "plugin_host/pending_answers.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

namespace starling::plugin_host {
namespace {

TEST(PendingAnswers, AnAnswerReachesTheReceiverThatWaitsForIt) {
  PendingAnswers pending;
  std::uint64_t ticket = pending.issue();
  std::optional<Answer> got;
  pending.await(ticket, [&](Answer a) { got = a; });
  EXPECT_TRUE(pending.answer(ticket, Answer{STARLING_DENY, 0x86}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->decision, STARLING_DENY);
  EXPECT_EQ(got->reason_code, 0x86);
  EXPECT_EQ(pending.waiting(), 0u);
}

TEST(PendingAnswers, AnAnswerBeforeTheWaitIsKeptUntilTheWaitStarts) {
  PendingAnswers pending;
  std::uint64_t ticket = pending.issue();
  EXPECT_TRUE(pending.answer(ticket, Answer{STARLING_ALLOW, 0}));
  std::optional<Answer> got;
  pending.await(ticket, [&](Answer a) { got = a; });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->decision, STARLING_ALLOW);
}

TEST(PendingAnswers, ATicketNeverIssuedIsRefused) {
  PendingAnswers pending;
  EXPECT_FALSE(pending.answer(0, Answer{}));
  EXPECT_FALSE(pending.answer(12345, Answer{}));
}

TEST(PendingAnswers, AnAnswerAfterCancelIsIgnored) {
  PendingAnswers pending;
  std::uint64_t ticket = pending.issue();
  bool called = false;
  pending.await(ticket, [&](Answer) { called = true; });
  pending.cancel(ticket);
  (void)pending.answer(ticket, Answer{STARLING_ALLOW, 0});
  EXPECT_FALSE(called);
  EXPECT_EQ(pending.waiting(), 0u);
}

TEST(PendingAnswers, AnswersFromOtherThreadsReachTheirReceiversOnce) {
  PendingAnswers pending;
  constexpr int kTickets = 200;
  std::atomic<int> received{0};
  std::vector<std::uint64_t> tickets;
  for (int i = 0; i < kTickets; ++i) {
    tickets.push_back(pending.issue());
    pending.await(tickets.back(), [&](Answer) { received.fetch_add(1); });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (std::uint64_t ticket : tickets) (void)pending.answer(ticket, Answer{STARLING_ALLOW, 0});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(received.load(), kTickets);
}

}  // namespace
}  // namespace starling::plugin_host
