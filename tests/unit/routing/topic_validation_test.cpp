#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "routing/topic.hpp"

namespace starling::routing {
namespace {

using namespace std::string_literals;

TEST(TopicNameValidation, AcceptsPlainDollarAndEmptyLevelNames) {
  for (const std::string_view name :
       {"a", "a/b/c", "/", "/a", "a/", "a//b", "//", "$SYS/broker", "$", "a b", "caf\xc3\xa9"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(is_valid_topic_name(name));
  }
}

TEST(TopicNameValidation, RejectsEmptyWildcardAndNulNames) {
  for (const std::string& name : {""s, "+"s, "#"s, "a/+"s, "a/#"s, "a+"s, "a#b"s, "a\0b"s}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_valid_topic_name(name));
  }
}

TEST(TopicNameValidation, AcceptsUpTo65535BytesAndNoMore) {
  EXPECT_TRUE(is_valid_topic_name(std::string(65535, 'a')));
  EXPECT_FALSE(is_valid_topic_name(std::string(65536, 'a')));
}

TEST(TopicFilterValidation, AcceptsWildcardsAloneInTheirLevels) {
  for (const std::string_view filter :
       {"a", "#", "+", "a/#", "a/+", "+/+", "+/#", "/#", "a/+/b", "+/a/#", "/", "a//b", "/+", "a/",
        "$SYS/#", "$share/g/a", "$share"}) {
    SCOPED_TRACE(filter);
    EXPECT_TRUE(is_valid_topic_filter(filter));
  }
}

TEST(TopicFilterValidation, RejectsMisplacedWildcardsEmptyAndNul) {
  for (const std::string& filter : {""s, "#/a"s, "a/#/b"s, "a#"s, "#a"s, "a/b#"s, "##"s, "a+"s,
                                    "+a"s, "a/+b/c"s, "++"s, "a/\0"s, "a\0/#"s}) {
    SCOPED_TRACE(filter);
    EXPECT_FALSE(is_valid_topic_filter(filter));
  }
}

TEST(TopicFilterValidation, AcceptsUpTo65535BytesAndNoMore) {
  EXPECT_TRUE(is_valid_topic_filter(std::string(65535, 'a')));
  EXPECT_FALSE(is_valid_topic_filter(std::string(65536, 'a')));
}

TEST(SharedSubscriptionParse, SplitsGroupAndFilter) {
  struct Case {
    std::string_view text, group, filter;
  };
  for (const Case& c :
       {Case{"$share/g/a", "g", "a"}, Case{"$share/group/a/b/#", "group", "a/b/#"},
        Case{"$share/g/#", "g", "#"}, Case{"$share/g/+", "g", "+"}, Case{"$share/g//a", "g", "/a"},
        Case{"$share/g/a/", "g", "a/"}, Case{"$share/g/$SYS/x", "g", "$SYS/x"},
        Case{"$share/g/$share/h/x", "g", "$share/h/x"}}) {
    SCOPED_TRACE(c.text);
    SharedSubscription out;
    ASSERT_EQ(parse_shared_subscription(c.text, &out), SharedParse::kShared);
    EXPECT_EQ(out.group, c.group);
    EXPECT_EQ(out.filter, c.filter);
  }
}

TEST(SharedSubscriptionParse, ReportsFiltersWithoutTheShareTagAsNotShared) {
  for (const std::string_view text :
       {"a/b", "#", "$share", "$SHARE/g/a", "share/g/a", "a/$share/g/a", "$sharex/g/a"}) {
    SCOPED_TRACE(text);
    SharedSubscription out{"untouched", "untouched"};
    EXPECT_EQ(parse_shared_subscription(text, &out), SharedParse::kNotShared);
    EXPECT_EQ(out.group, "untouched");
  }
}

TEST(SharedSubscriptionParse, RejectsBadGroupsAndMissingOrInvalidFilters) {
  for (const std::string& text :
       {"$share/"s, "$share//a"s, "$share/g"s, "$share/g/"s, "$share/+/a"s, "$share/#/a"s,
        "$share/g+/a"s, "$share/g#/a"s, "$share/g/a/#/b"s, "$share/g/a+"s, "$share/g\0/a"s,
        "$share/g/a\0"s}) {
    SCOPED_TRACE(text);
    SharedSubscription out{"untouched", "untouched"};
    EXPECT_EQ(parse_shared_subscription(text, &out), SharedParse::kInvalid);
    EXPECT_EQ(out.group, "untouched");
  }
}

TEST(SharedSubscriptionParse, AcceptsANullOutput) {
  EXPECT_EQ(parse_shared_subscription("$share/g/a", nullptr), SharedParse::kShared);
}

TEST(SharedSubscriptionParse, RejectsAFilterLongerThan65535BytesInAll) {
  EXPECT_EQ(parse_shared_subscription("$share/g/" + std::string(65535 - 9, 'a'), nullptr),
            SharedParse::kShared);
  EXPECT_EQ(parse_shared_subscription("$share/g/" + std::string(65536 - 9, 'a'), nullptr),
            SharedParse::kInvalid);
}

}  // namespace
}  // namespace starling::routing
