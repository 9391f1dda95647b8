// The python plugin's `every` bookkeeping: which timers a tick runs.
#include "python/every_timers.hpp"

#include <gtest/gtest.h>

namespace starling::plugins::python {
namespace {

using namespace std::chrono_literals;
using Due = std::vector<std::size_t>;

class EveryTimersTest : public ::testing::Test {
 protected:
  EveryTimers::Clock::time_point start = EveryTimers::Clock::now();
  EveryTimers timers;
};

TEST_F(EveryTimersTest, EachTimerIsDueOncePerItsOwnInterval) {
  timers.start({100, 300}, start);
  EXPECT_EQ(timers.take_due(start + 50ms), Due{});
  EXPECT_EQ(timers.take_due(start + 100ms), (Due{0}));
  timers.finished(0);
  EXPECT_EQ(timers.take_due(start + 200ms), (Due{0}));
  timers.finished(0);
  EXPECT_EQ(timers.take_due(start + 300ms), (Due{0, 1}));
}

TEST_F(EveryTimersTest, ATickSlightlyEarlyStillCountsSoATimerDoesNotSlipAPeriod) {
  timers.start({1000}, start);
  EXPECT_EQ(timers.take_due(start + 990ms), (Due{0}));
  timers.finished(0);
  EXPECT_EQ(timers.take_due(start + 1500ms), Due{});
  EXPECT_EQ(timers.take_due(start + 2001ms), (Due{0}));
}

TEST_F(EveryTimersTest, ATimerStillRunningIsSkippedUntilItHasFinished) {
  timers.start({100}, start);
  EXPECT_EQ(timers.take_due(start + 100ms), (Due{0}));
  EXPECT_EQ(timers.take_due(start + 200ms), Due{});
  timers.finished(0);
  EXPECT_EQ(timers.take_due(start + 300ms), (Due{0}));
}

TEST_F(EveryTimersTest, ATimerThatFellBehindRunsOnceAndDoesNotCatchUp) {
  timers.start({100}, start);
  EXPECT_EQ(timers.take_due(start + 1000ms), (Due{0}));
  timers.finished(0);
  EXPECT_EQ(timers.take_due(start + 1010ms), Due{});
  EXPECT_EQ(timers.take_due(start + 1100ms), (Due{0}));
}

}  // namespace
}  // namespace starling::plugins::python
