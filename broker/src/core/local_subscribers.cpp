#include "core/local_subscribers.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "util/log.hpp"

namespace starling {
namespace {

std::atomic<std::uint64_t> g_next_id{1};

// The subscriber whose callback this thread is running, if any: unsubscribe
// from inside a callback must not wait for the call it is part of.
thread_local const LocalSubscriber* t_calling = nullptr;

}  // namespace

ApplicationMessage to_application_message(const Message& message, bool retain, TimePoint now) {
  ApplicationMessage out;
  out.topic = message.topic;
  out.payload = message.payload;
  out.qos = message.qos;
  out.retain = retain;
  const protocol::Properties& p = message.properties;
  out.payload_format_indicator = p.payload_format_indicator;
  out.content_type = p.content_type;
  out.response_topic = p.response_topic;
  out.correlation_data = p.correlation_data;
  out.user_properties = p.user_properties;
  if (message.expires_at) {
    // Rounded up, so a message delivered just in time does not read 0.
    const auto left = std::chrono::ceil<std::chrono::seconds>(*message.expires_at - now).count();
    out.message_expiry_interval = static_cast<std::uint32_t>(std::max<decltype(left)>(left, 1));
  }
  return out;
}

LocalSubscribers::LocalSubscribers(std::size_t shard_count) {
  for (std::size_t i = 0; i < shard_count; ++i) replicas_.push_back(std::make_unique<Replica>());
}

LocalSubscriberPtr LocalSubscribers::add(std::string filter, MessageCallback callback,
                                         SubscribeOptions options) {
  auto subscriber = std::make_shared<LocalSubscriber>();
  subscriber->id = g_next_id.fetch_add(1, std::memory_order_relaxed);
  subscriber->filter = std::move(filter);
  subscriber->options = options;
  subscriber->callback = std::move(callback);
  {
    std::lock_guard lock(subscribers_mutex_);
    subscribers_.push_back(subscriber);
  }
  routing::SubscriptionOptions any_qos;
  any_qos.qos = 2;
  for (auto& replica : replicas_) {
    std::lock_guard lock(replica->mutex);
    (void)replica->tree.subscribe(subscriber->filter, subscriber, any_qos);
  }
  count_.fetch_add(1, std::memory_order_release);
  return subscriber;
}

void LocalSubscribers::remove(const LocalSubscriberPtr& subscriber) {
  {
    std::lock_guard lock(subscribers_mutex_);
    const auto it = std::find(subscribers_.begin(), subscribers_.end(), subscriber);
    if (it == subscribers_.end()) return;  // removed already
    subscribers_.erase(it);
  }
  subscriber->active.store(false, std::memory_order_release);
  for (auto& replica : replicas_) {
    std::lock_guard lock(replica->mutex);
    (void)replica->tree.unsubscribe(subscriber->filter, subscriber);
  }
  count_.fetch_sub(1, std::memory_order_release);
  // Inside any callback, waiting could deadlock (two callbacks ending each
  // other's subscriptions); the contract says it does not wait there.
  if (t_calling == nullptr) std::unique_lock wait_for_calls(subscriber->calls);
}

void LocalSubscribers::deactivate_all() {
  std::lock_guard lock(subscribers_mutex_);
  for (const LocalSubscriberPtr& subscriber : subscribers_) {
    subscriber->active.store(false, std::memory_order_release);
  }
}

void LocalSubscribers::match(std::size_t shard, std::string_view topic,
                             std::vector<LocalSubscriberPtr>& out) {
  Replica& replica = *replicas_[shard];
  std::lock_guard lock(replica.mutex);
  replica.tree.match(
      topic,
      [&out](const LocalSubscriberPtr& subscriber, const routing::SubscriptionOptions&) {
        // One subscriber has one filter, so it is reported at most once.
        out.push_back(subscriber);
      },
      [](routing::SharedGroup<LocalSubscriberPtr>&) {});
}

void LocalSubscribers::deliver(LocalSubscriber& subscriber, const Message& message, bool retained,
                               TimePoint now) {
  if (message.expired(now)) return;
  std::shared_lock running(subscriber.calls);
  if (!subscriber.active.load(std::memory_order_acquire)) return;
  const bool retain = retained || (subscriber.options.retain_as_published && message.retain);
  const LocalSubscriber* outer = t_calling;
  t_calling = &subscriber;
  try {
    subscriber.callback(to_application_message(message, retain, now));
  } catch (const std::exception& e) {
    STARLING_LOG(kError) << "in-process subscription " << subscriber.id << " ('"
                         << subscriber.filter << "'): the callback threw: " << e.what();
  } catch (...) {
    STARLING_LOG(kError) << "in-process subscription " << subscriber.id << " ('"
                         << subscriber.filter << "'): the callback threw";
  }
  t_calling = outer;
}

}  // namespace starling
