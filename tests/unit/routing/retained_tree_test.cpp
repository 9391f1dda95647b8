#include "routing/retained_tree.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "random_topics.hpp"
#include "routing/topic.hpp"

namespace starling::routing {
namespace {

using testing::IsEmpty;
using testing::Pair;
using testing::UnorderedElementsAre;

using Tree = RetainedTree<int>;

std::vector<std::pair<std::string, int>> matching(const Tree& tree, std::string_view filter) {
  std::vector<std::pair<std::string, int>> found;
  tree.match(filter,
             [&](std::string_view topic, const int& value) { found.emplace_back(topic, value); });
  return found;
}

std::vector<std::string> topics_matching(const Tree& tree, std::string_view filter) {
  std::vector<std::string> topics;
  for (auto& [topic, value] : matching(tree, filter)) topics.push_back(std::move(topic));
  return topics;
}

TEST(RetainedTree, StartsEmpty) {
  Tree tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.node_count(), 0u);
  EXPECT_THAT(matching(tree, "#"), IsEmpty());
}

TEST(RetainedTree, SetStoresOneValuePerTopicAndReplaces) {
  Tree tree;
  tree.set("a/b", 1);
  tree.set("a", 2);
  tree.set("a/b", 3);
  EXPECT_EQ(tree.size(), 2u);
  EXPECT_THAT(matching(tree, "a/b"), UnorderedElementsAre(Pair("a/b", 3)));
  EXPECT_THAT(matching(tree, "a"), UnorderedElementsAre(Pair("a", 2)));
}

TEST(RetainedTree, EraseRemovesOnlyThatTopicAndReportsWhetherItWasThere) {
  Tree tree;
  tree.set("a/b", 1);
  tree.set("a/b/c", 2);
  EXPECT_FALSE(tree.erase("a"));    // interior node without a value
  EXPECT_FALSE(tree.erase("a/x"));  // no such node
  EXPECT_FALSE(tree.erase("a/b/c/d"));
  EXPECT_TRUE(tree.erase("a/b"));
  EXPECT_FALSE(tree.erase("a/b"));
  EXPECT_EQ(tree.size(), 1u);
  EXPECT_THAT(topics_matching(tree, "#"), UnorderedElementsAre("a/b/c"));
}

TEST(RetainedTree, EraseFreesNodesLeftEmptyButKeepsThoseStillInUse) {
  Tree tree;
  tree.set("a/b/c", 1);
  tree.set("a", 2);
  EXPECT_EQ(tree.node_count(), 3u);
  EXPECT_TRUE(tree.erase("a/b/c"));
  EXPECT_EQ(tree.node_count(), 1u);
  tree.set("a/b/c", 1);
  EXPECT_TRUE(tree.erase("a"));
  EXPECT_EQ(tree.node_count(), 3u);  // "a" is still on the way to "a/b/c"
  EXPECT_TRUE(tree.erase("a/b/c"));
  EXPECT_EQ(tree.node_count(), 0u);
}

TEST(RetainedTree, WildcardFiltersFindTheMatchingTopics) {
  Tree tree;
  for (const std::string_view topic : {"a", "a/b", "a/c", "a/b/c", "/a", "a/", "b", "//"}) {
    tree.set(topic, 0);
  }
  EXPECT_THAT(topics_matching(tree, "a/#"), UnorderedElementsAre("a", "a/b", "a/c", "a/b/c", "a/"));
  EXPECT_THAT(topics_matching(tree, "a/+"), UnorderedElementsAre("a/b", "a/c", "a/"));
  EXPECT_THAT(topics_matching(tree, "+"), UnorderedElementsAre("a", "b"));
  EXPECT_THAT(topics_matching(tree, "+/+"), UnorderedElementsAre("a/b", "a/c", "/a", "a/"));
  EXPECT_THAT(topics_matching(tree, "+/+/+"), UnorderedElementsAre("a/b/c", "//"));
  EXPECT_THAT(topics_matching(tree, "/#"), UnorderedElementsAre("/a", "//"));
  EXPECT_THAT(topics_matching(tree, "a/b/c/#"), UnorderedElementsAre("a/b/c"));
  EXPECT_THAT(topics_matching(tree, "a/b/c/+"), IsEmpty());
  EXPECT_THAT(topics_matching(tree, "x/#"), IsEmpty());
  EXPECT_EQ(topics_matching(tree, "#").size(), 8u);
}

TEST(RetainedTree, FirstLevelWildcardsSkipDollarTopics) {
  Tree tree;
  tree.set("$SYS/uptime", 1);
  tree.set("$SYS", 2);
  tree.set("a/$x", 3);
  tree.set("a", 4);
  EXPECT_THAT(topics_matching(tree, "#"), UnorderedElementsAre("a/$x", "a"));
  EXPECT_THAT(topics_matching(tree, "+"), UnorderedElementsAre("a"));
  EXPECT_THAT(topics_matching(tree, "+/uptime"), IsEmpty());
  EXPECT_THAT(topics_matching(tree, "$SYS/#"), UnorderedElementsAre("$SYS/uptime", "$SYS"));
  EXPECT_THAT(topics_matching(tree, "$SYS/+"), UnorderedElementsAre("$SYS/uptime"));
  EXPECT_THAT(topics_matching(tree, "a/+"), UnorderedElementsAre("a/$x"));
}

TEST(RetainedTree, ForEachVisitsEveryTopicIncludingDollarOnes) {
  Tree tree;
  tree.set("$SYS/x", 1);
  tree.set("a/b", 2);
  tree.set("a", 3);
  std::map<std::string, int> seen;
  tree.for_each([&](std::string_view topic, const int& value) { seen.emplace(topic, value); });
  EXPECT_THAT(seen, UnorderedElementsAre(Pair("$SYS/x", 1), Pair("a/b", 2), Pair("a", 3)));
}

TEST(RetainedTree, HoldsMoveOnlyValues) {
  RetainedTree<std::unique_ptr<int>> tree;
  tree.set("a", std::make_unique<int>(1));
  tree.set("a", std::make_unique<int>(2));
  int seen = 0;
  tree.match("a", [&](std::string_view, const std::unique_ptr<int>& value) { seen = *value; });
  EXPECT_EQ(seen, 2);
}

TEST(RetainedTree, HashOverOneHundredThousandTopicsReportsEachOnce) {
  Tree tree;
  for (int i = 0; i < 100000; ++i) {
    tree.set("devices/" + std::to_string(i % 1000) + "/sensor/" + std::to_string(i), i);
  }
  std::vector<char> seen(100000, 0);
  std::size_t calls = 0;
  tree.match("#", [&](std::string_view, const int& value) {
    ++seen[static_cast<std::size_t>(value)];
    ++calls;
  });
  EXPECT_EQ(calls, 100000u);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 100000);
}

