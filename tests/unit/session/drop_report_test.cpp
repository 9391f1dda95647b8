// The rate limit on what the log says about dropped messages.
#include "session/drop_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

namespace starling::session {
namespace {

using std::chrono::seconds;
using testing::HasSubstr;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

TEST(DropReport, TheFirstDropIsReportedAtOnce) {
  DropReport report;
  EXPECT_FALSE(report.pending());
  EXPECT_TRUE(report.add(DropReason::kQueueFull, 1, kStart));
  EXPECT_EQ(report.take(kStart),
            "dropped 1 message (queue full: 1 new refused); further drops are summarised at most "
            "every 10 s");
  EXPECT_FALSE(report.pending());
}

TEST(DropReport, DropsWithinTheIntervalAreCountedNotReported) {
  DropReport report;
  ASSERT_TRUE(report.add(DropReason::kQueueFull, 1, kStart));
  (void)report.take(kStart);

  EXPECT_FALSE(report.add(DropReason::kQueueFull, 1, kStart + seconds(1)));
  EXPECT_FALSE(report.add(DropReason::kEvicted, 3, kStart + seconds(9)));
  EXPECT_TRUE(report.pending());
  EXPECT_FALSE(report.due(kStart + seconds(9)));
}

TEST(DropReport, TheSummaryIsDueOnceTheIntervalHasPassed) {
  DropReport report;
  ASSERT_TRUE(report.add(DropReason::kQueueFull, 1, kStart));
  (void)report.take(kStart);
  (void)report.add(DropReason::kQueueFull, 2, kStart + seconds(1));
  (void)report.add(DropReason::kEvicted, 3, kStart + seconds(2));

  EXPECT_TRUE(report.due(kStart + seconds(10)));
  EXPECT_EQ(report.take(kStart + seconds(12)),
            "dropped 5 messages in the last 12 s (queue full: 2 new refused, 3 queued evicted)");
  EXPECT_FALSE(report.pending());
  EXPECT_FALSE(report.due(kStart + seconds(30)));
}

TEST(DropReport, ADropAfterTheIntervalIsReportedAtOnceWithEverythingCountedBefore) {
  DropReport report;
  ASSERT_TRUE(report.add(DropReason::kQueueFull, 1, kStart));
  (void)report.take(kStart);
  EXPECT_FALSE(report.add(DropReason::kSlowConsumer, 4, kStart + seconds(5)));
  EXPECT_TRUE(report.add(DropReason::kSlowConsumer, 1, kStart + seconds(10)));
  EXPECT_EQ(report.take(kStart + seconds(10)),
            "dropped 5 messages in the last 10 s (client not reading: 5 QoS 0 skipped)");
}

TEST(DropReport, AtMostOneReportPerIntervalUnderAStream) {
  DropReport report;
  int reports = 0;
  for (int ms = 0; ms < 60'000; ms += 100) {
    const TimePoint now = kStart + std::chrono::milliseconds(ms);
    if (report.add(DropReason::kQueueFull, 1, now) || report.due(now)) {
      (void)report.take(now);
      ++reports;
    }
  }
  EXPECT_EQ(reports, 6);  // at 0, 10, 20, 30, 40, 50 s
}

TEST(DropReport, AReportNamesEveryReasonSeen) {
  DropReport report;
  (void)report.add(DropReason::kEvicted, 1, kStart);
  (void)report.add(DropReason::kSlowConsumer, 2, kStart);
  const std::string text = report.take(kStart);
  EXPECT_THAT(text, HasSubstr("dropped 3 messages"));
  EXPECT_THAT(text, HasSubstr("queue full: 1 queued evicted"));
  EXPECT_THAT(text, HasSubstr("client not reading: 2 QoS 0 skipped"));
}

}  // namespace
}  // namespace starling::session
