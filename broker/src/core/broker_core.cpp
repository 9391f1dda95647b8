#include "core/broker_core.hpp"

#include <utility>

#include "core/client_connection.hpp"
#include "core/stored_records.hpp"
#include "util/log.hpp"

namespace starling {
namespace {

// Whether the subscription existed before is already known from the
// session's own records, so the trees' answers are not needed here.
void apply(routing::SubscriptionTree<SessionPtr>& tree, const SubscriptionChange& change,
           const SessionPtr& session) {
  if (change.share_group.empty()) {
    if (change.add) {
      (void)tree.subscribe(change.filter, session, change.options);
    } else {
      (void)tree.unsubscribe(change.filter, session);
    }
  } else if (change.add) {
    (void)tree.subscribe_shared(change.share_group, change.filter, session, change.options);
  } else {
    (void)tree.unsubscribe_shared(change.share_group, change.filter, session);
  }
}

session::OutboundLimits outbound_limits(const Options& options) {
  // Broker::start refuses any other value (check_queue_full_policy).
  const auto policy = options.limits.queue_full_policy == "drop_oldest"
                          ? session::QueueFullPolicy::kDropOldest
                          : session::QueueFullPolicy::kDropNew;
  return {options.limits.max_queued_messages, options.limits.max_queued_bytes,
          options.mqtt.queue_qos0_offline, policy};
}

}  // namespace

BrokerCore::BrokerCore(Options options) : options_(std::move(options)) {}

void BrokerCore::set_store(std::unique_ptr<storage::Store> store, bool sync_acks) {
  store_ = std::move(store);
  sync_acks_ = sync_acks;
}

void BrokerCore::save_session(Session& session, bool durable, storage::Store::Completion done) {
  if (store_ == nullptr || !session.persistent()) {
    if (done) done(Status{});
    return;
  }
  storage::WriteBatch batch;
  batch.put_session(to_stored(session));
  if (!session.persist(*store_, std::move(batch), durable && sync_acks_, done) && done) {
    done(Status{});
  }
}

Shard& BrokerCore::add_shard(Executor& executor) {
  shards_.push_back(std::make_unique<Shard>(*this, executor, shards_.size()));
  return *shards_.back();
}

BrokerCore::Claim BrokerCore::claim_session(const std::string& client_id, bool clean_start,
                                            Shard& shard) {
  std::lock_guard lock(sessions_mutex_);
  auto [it, inserted] = sessions_.try_emplace(client_id);
  if (!inserted && !clean_start) return Claim{it->second, nullptr, true};
  Claim claim;
  claim.replaced = std::move(it->second);
  claim.session = std::make_shared<Session>(client_id, &shard, outbound_limits(options_));
  claim.session->outbound.set_journal(claim.session.get());
  it->second = claim.session;
  if (claim.replaced && store_ != nullptr && claim.replaced->persistent()) {
    // The old session's records go before anything of the new one is
    // written; the old session writes nothing more after this.
    storage::WriteBatch batch;
    batch.delete_session(client_id);
    claim.replaced->forget_in_store(*store_, std::move(batch));
  }
  return claim;
}

SessionPtr BrokerCore::find_session(const std::string& client_id) const {
  std::lock_guard lock(sessions_mutex_);
  auto found = sessions_.find(client_id);
  return found == sessions_.end() ? nullptr : found->second;
}

void BrokerCore::forget_session(const Session& session) {
  std::lock_guard lock(sessions_mutex_);
  auto it = sessions_.find(session.client_id());
  if (it != sessions_.end() && it->second.get() == &session) sessions_.erase(it);
}

std::vector<SessionPtr> BrokerCore::sessions() const {
  std::lock_guard lock(sessions_mutex_);
  std::vector<SessionPtr> all;
  all.reserve(sessions_.size());
  for (const auto& entry : sessions_) all.push_back(entry.second);
  return all;
}

std::size_t BrokerCore::session_count() const {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size();
}

std::string BrokerCore::assign_client_id() {
  return "starling-" + std::to_string(next_assigned_id_.fetch_add(1, std::memory_order_relaxed));
}

void BrokerCore::end_session(Session& session) {
  if (session.ended) return;
  session.ended = true;
  forget_session(session);
  std::vector<SubscriptionChange> removals;
  removals.reserve(session.subscriptions.size());
  for (auto& [full_filter, record] : session.subscriptions) {
    SubscriptionChange change;
    change.add = false;
    change.share_group = record.share_group;
    change.filter = record.filter;
    removals.push_back(std::move(change));
  }
  session.subscriptions.clear();
  if (!removals.empty()) change_subscriptions(session.shared_from_this(), std::move(removals), {});
  if (store_ != nullptr) {
    // The outbound entries go with the session record; a message goes when
    // no session refers to it any more.
    storage::WriteBatch messages;
    session.outbound.for_each([&](const session::Delivery& delivery) {
      if (delivery.stored &&
          delivery.message->stored_refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        messages.delete_message(delivery.message->id);
      }
    });
    if (session.persistent()) {
      storage::WriteBatch batch;
      batch.delete_session(session.client_id());
      session.forget_in_store(*store_, std::move(batch));
    }
    if (!messages.empty()) store_->submit(std::move(messages), false, {});
  }
  session.owner()->report_drops(session, SteadyClock::now());
  session.journal = storage::WriteBatch{};
  session.outbound.clear();
  session.inbound_qos2.clear();
  if (session.will && session.will_due_at) {
    // The session ends before the will delay: the will goes now.
    publish_will(*session.will, session.client_id(), *session.owner());
  }
  session.will.reset();
  session.will_due_at.reset();
  session.expires_at.reset();
}

void BrokerCore::change_subscriptions(const SessionPtr& session,
                                      std::vector<SubscriptionChange> changes,
                                      std::function<void(Session&)> done) {
  struct Pending {
    std::atomic<std::size_t> remaining;
    std::vector<SubscriptionChange> changes;
    SessionPtr session;
    std::function<void(Session&)> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->remaining = shards_.size();
  pending->changes = std::move(changes);
  pending->session = session;
  pending->done = std::move(done);
  for (auto& shard : shards_) {
    Shard* target = shard.get();
    target->executor().post([pending, target] {
      for (const SubscriptionChange& change : pending->changes) {
        apply(target->subscriptions(), change, pending->session);
      }
      if (pending->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1 && pending->done) {
        pending->session->run(std::move(pending->done));
      }
    });
  }
}

void BrokerCore::retain(const MessagePtr& message, storage::WriteBatch* batch) {
  if (store_ != nullptr) {
    storage::WriteBatch own;
    storage::WriteBatch& target = batch != nullptr ? *batch : own;
    if (message->payload.empty()) {
      target.delete_retained(message->topic);
    } else {
      target.put_retained(to_stored(*message));
    }
    if (batch == nullptr) store_->submit(std::move(own), false, {});
  }
  std::unique_lock lock(retained_mutex_);
  if (message->payload.empty()) {
    retained_.erase(message->topic);
  } else {
    retained_.set(message->topic, message);
  }
}

std::vector<MessagePtr> BrokerCore::retained_matching(std::string_view filter) const {
  std::vector<MessagePtr> found;
  const auto add = [&](std::string_view, const MessagePtr& m) { found.push_back(m); };
  std::shared_lock lock(retained_mutex_);
  retained_.match(filter, add);
  // Only a filter that names its '$' first level can match a $SYS topic.
  if (filter.starts_with('$')) sys_retained_.match(filter, add);
  return found;
}

void BrokerCore::publish_sys(const MessagePtr& message, Shard& shard) {
  if (message->retain) {
    std::unique_lock lock(retained_mutex_);
    if (message->payload.empty()) {
      sys_retained_.erase(message->topic);
    } else {
      sys_retained_.set(message->topic, message);
    }
  }
  shard.route(message);
}

bool BrokerCore::clear_sys_retained(const MessagePtr& message, Shard& shard) {
  {
    std::unique_lock lock(retained_mutex_);
    bool same = false;
    sys_retained_.match(message->topic, [&](std::string_view, const MessagePtr& kept) {
      same = kept == message;
    });
    if (!same) return false;
    sys_retained_.erase(message->topic);
  }
  auto cleared = std::make_shared<Message>();
  cleared->topic = message->topic;
  cleared->qos = message->qos;
  cleared->retain = true;
  shard.route(cleared);
  return true;
}

std::size_t BrokerCore::retained_count() const {
  std::shared_lock lock(retained_mutex_);
  return retained_.size();
}

void BrokerCore::publish_will(const protocol::Will& will, const std::string& client_id,
                              Shard& shard) {
  const log::ClientContext log_scope(0, &client_id);
  STARLING_LOG(kDebug) << "publishing will on '" << will.topic << "'";
  MessagePtr message = make_will_message(will, client_id, SteadyClock::now());
  if (message->retain) retain(message);
  shard.route(message);
}

}  // namespace starling
