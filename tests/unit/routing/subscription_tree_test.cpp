#include "routing/subscription_tree.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling::routing {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;
using testing::Pair;
using testing::UnorderedElementsAre;

using Tree = SubscriptionTree<int>;

SubscriptionOptions qos(std::uint8_t q) {
  SubscriptionOptions options;
  options.qos = q;
  return options;
}

std::vector<std::pair<int, SubscriptionOptions>> subscribers_of(Tree& tree,
                                                                std::string_view topic) {
  std::vector<std::pair<int, SubscriptionOptions>> found;
  tree.match(
      topic, [&](int key, const SubscriptionOptions& options) { found.emplace_back(key, options); },
      [](SharedGroup<int>&) {});
  return found;
}

std::vector<int> keys_of(Tree& tree, std::string_view topic) {
  std::vector<int> keys;
  for (const auto& [key, options] : subscribers_of(tree, topic)) keys.push_back(key);
  return keys;
}

std::vector<SharedGroup<int>*> groups_of(Tree& tree, std::string_view topic) {
  std::vector<SharedGroup<int>*> groups;
  tree.match(
      topic, [](int, const SubscriptionOptions&) {},
      [&](SharedGroup<int>& group) { groups.push_back(&group); });
  return groups;
}

TEST(SubscriptionTree, StartsEmpty) {
  Tree tree;
  EXPECT_EQ(tree.subscription_count(), 0u);
  EXPECT_EQ(tree.node_count(), 0u);
  EXPECT_THAT(keys_of(tree, "a"), IsEmpty());
}

TEST(SubscriptionTree, ReportsEachMatchingFilterOfTheSameKeySeparately) {
  Tree tree;
  EXPECT_FALSE(tree.subscribe("a/b", 1, qos(0)));
  EXPECT_FALSE(tree.subscribe("a/+", 1, qos(1)));
  EXPECT_FALSE(tree.subscribe("#", 1, qos(2)));
  EXPECT_FALSE(tree.subscribe("a/c", 1, qos(2)));
  EXPECT_THAT(subscribers_of(tree, "a/b"),
              UnorderedElementsAre(Pair(1, qos(0)), Pair(1, qos(1)), Pair(1, qos(2))));
  EXPECT_EQ(tree.subscription_count(), 4u);
}

