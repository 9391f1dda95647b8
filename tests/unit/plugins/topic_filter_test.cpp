// Topic filter matching shared by the bundled plugins.
#include "common/topic_filter.hpp"

#include <gtest/gtest.h>

namespace starling::plugins {
namespace {

using Captures = std::vector<std::string>;

TEST(TopicFilter, WildcardsCaptureWhatTheyMatched) {
  EXPECT_EQ(match_topic("a/+/c/#", "a/b/c/d/e"), (Captures{"b", "d/e"}));
  EXPECT_EQ(match_topic("a/#", "a"), (Captures{""}));
  EXPECT_EQ(match_topic("a/b", "a/b"), Captures{});
  EXPECT_EQ(match_topic("+", ""), (Captures{""}));
}

TEST(TopicFilter, MismatchesAreRejected) {
  EXPECT_FALSE(topic_matches("a/+", "a/b/c"));
  EXPECT_FALSE(topic_matches("a/b/c", "a/b"));
  EXPECT_FALSE(topic_matches("a/b", "a/c"));
}

TEST(TopicFilter, LeadingWildcardsDoNotMatchDollarTopics) {
  EXPECT_FALSE(topic_matches("#", "$SYS/x"));
  EXPECT_FALSE(topic_matches("+/x", "$SYS/x"));
  EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/x"));
}

TEST(TopicFilter, OneFilterCoversAnotherWhenItMatchesEverythingTheOtherDoes) {
  EXPECT_TRUE(filter_covers("a/#", "a/+/b"));
  EXPECT_TRUE(filter_covers("a/#", "a"));
  EXPECT_TRUE(filter_covers("a/#", "a/#"));
  EXPECT_TRUE(filter_covers("a/+", "a/+"));
  EXPECT_TRUE(filter_covers("a/+", "a/b"));
  EXPECT_TRUE(filter_covers("#", "x/y"));
  EXPECT_FALSE(filter_covers("a/+", "a/#"));
  EXPECT_FALSE(filter_covers("a/b", "a/+"));
  EXPECT_FALSE(filter_covers("a/+", "a/b/c"));
  EXPECT_FALSE(filter_covers("a/b/#", "a/#"));
  EXPECT_FALSE(filter_covers("#", "$SYS/#"));
}

TEST(TopicFilter, ValidFiltersFollowTheSpec) {
  EXPECT_TRUE(is_valid_filter("a/+/#"));
  EXPECT_TRUE(is_valid_filter("#"));
  EXPECT_FALSE(is_valid_filter(""));
  EXPECT_FALSE(is_valid_filter("a/#/b"));
  EXPECT_FALSE(is_valid_filter("a+/b"));
  EXPECT_FALSE(is_valid_filter("a/b#"));
}

}  // namespace
}  // namespace starling::plugins
