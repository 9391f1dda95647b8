#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "random_topics.hpp"
#include "routing/subscription_tree.hpp"
#include "routing/topic.hpp"

namespace starling::routing {
namespace {

using testing_support::RandomTopics;

// What the tree holds, kept the simple way: (filter, key) -> options, and
// (group, filter) -> members in join order.
struct Model {
  std::map<std::pair<std::string, int>, SubscriptionOptions> plain;
  std::map<std::pair<std::string, std::string>, std::vector<int>> shared;
};

std::vector<std::tuple<int, std::uint8_t>> tree_subscribers(
    SubscriptionTree<int>& tree, const std::string& topic,
    std::vector<std::pair<std::string, std::string>>* groups,
    std::vector<std::vector<int>>* members) {
  std::vector<std::tuple<int, std::uint8_t>> found;
  tree.match(
      topic, [&](int key, const SubscriptionOptions& o) { found.emplace_back(key, o.qos); },
      [&](SharedGroup<int>& group) {
        groups->emplace_back(group.name, group.filter);
        std::vector<int>& keys = members->emplace_back();
        for (const auto& [key, options] : group.members) keys.push_back(key);
      });
  return found;
}

void expect_tree_agrees_with_brute_force(SubscriptionTree<int>& tree, const Model& model,
                                         RandomTopics& random) {
  std::size_t total = 0;
  for (int i = 0; i < 500; ++i) {
    const std::string topic = random.topic();
    SCOPED_TRACE(topic);
    std::vector<std::pair<std::string, std::string>> groups;
    std::vector<std::vector<int>> members;
    auto found = tree_subscribers(tree, topic, &groups, &members);

    std::vector<std::tuple<int, std::uint8_t>> expected;
    for (const auto& [subscription, options] : model.plain) {
      if (topic_matches(subscription.first, topic))
        expected.emplace_back(subscription.second, options.qos);
    }
    std::vector<std::pair<std::string, std::string>> expected_groups;
    std::vector<std::vector<int>> expected_members;
    for (const auto& [group, keys] : model.shared) {
      if (topic_matches(group.second, topic)) {
        expected_groups.push_back(group);
        expected_members.push_back(keys);
      }
    }
    std::sort(found.begin(), found.end());
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(found, expected);
    // Pair each group with its members before sorting, to compare both.
    std::vector<std::pair<std::pair<std::string, std::string>, std::vector<int>>> got, want;
    for (std::size_t g = 0; g < groups.size(); ++g) got.emplace_back(groups[g], members[g]);
    for (std::size_t g = 0; g < expected_groups.size(); ++g) {
      want.emplace_back(expected_groups[g], expected_members[g]);
    }
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want);  // std::map already sorted `want`
    total += found.size() + got.size();
  }
  EXPECT_GT(total, 0u);  // the alphabet is small enough that matches happen
}

TEST(SubscriptionTreeRandomized, MatchAgreesWithTopicMatchesOverThousandsOfRandomFilters) {
  RandomTopics random(20240601);
  SubscriptionTree<int> tree;
  Model model;
  const std::string group_names[] = {"g", "h"};
  for (int i = 0; i < 3000; ++i) {
    const std::string filter = random.filter();
    ASSERT_TRUE(is_valid_topic_filter(filter)) << filter;
    const int key = static_cast<int>(random.pick(50));
    SubscriptionOptions options;
    options.qos = static_cast<std::uint8_t>(random.pick(3));
    if (random.pick(4) == 0) {
      const std::string& group = group_names[random.pick(2)];
      std::vector<int>& keys = model.shared[{group, filter}];
      const bool member = std::find(keys.begin(), keys.end(), key) != keys.end();
      EXPECT_EQ(tree.subscribe_shared(group, filter, key, options), member);
      if (!member) keys.push_back(key);
    } else {
      const bool existed = model.plain.contains({filter, key});
      EXPECT_EQ(tree.subscribe(filter, key, options), existed);
      model.plain[{filter, key}] = options;
    }
  }
  std::size_t memberships = model.plain.size();
  for (const auto& [group, keys] : model.shared) memberships += keys.size();
  EXPECT_EQ(tree.subscription_count(), memberships);
  expect_tree_agrees_with_brute_force(tree, model, random);

  // Remove about half, checking return values, then compare again.
  for (auto it = model.plain.begin(); it != model.plain.end();) {
    if (random.pick(2) == 0) {
      EXPECT_TRUE(tree.unsubscribe(it->first.first, it->first.second));
      EXPECT_FALSE(tree.unsubscribe(it->first.first, it->first.second));
      it = model.plain.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = model.shared.begin(); it != model.shared.end();) {
    std::vector<int>& keys = it->second;
    for (std::size_t k = 0; k < keys.size();) {
      if (random.pick(2) == 0) {
        EXPECT_TRUE(tree.unsubscribe_shared(it->first.first, it->first.second, keys[k]));
        keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(k));
      } else {
        ++k;
      }
    }
    it = keys.empty() ? model.shared.erase(it) : std::next(it);
  }
  expect_tree_agrees_with_brute_force(tree, model, random);

  for (const auto& [subscription, options] : model.plain) {
    EXPECT_TRUE(tree.unsubscribe(subscription.first, subscription.second));
  }
  for (const auto& [group, keys] : model.shared) {
    for (const int key : keys) EXPECT_TRUE(tree.unsubscribe_shared(group.first, group.second, key));
  }
  EXPECT_EQ(tree.subscription_count(), 0u);
  EXPECT_EQ(tree.node_count(), 0u);
}

TEST(SubscriptionTreeRandomized, SubscribingAndUnsubscribingTenThousandFiltersLeavesNoNodes) {
  struct Subscription {
    std::string group;  // empty: not shared
    std::string filter;
    int key;
  };
  RandomTopics random(7);
  SubscriptionTree<int> tree;
  std::vector<Subscription> subscribed;
  for (int i = 0; i < 10000; ++i) {
    // Longer, mostly distinct filters, so the tree grows wide and deep.
    Subscription s{"", random.topic() + "/" + std::to_string(i % 997) + "/" + random.filter(), i};
    if (random.pick(3) == 0) {
      s.group = "g" + std::to_string(i % 3);
      EXPECT_FALSE(tree.subscribe_shared(s.group, s.filter, s.key, {}));
    } else {
      EXPECT_FALSE(tree.subscribe(s.filter, s.key, {}));
    }
    subscribed.push_back(std::move(s));
  }
  EXPECT_EQ(tree.subscription_count(), subscribed.size());
  EXPECT_GT(tree.node_count(), 10000u);
  std::shuffle(subscribed.begin(), subscribed.end(), std::mt19937(11));
  for (const Subscription& s : subscribed) {
    EXPECT_TRUE(s.group.empty() ? tree.unsubscribe(s.filter, s.key)
                                : tree.unsubscribe_shared(s.group, s.filter, s.key));
  }
  EXPECT_EQ(tree.subscription_count(), 0u);
  EXPECT_EQ(tree.node_count(), 0u);
}

}  // namespace
}  // namespace starling::routing