TEST(SubscriptionTree, ReportsEveryKeyOnAFilter) {
  Tree tree;
  for (int key = 0; key < 5; ++key) EXPECT_FALSE(tree.subscribe("a/b", key, qos(1)));
  EXPECT_THAT(keys_of(tree, "a/b"), UnorderedElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(keys_of(tree, "a"), IsEmpty());
}

TEST(SubscriptionTree, ResubscribingReplacesTheOptionsAndKeepsOneEntry) {
  Tree tree;
  SubscriptionOptions updated;
  updated.qos = 2;
  updated.no_local = true;
  updated.retain_as_published = true;
  updated.retain_handling = 2;
  updated.subscription_id = 7;
  EXPECT_FALSE(tree.subscribe("a/+", 1, qos(0)));
  EXPECT_TRUE(tree.subscribe("a/+", 1, updated));
  EXPECT_THAT(subscribers_of(tree, "a/x"), ElementsAre(Pair(1, updated)));
  EXPECT_EQ(tree.subscription_count(), 1u);
}

TEST(SubscriptionTree, UnsubscribeRemovesOnlyThatKeyAndFilter) {
  Tree tree;
  (void)tree.subscribe("a/b", 1, qos(0));
  (void)tree.subscribe("a/b", 2, qos(0));
  (void)tree.subscribe("a/+", 1, qos(0));
  EXPECT_TRUE(tree.unsubscribe("a/b", 1));
  EXPECT_THAT(keys_of(tree, "a/b"), UnorderedElementsAre(1, 2));
  EXPECT_EQ(tree.subscription_count(), 2u);
}

TEST(SubscriptionTree, UnsubscribingWhatIsNotThereReturnsFalse) {
  Tree tree;
  (void)tree.subscribe("a/b", 1, qos(0));
  EXPECT_FALSE(tree.unsubscribe("a/b", 2));  // other key
  EXPECT_FALSE(tree.unsubscribe("a", 1));    // an interior node, no subscription
  EXPECT_FALSE(tree.unsubscribe("a/c", 1));  // no such node
  EXPECT_FALSE(tree.unsubscribe("a/+", 1));  // wildcards are literal here
  EXPECT_FALSE(tree.unsubscribe("a/b/#", 1));
  EXPECT_TRUE(tree.unsubscribe("a/b", 1));
  EXPECT_FALSE(tree.unsubscribe("a/b", 1));  // twice
  EXPECT_EQ(tree.subscription_count(), 0u);
  EXPECT_EQ(tree.node_count(), 0u);
}

TEST(SubscriptionTree, WildcardsMatchLikeTopicMatches) {
  Tree tree;
  (void)tree.subscribe("a/#", 1, qos(0));
  (void)tree.subscribe("+/+", 2, qos(0));
  (void)tree.subscribe("+", 3, qos(0));
  (void)tree.subscribe("#", 4, qos(0));
  (void)tree.subscribe("/a", 5, qos(0));
  (void)tree.subscribe("a/+/c", 6, qos(0));
  EXPECT_THAT(keys_of(tree, "a"), UnorderedElementsAre(1, 3, 4));  // "a/#" matches "a"
  EXPECT_THAT(keys_of(tree, "/a"), UnorderedElementsAre(2, 4, 5));
  EXPECT_THAT(keys_of(tree, "a/"), UnorderedElementsAre(1, 2, 4));  // '+' matches ""
  EXPECT_THAT(keys_of(tree, "a//c"), UnorderedElementsAre(1, 4, 6));
  EXPECT_THAT(keys_of(tree, "b/c/d"), UnorderedElementsAre(4));
}

TEST(SubscriptionTree, FirstLevelWildcardsDoNotMatchDollarTopics) {
  Tree tree;
  (void)tree.subscribe("#", 1, qos(0));
  (void)tree.subscribe("+/x", 2, qos(0));
  (void)tree.subscribe("$SYS/#", 3, qos(0));
  (void)tree.subscribe("$SYS/+", 4, qos(0));
  (void)tree.subscribe_shared("g", "#", 5, qos(0));
  EXPECT_THAT(keys_of(tree, "$SYS/x"), UnorderedElementsAre(3, 4));
  EXPECT_THAT(keys_of(tree, "$SYS"), UnorderedElementsAre(3));
  EXPECT_THAT(groups_of(tree, "$SYS/x"), IsEmpty());
  EXPECT_THAT(keys_of(tree, "a/$SYS"), UnorderedElementsAre(1));
}

TEST(SubscriptionTree, SharedGroupsAreKeptPerGroupNameAndFilter) {
  Tree tree;
  EXPECT_FALSE(tree.subscribe_shared("g", "a/+", 1, qos(0)));
  EXPECT_FALSE(tree.subscribe_shared("g", "a/+", 2, qos(1)));
  EXPECT_FALSE(tree.subscribe_shared("h", "a/+", 3, qos(0)));
  EXPECT_FALSE(tree.subscribe_shared("g", "a/b", 4, qos(0)));
  EXPECT_EQ(tree.subscription_count(), 4u);

  std::vector<std::pair<std::string, std::string>> names;
  for (SharedGroup<int>* group : groups_of(tree, "a/b"))
    names.emplace_back(group->name, group->filter);
  EXPECT_THAT(names, UnorderedElementsAre(Pair("g", "a/+"), Pair("h", "a/+"), Pair("g", "a/b")));
  EXPECT_THAT(keys_of(tree, "a/b"), IsEmpty());  // shared members are not plain subscribers
}

TEST(SubscriptionTree, SharedGroupMembersStayInJoinOrder) {
  Tree tree;
  for (const int key : {5, 3, 9, 1}) (void)tree.subscribe_shared("g", "t", key, qos(0));
  EXPECT_TRUE(tree.subscribe_shared("g", "t", 3, qos(2)));  // a replace keeps the position
  const auto groups = groups_of(tree, "t");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_THAT(groups[0]->members,
              ElementsAre(Pair(5, qos(0)), Pair(3, qos(2)), Pair(9, qos(0)), Pair(1, qos(0))));
  EXPECT_TRUE(tree.unsubscribe_shared("g", "t", 9));
  EXPECT_THAT(groups_of(tree, "t")[0]->members,
              ElementsAre(Pair(5, qos(0)), Pair(3, qos(2)), Pair(1, qos(0))));
  EXPECT_EQ(tree.subscription_count(), 3u);
}

TEST(SubscriptionTree, SharedGroupCursorSurvivesMatchesAndStaysOnTheSameMemberWhenOneLeaves) {
  Tree tree;
  for (const int key : {1, 2, 3, 4}) (void)tree.subscribe_shared("g", "t", key, qos(0));
  groups_of(tree, "t")[0]->next = 2;  // the caller's round robin points at key 3
  EXPECT_EQ(groups_of(tree, "t")[0]->next, 2u);
  EXPECT_TRUE(tree.unsubscribe_shared("g", "t", 1));
  SharedGroup<int>& group = *groups_of(tree, "t")[0];
  EXPECT_EQ(group.members[group.next].first, 3);
  EXPECT_TRUE(tree.unsubscribe_shared("g", "t", 4));
  EXPECT_EQ(group.members[group.next].first, 3);
  EXPECT_TRUE(tree.unsubscribe_shared("g", "t", 3));  // the last one: wrap to the start
  EXPECT_EQ(group.next, 0u);
  EXPECT_EQ(group.members[group.next].first, 2);
}

TEST(SubscriptionTree, UnsubscribingSharedWhatIsNotThereReturnsFalse) {
  Tree tree;
  (void)tree.subscribe_shared("g", "a", 1, qos(0));
  (void)tree.subscribe("b", 1, qos(0));
  EXPECT_FALSE(tree.unsubscribe_shared("g", "a", 2));
  EXPECT_FALSE(tree.unsubscribe_shared("h", "a", 1));
  EXPECT_FALSE(tree.unsubscribe_shared("g", "c", 1));
  EXPECT_FALSE(tree.unsubscribe_shared("g", "b", 1));  // a plain subscription
  EXPECT_FALSE(tree.unsubscribe("a", 1));              // a shared one
  EXPECT_TRUE(tree.unsubscribe_shared("g", "a", 1));
  EXPECT_FALSE(tree.unsubscribe_shared("g", "a", 1));
  EXPECT_EQ(tree.subscription_count(), 1u);
}

TEST(SubscriptionTree, TheLastMemberLeavingDeletesTheGroupAndItsNodes) {
  Tree tree;
  (void)tree.subscribe_shared("g", "a/b/c", 1, qos(0));
  (void)tree.subscribe_shared("h", "a/b/c", 1, qos(0));
  EXPECT_EQ(tree.node_count(), 3u);
  EXPECT_TRUE(tree.unsubscribe_shared("g", "a/b/c", 1));
  EXPECT_EQ(groups_of(tree, "a/b/c").size(), 1u);
  EXPECT_TRUE(tree.unsubscribe_shared("h", "a/b/c", 1));
  EXPECT_THAT(groups_of(tree, "a/b/c"), IsEmpty());
  EXPECT_EQ(tree.node_count(), 0u);
}

TEST(SubscriptionTree, UnsubscribePrunesOnlyNodesLeftEmpty) {
  Tree tree;
  (void)tree.subscribe("a/b/c", 1, qos(0));
  (void)tree.subscribe("a/+/#", 1, qos(0));
  (void)tree.subscribe("a", 2, qos(0));
  EXPECT_EQ(tree.node_count(), 5u);  // a, a/b, a/b/c, a/+, a/+/#
  EXPECT_TRUE(tree.unsubscribe("a/b/c", 1));
  EXPECT_EQ(tree.node_count(), 3u);
  EXPECT_TRUE(tree.unsubscribe("a/+/#", 1));
  EXPECT_EQ(tree.node_count(), 1u);  // "a" still has a subscriber
  EXPECT_TRUE(tree.unsubscribe("a", 2));
  EXPECT_EQ(tree.node_count(), 0u);
}

TEST(SubscriptionTree, ManySubscribersOnOneFilterCanComeAndGoInAnyOrder) {
  // Crosses SubscriberList's index threshold in both directions.
  Tree tree;
  constexpr int kKeys = 200;
  for (int key = 0; key < kKeys; ++key) EXPECT_FALSE(tree.subscribe("t", key, qos(0)));
  for (int key = 0; key < kKeys; key += 2) EXPECT_TRUE(tree.subscribe("t", key, qos(1)));
  for (int key = 1; key < kKeys; key += 2) EXPECT_TRUE(tree.unsubscribe("t", key));
  auto found = subscribers_of(tree, "t");
  ASSERT_EQ(found.size(), static_cast<std::size_t>(kKeys / 2));
  for (const auto& [key, options] : found) {
    EXPECT_EQ(key % 2, 0);
    EXPECT_EQ(options, qos(1));
  }
  for (int key = kKeys - 2; key >= 4; key -= 2) EXPECT_TRUE(tree.unsubscribe("t", key));
  EXPECT_THAT(keys_of(tree, "t"), UnorderedElementsAre(0, 2));
  EXPECT_FALSE(tree.unsubscribe("t", 4));
  EXPECT_TRUE(tree.subscribe("t", 2, qos(2)));
  EXPECT_THAT(subscribers_of(tree, "t"), UnorderedElementsAre(Pair(0, qos(1)), Pair(2, qos(2))));
}

TEST(SubscriptionTree, WorksWithSharedPointerKeys) {
  struct Session {};
  SubscriptionTree<std::shared_ptr<Session>> tree;
  const auto a = std::make_shared<Session>();
  const auto b = std::make_shared<Session>();
  (void)tree.subscribe("x/+", a, qos(0));
  (void)tree.subscribe("x/y", b, qos(0));
  (void)tree.subscribe_shared("g", "x/#", a, qos(0));
  std::vector<Session*> found;
  int groups = 0;
  tree.match(
      "x/y",
      [&](const std::shared_ptr<Session>& s, const SubscriptionOptions&) {
        found.push_back(s.get());
      },
      [&](SharedGroup<std::shared_ptr<Session>>&) { ++groups; });
  EXPECT_THAT(found, UnorderedElementsAre(a.get(), b.get()));
  EXPECT_EQ(groups, 1);
  EXPECT_TRUE(tree.unsubscribe("x/+", a));
  EXPECT_TRUE(tree.unsubscribe_shared("g", "x/#", a));
  EXPECT_EQ(a.use_count(), 1);  // the tree let go of its copies
}

TEST(SubscriptionTree, AFilterWithThirtyThousandLevelsDoesNotOverflowTheStack) {
  std::string deep = "a";
  for (int i = 0; i < 30000; ++i) deep += "/+";
  std::string topic = "a";
  for (int i = 0; i < 30000; ++i) topic += "/x";
  Tree tree;
  (void)tree.subscribe(deep, 1, qos(0));
  (void)tree.subscribe(deep + "/#", 2, qos(0));
  EXPECT_THAT(keys_of(tree, topic), UnorderedElementsAre(1, 2));
  EXPECT_TRUE(tree.unsubscribe(deep, 1));
  // The tree still holds 30002 nodes when it is destroyed.
}

TEST(SubscriptionTree, MovingATreeKeepsItsSubscriptions) {
  Tree first;
  (void)first.subscribe("a/+", 1, qos(0));
  Tree second(std::move(first));
  EXPECT_THAT(keys_of(second, "a/b"), ElementsAre(1));
  Tree third;
  (void)third.subscribe("b", 2, qos(0));
  third = std::move(second);
  EXPECT_THAT(keys_of(third, "a/b"), ElementsAre(1));
  EXPECT_THAT(keys_of(third, "b"), IsEmpty());
  EXPECT_EQ(third.subscription_count(), 1u);
  EXPECT_TRUE(third.unsubscribe("a/+", 1));
  EXPECT_EQ(third.node_count(), 0u);
}

}  // namespace
}  // namespace starling::routing
