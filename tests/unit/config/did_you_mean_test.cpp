#include "config/did_you_mean.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

namespace starling {
namespace {

constexpr std::array<std::string_view, 4> kWords = {"threads", "maximum_qos", "type", "bind"};

TEST(DidYouMean, FindsAWordWithOneTypo) {
  EXPECT_EQ(closest_match("thraeds", kWords), "threads");
}

TEST(DidYouMean, FindsAWordWithAShortenedPart) {
  EXPECT_EQ(closest_match("max_qos", kWords), "maximum_qos");
}

TEST(DidYouMean, SuggestsNothingForAnUnrelatedWord) {
  EXPECT_EQ(closest_match("port", kWords), std::nullopt);
  EXPECT_EQ(closest_match("zzzzzz", kWords), std::nullopt);
}

TEST(DidYouMean, PrefersTheCloserOfTwoCandidates) {
  constexpr std::array<std::string_view, 2> words = {"limit_a", "limits"};
  EXPECT_EQ(closest_match("limits_", words), "limits");
}

TEST(DidYouMean, ASharedPrefixDoesNotMakeAWordClose) {
  constexpr std::array<std::string_view, 2> words = {"limits", "limits.max_inflight"};
  EXPECT_EQ(closest_match("limits.zzz", words), std::nullopt);
  EXPECT_EQ(closest_match("limits.max_infligt", words), "limits.max_inflight");
}

TEST(DidYouMean, SuggestsNothingWithoutCandidates) {
  EXPECT_EQ(closest_match("threads", std::span<const std::string_view>{}), std::nullopt);
}

}  // namespace
}  // namespace starling
