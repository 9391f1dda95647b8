#include <gtest/gtest.h>

#include <string_view>

#include "routing/topic.hpp"

namespace starling::routing {
namespace {

struct MatchCase {
  std::string_view filter;
  std::string_view topic;
  bool matches;
};

class TopicMatches : public testing::TestWithParam<MatchCase> {};

TEST_P(TopicMatches, AgreesWithTheSpecification) {
  const MatchCase& c = GetParam();
  EXPECT_EQ(topic_matches(c.filter, c.topic), c.matches)
      << "filter '" << c.filter << "' topic '" << c.topic << "'";
}

INSTANTIATE_TEST_SUITE_P(ExactLevels, TopicMatches,
                         testing::Values(MatchCase{"a", "a", true}, MatchCase{"a/b", "a/b", true},
                                         MatchCase{"a/b", "a", false}, MatchCase{"a", "a/b", false},
                                         MatchCase{"a/b", "a/c", false}, MatchCase{"A", "a", false},
                                         MatchCase{"a/", "a", false}, MatchCase{"a/", "a/", true},
                                         MatchCase{"/a", "/a", true}, MatchCase{"/a", "a", false},
                                         MatchCase{"a//b", "a//b", true},
                                         MatchCase{"a//b", "a/b", false}));

INSTANTIATE_TEST_SUITE_P(
    SingleLevelWildcard, TopicMatches,
    testing::Values(MatchCase{"+", "a", true}, MatchCase{"+", "a/b", false},
                    MatchCase{"a/+", "a/b", true}, MatchCase{"a/+", "a", false},
                    MatchCase{"a/+", "a/", true},      // '+' matches an empty level
                    MatchCase{"a/+/c", "a//c", true},  // in the middle too
                    MatchCase{"+/+", "/a", true}, MatchCase{"+", "/a", false},
                    MatchCase{"/+", "/a", true}, MatchCase{"+/+", "/", true},
                    MatchCase{"+", "", true}, MatchCase{"a/+/c", "a/b/c/d", false},
                    MatchCase{"+/b/+", "a/b/c", true}));

INSTANTIATE_TEST_SUITE_P(
    MultiLevelWildcard, TopicMatches,
    testing::Values(MatchCase{"#", "a", true}, MatchCase{"#", "a/b/c", true},
                    MatchCase{"#", "/", true}, MatchCase{"a/#", "a", true},  // the parent level
                    MatchCase{"a/#", "a/b", true}, MatchCase{"a/#", "a/b/c", true},
                    MatchCase{"a/#", "a/", true}, MatchCase{"a/#", "b", false},
                    MatchCase{"a/#", "ab", false}, MatchCase{"a/b/#", "a", false},
                    MatchCase{"+/#", "a", true}, MatchCase{"/#", "/", true},
                    MatchCase{"/#", "a", false}));

INSTANTIATE_TEST_SUITE_P(
    DollarTopics, TopicMatches,
    testing::Values(MatchCase{"#", "$SYS/x", false}, MatchCase{"+/x", "$SYS/x", false},
                    MatchCase{"+", "$SYS", false}, MatchCase{"+/#", "$SYS/x", false},
                    MatchCase{"$SYS/#", "$SYS/x", true}, MatchCase{"$SYS/#", "$SYS", true},
                    MatchCase{"$SYS/+", "$SYS/x", true}, MatchCase{"$SYS/x", "$SYS/x", true},
                    MatchCase{"a/+", "a/$x", true},  // the rule covers the first level only
                    MatchCase{"a/#", "a/$x", true}, MatchCase{"#", "a$", true},
                    MatchCase{"$share/g/#", "$share/g/x", true}));

TEST(TopicLevels, CountsEveryLevelIncludingEmptyOnes) {
  EXPECT_EQ(topic_levels("a"), 1u);
  EXPECT_EQ(topic_levels("a/b/c"), 3u);
  EXPECT_EQ(topic_levels("/"), 2u);
  EXPECT_EQ(topic_levels("/a"), 2u);
  EXPECT_EQ(topic_levels("a//b/"), 4u);
  EXPECT_EQ(topic_levels(""), 1u);
}

}  // namespace
}  // namespace starling::routing
