// The topic_rewrite plugin's rules.
#include "topic_rewrite/rewrite_rules.hpp"

#include <gtest/gtest.h>

namespace starling::plugins::topic_rewrite {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

RewriteRules rules_from(const Pairs& options) {
  auto rules = RewriteRules::parse(options);
  if (!rules.ok()) ADD_FAILURE() << rules.error().message;
  return std::move(*rules);
}

TEST(RewriteRules, PlusCapturesAreSubstitutedByNumber) {
  auto rules = rules_from({{"rule_1", "legacy/+/+/temp -> sites/{2}/devices/{1}/temperature"}});
  EXPECT_EQ(rules.rewrite("legacy/dev7/north/temp"), "sites/north/devices/dev7/temperature");
  EXPECT_EQ(rules.rewrite("legacy/dev7/north/humidity"), std::nullopt);
}

TEST(RewriteRules, AHashCaptureKeepsAllItsLevels) {
  auto rules = rules_from({{"rule_1", "old/# -> new/{1}"}});
  EXPECT_EQ(rules.rewrite("old/a/b/c"), "new/a/b/c");
}

TEST(RewriteRules, AnEmptyHashCaptureDropsTheSlashBeforeIt) {
  auto rules = rules_from({{"rule_1", "old/# -> new/{1}"}});
  EXPECT_EQ(rules.rewrite("old"), "new");
}

TEST(RewriteRules, TheFirstMatchingRuleInNumericOrderWins) {
  auto rules = rules_from({{"rule_10", "a/# -> ten/{1}"}, {"rule_2", "a/b -> two"}});
  EXPECT_EQ(rules.rewrite("a/b"), "two");
  EXPECT_EQ(rules.rewrite("a/c"), "ten/c");
  EXPECT_EQ(rules.filters(), (std::vector<std::string>{"a/b", "a/#"}));
}

TEST(RewriteRules, BracesThatAreNotCapturesStayText) {
  auto rules = rules_from({{"rule_1", "a/+ -> b/{x}/{1}"}});
  EXPECT_EQ(rules.rewrite("a/q"), "b/{x}/q");
}

TEST(RewriteRules, BadRulesAreRefusedWithTheirKey) {
  const Pairs bad[] = {
      {{"rule_1", "a/b"}},                            // no arrow
      {{"rule_1", "a/+ -> b/{2}"}},                   // capture out of range
      {{"rule_1", "a/# -> b/#"}},                     // wildcard in TO
      {{"rule_1", "a/#/c -> b"}},                     // invalid FROM
      {{"rule_1", "a -> "}},                          // empty TO
      {{"rules.1", "a -> b"}},                        // unknown option
      {{"rule_1", "a -> b"}, {"rule_01", "c -> d"}},  // the same number twice
      {},                                             // no rules
  };
  for (const Pairs& options : bad) {
    auto rules = RewriteRules::parse(options);
    EXPECT_FALSE(rules.ok()) << (options.empty() ? "(none)" : options.front().second);
  }
}

}  // namespace
}  // namespace starling::plugins::topic_rewrite
