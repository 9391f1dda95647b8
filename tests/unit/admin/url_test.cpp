#include "admin/url.hpp"

#include <gtest/gtest.h>

namespace starling::admin {
namespace {

TEST(PercentDecode, DecodesEscapesOfEitherCase) {
  EXPECT_EQ(percent_decode("a%2Fb%2fc%20d", false), "a/b/c d");
  EXPECT_EQ(percent_decode("%C3%BC", false), "\xc3\xbc");
}

TEST(PercentDecode, PlusIsASpaceOnlyInQueries) {
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a%2Bb", true), "a+b");
}

TEST(PercentDecode, RejectsTruncatedOrNonHexEscapes) {
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("a%2", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("%g0", false));
}

TEST(ParseTarget, SplitsThePathIntoDecodedSegments) {
  auto target = parse_target("/api/v1/clients/dev%2F1");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->segments, (std::vector<std::string>{"api", "v1", "clients", "dev/1"}));
  EXPECT_TRUE(target->query.empty());
}

TEST(ParseTarget, DropsEmptySegments) {
  auto target = parse_target("//metrics/");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->segments, std::vector<std::string>{"metrics"});
  EXPECT_TRUE(parse_target("/")->segments.empty());
}

TEST(ParseTarget, DecodesTheQueryAndKeepsTheFirstValueOfARepeatedKey) {
  auto target = parse_target("/r?filter=a%2F%23&limit=5&flag&filter=other&x=a+b");
  ASSERT_TRUE(target);
  ASSERT_NE(target->find("filter"), nullptr);
  EXPECT_EQ(*target->find("filter"), "a/#");
  EXPECT_EQ(*target->find("limit"), "5");
  EXPECT_EQ(*target->find("flag"), "");
  EXPECT_EQ(*target->find("x"), "a b");
  EXPECT_EQ(target->find("missing"), nullptr);
}

TEST(ParseTarget, RejectsTargetsThatAreNotOriginFormOrHoldBadEscapes) {
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("metrics"));
  EXPECT_FALSE(parse_target("http://host/metrics"));
  EXPECT_FALSE(parse_target("/a%zz"));
  EXPECT_FALSE(parse_target("/a?b=%"));
}

}  // namespace
}  // namespace starling::admin
