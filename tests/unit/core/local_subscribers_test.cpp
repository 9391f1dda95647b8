// LocalSubscribers, the in-process subscribers behind Broker::subscribe:
// matching per shard replica, and what unsubscribing promises about calls
// that are running.
#include "core/local_subscribers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace starling {
namespace {

using namespace std::chrono_literals;

// Message holds an atomic, so it is filled in place.
void fill(Message& message, const std::string& topic) {
  message.topic = topic;
  message.payload = "p";
}

std::vector<std::string> matching(LocalSubscribers& local, std::size_t shard,
                                  const std::string& topic) {
  std::vector<LocalSubscriberPtr> found;
  local.match(shard, topic, found);
  std::vector<std::string> filters;
  for (const auto& subscriber : found) filters.push_back(subscriber->filter);
  std::sort(filters.begin(), filters.end());
  return filters;
}

TEST(LocalSubscribersTest, EveryShardReplicaMatchesWithMqttRules) {
  LocalSubscribers local(2);
  EXPECT_TRUE(local.empty());
  auto a = local.add("a/+", [](const ApplicationMessage&) {}, {});
  auto all = local.add("#", [](const ApplicationMessage&) {}, {});
  auto dollar = local.add("$sys/#", [](const ApplicationMessage&) {}, {});
  EXPECT_FALSE(local.empty());
  for (std::size_t shard : {0u, 1u}) {
    EXPECT_EQ(matching(local, shard, "a/b"), (std::vector<std::string>{"#", "a/+"}));
    EXPECT_EQ(matching(local, shard, "$sys/x"), (std::vector<std::string>{"$sys/#"}));
  }
  local.remove(a);
  local.remove(a);  // twice: nothing happens
  EXPECT_EQ(matching(local, 1, "a/b"), (std::vector<std::string>{"#"}));
  local.remove(all);
  local.remove(dollar);
  EXPECT_TRUE(local.empty());
}

TEST(LocalSubscribersTest, RemoveWaitsUntilARunningCallbackHasReturned) {
  LocalSubscribers local(1);
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto subscriber = local.add("t",
                              [&](const ApplicationMessage&) {
                                entered.set_value();
                                released.wait();
                              },
                              {});
  Message message;
  fill(message, "t");
  std::thread broker_thread(
      [&] { LocalSubscribers::deliver(*subscriber, message, false, SteadyClock::now()); });
  entered.get_future().wait();
  auto removed = std::async(std::launch::async, [&] { local.remove(subscriber); });
  EXPECT_EQ(removed.wait_for(200ms), std::future_status::timeout)
      << "remove returned while the callback was still running";
  release.set_value();
  EXPECT_EQ(removed.wait_for(5s), std::future_status::ready);
  broker_thread.join();
}

TEST(LocalSubscribersTest, ACallbackMayRemoveItsOwnSubscriptionWithoutDeadlock) {
  LocalSubscribers local(1);
  LocalSubscriberPtr subscriber;
  int calls = 0;
  subscriber = local.add("t",
                         [&](const ApplicationMessage&) {
                           ++calls;
                           local.remove(subscriber);
                         },
                         {});
  Message message;
  fill(message, "t");
  LocalSubscribers::deliver(*subscriber, message, false, SteadyClock::now());
  LocalSubscribers::deliver(*subscriber, message, false, SteadyClock::now());
  EXPECT_EQ(calls, 1);
}

TEST(LocalSubscribersTest, NothingIsCalledAfterDeactivateAllOrForAnExpiredMessage) {
  LocalSubscribers local(1);
  int calls = 0;
  auto subscriber = local.add("t", [&](const ApplicationMessage&) { ++calls; }, {});
  Message expired;
  fill(expired, "t");
  expired.expires_at = SteadyClock::now() - 1s;
  LocalSubscribers::deliver(*subscriber, expired, false, SteadyClock::now());
  EXPECT_EQ(calls, 0);
  local.deactivate_all();
  Message live;
  fill(live, "t");
  LocalSubscribers::deliver(*subscriber, live, false, SteadyClock::now());
  EXPECT_EQ(calls, 0);
}

TEST(LocalSubscribersTest, TheRemainingExpiryIsRoundedUpAndRetainFollowsTheOptions) {
  Message message;
  fill(message, "t");
  message.retain = true;
  const TimePoint now = SteadyClock::now();
  message.expires_at = now + 1500ms;
  message.properties.user_properties = {{"k", "v"}};
  const ApplicationMessage out = to_application_message(message, false, now);
  EXPECT_EQ(out.message_expiry_interval, 2u);
  EXPECT_FALSE(out.retain);
  EXPECT_EQ(out.user_properties.size(), 1u);

  LocalSubscribers local(1);
  bool seen_retain = false;
  SubscribeOptions as_published;
  as_published.retain_as_published = true;
  auto subscriber = local.add(
      "t", [&](const ApplicationMessage& m) { seen_retain = m.retain; }, as_published);
  LocalSubscribers::deliver(*subscriber, message, false, now);
  EXPECT_TRUE(seen_retain);
}

}  // namespace
}  // namespace starling
