// Replaces the global allocation functions for this test binary, to count
// allocations made while a match runs.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "routing/subscription_tree.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace starling::routing {
namespace {

TEST(SubscriptionTreeMatch, DoesNotAllocate) {
  {  // The counting operator new is the one in use.
    const std::size_t probe = g_allocations.load();
    const auto allocated = std::make_unique<int>(0);
    ASSERT_GT(g_allocations.load(), probe);
  }
  SubscriptionTree<int> tree;
  std::string deep = "d";
  for (int i = 0; i < 200; ++i) deep += "/+";
  for (int key = 0; key < 100; ++key) {
    const std::string k = std::to_string(key % 10);
    (void)tree.subscribe("a/" + k + "/c", key, {});
    (void)tree.subscribe("a/+/c", key, {});
    (void)tree.subscribe("a/#", key, {});
    (void)tree.subscribe("+/+/+", key, {});
    (void)tree.subscribe("#", key, {});
    (void)tree.subscribe_shared("g", "a/+/+", key, {});
    (void)tree.subscribe(deep, key, {});
    (void)tree.subscribe(deep + "/#", key, {});
  }
  std::string long_topic = "a/" + std::string(1000, 'x') + "/c";  // beyond small-string storage
  std::string deep_topic = "d";
  for (int i = 0; i < 200; ++i) deep_topic += "/y";

  std::size_t subscriptions = 0;
  std::size_t groups = 0;
  const auto on_subscription = [&](int, const SubscriptionOptions&) { ++subscriptions; };
  const auto on_group = [&](SharedGroup<int>& group) {
    group.next = (group.next + 1) % group.members.size();
    ++groups;
  };
  const std::size_t before = g_allocations.load();
  for (const std::string* topic : {&long_topic, &deep_topic}) {
    tree.match(*topic, on_subscription, on_group);
  }
  tree.match("a/3/c", on_subscription, on_group);
  tree.match("$SYS/x/y", on_subscription, on_group);
  EXPECT_EQ(g_allocations.load(), before);
  // long_topic: a/+/c, a/#, +/+/+ and # (400); deep_topic: deep, deep/# and #
  // (300); "a/3/c": those four plus the ten keys on "a/3/c" (410).
  EXPECT_EQ(subscriptions, 400u + 300u + 410u);
  EXPECT_EQ(groups, 2u);
}

TEST(SubscriptionTreeMatch, DoesNotAllocateOnATreeThatNeverHadASubscription) {
  SubscriptionTree<int> tree;
  int calls = 0;
  const std::size_t before = g_allocations.load();
  tree.match(
      "a/b", [&](int, const SubscriptionOptions&) { ++calls; }, [&](SharedGroup<int>&) { ++calls; });
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace starling::routing