TEST(RetainedTree, ATopicWithThirtyThousandLevelsDoesNotOverflowTheStack) {
  std::string deep = "a";
  for (int i = 0; i < 30000; ++i) deep += "/x";
  Tree tree;
  tree.set(deep, 1);
  EXPECT_EQ(topics_matching(tree, "#").size(), 1u);
  EXPECT_EQ(topics_matching(tree, deep).size(), 1u);
  tree.set("a", 2);
  EXPECT_TRUE(tree.erase(deep));
  EXPECT_EQ(tree.node_count(), 1u);
  tree.set(deep, 1);  // and destroyed while deep
}

TEST(RetainedTreeRandomized, MatchAgreesWithTopicMatchesAndEraseLeavesNoNodes) {
  testing_support::RandomTopics random(99);
  Tree tree;
  std::map<std::string, int> model;
  for (int i = 0; i < 2000; ++i) {
    const std::string topic = random.topic();
    tree.set(topic, i);
    model[topic] = i;
  }
  EXPECT_EQ(tree.size(), model.size());
  const auto check = [&] {
    for (int i = 0; i < 500; ++i) {
      const std::string filter = random.filter();
      SCOPED_TRACE(filter);
      std::map<std::string, int> found;
      tree.match(filter, [&](std::string_view topic, const int& value) {
        EXPECT_TRUE(found.emplace(topic, value).second) << "reported twice: " << topic;
      });
      std::map<std::string, int> expected;
      for (const auto& [topic, value] : model) {
        if (topic_matches(filter, topic)) expected.emplace(topic, value);
      }
      ASSERT_EQ(found, expected);
    }
  };
  check();
  for (auto it = model.begin(); it != model.end();) {
    if (random.pick(2) == 0) {
      EXPECT_TRUE(tree.erase(it->first));
      it = model.erase(it);
    } else {
      ++it;
    }
  }
  EXPECT_EQ(tree.size(), model.size());
  check();
  for (const auto& [topic, value] : model) EXPECT_TRUE(tree.erase(topic));
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.node_count(), 0u);
}

}  // namespace
}  // namespace starling::routing
