#pragma once
// The broker's in-process subscribers (Broker::subscribe): callbacks in the
// embedding program, matched against every routed message beside the
// sessions. One replica of the filter index per shard, each behind its own
// mutex, so matching takes no lock another shard uses and subscribing is
// synchronous (it updates every replica before returning).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"
#include "routing/subscription_tree.hpp"
#include "starling/subscription.hpp"

namespace starling {

struct LocalSubscriber {
  std::uint64_t id = 0;
  std::string filter;
  SubscribeOptions options;
  MessageCallback callback;
  std::atomic<bool> active{true};
  // Held shared by each running call; unsubscribing takes it exclusively
  // to wait until they have returned.
  std::shared_mutex calls;
};
using LocalSubscriberPtr = std::shared_ptr<LocalSubscriber>;

class LocalSubscribers {
 public:
  // REQUIRES: shard_count > 0.
  explicit LocalSubscribers(std::size_t shard_count);
  LocalSubscribers(const LocalSubscribers&) = delete;
  LocalSubscribers& operator=(const LocalSubscribers&) = delete;

  // Any thread. REQUIRES: routing::is_valid_topic_filter(filter), not shared.
  LocalSubscriberPtr add(std::string filter, MessageCallback callback, SubscribeOptions options);
  // Any thread. Removes `subscriber` from every replica, then waits until
  // none of its calls runs, unless called from inside a callback.
  void remove(const LocalSubscriberPtr& subscriber);
  // Any thread: calls no callback from now on (the broker stops).
  void deactivate_all();

  // Cheap check before matching, any thread.
  bool empty() const { return count_.load(std::memory_order_acquire) == 0; }
  // Appends the subscribers whose filter matches `topic`, from `shard`'s
  // replica. REQUIRES: is_valid_topic_name(topic); `shard`'s thread.
  void match(std::size_t shard, std::string_view topic, std::vector<LocalSubscriberPtr>& out);

  // Calls the subscriber's callback with `message` unless it is inactive or
  // the message has expired. `retained`: sent because of the subscription.
  // Exceptions from the callback are logged, never thrown.
  static void deliver(LocalSubscriber& subscriber, const Message& message, bool retained,
                      TimePoint now);

 private:
  struct Replica {
    std::mutex mutex;
    routing::SubscriptionTree<LocalSubscriberPtr> tree;
  };
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::mutex subscribers_mutex_;
  std::vector<LocalSubscriberPtr> subscribers_;  // for deactivate_all
  std::atomic<std::size_t> count_{0};
};

// The value an in-process subscriber receives for `message`.
ApplicationMessage to_application_message(const Message& message, bool retain, TimePoint now);

}  // namespace starling
