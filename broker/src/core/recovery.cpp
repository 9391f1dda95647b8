// BrokerCore::restore: the broker's state rebuilt from the store at start.
#include <unordered_map>

#include "core/broker_core.hpp"
#include "core/stored_records.hpp"
#include "util/log.hpp"

namespace starling {
namespace {

session::InflightStage to_stage(storage::OutboundStage stage) {
  switch (stage) {
    case storage::OutboundStage::kAwaitPubrec: return session::InflightStage::kAwaitPubrec;
    case storage::OutboundStage::kAwaitPubcomp: return session::InflightStage::kAwaitPubcomp;
    default: return session::InflightStage::kAwaitPuback;
  }
}

constexpr std::uint32_t kNoExpiry = 0xFFFFFFFF;

}  // namespace

Status BrokerCore::restore(storage::Snapshot snapshot) {
  if (store_ == nullptr) return {};
  const TimePoint now = SteadyClock::now();
  storage::WriteBatch cleanup;
  next_message_id_.store(snapshot.last_message_id + 1, std::memory_order_relaxed);

  {
    std::unique_lock lock(retained_mutex_);
    for (const storage::StoredMessage& stored : snapshot.retained) {
      MessagePtr message = from_stored(stored);
      if (message->expired(now)) {
        cleanup.delete_retained(stored.topic);
        continue;
      }
      retained_.set(stored.topic, message);
    }
  }

  std::unordered_map<storage::MessageId, std::shared_ptr<Message>> messages;
  for (const storage::StoredMessage& stored : snapshot.messages) {
    messages.emplace(stored.id, from_stored(stored));
  }

  std::unordered_map<std::string, SessionPtr> restored;
  std::size_t next_shard = 0;
  for (storage::StoredSession& stored : snapshot.sessions) {
    Shard& shard = *shards_[next_shard++ % shards_.size()];
    auto session = std::make_shared<Session>(
        stored.client_id, &shard,
        session::OutboundLimits{options_.limits.max_queued_messages,
                                options_.limits.max_queued_bytes, options_.mqtt.queue_qos0_offline});
    session->outbound.set_journal(session.get());
    session->expiry_interval = stored.expiry_interval;
    session->version = stored.version;
    // A session that was online when the broker stopped lost its connection
    // now: its expiry, and its will delay, run from this start.
    TimePoint disconnected_at =
        stored.disconnected_at_ms ? from_unix_ms(*stored.disconnected_at_ms) : now;
    if (stored.expiry_interval != kNoExpiry) {
      session->expires_at = disconnected_at + std::chrono::seconds(stored.expiry_interval);
    }
    if (stored.will) {
      session->will = std::move(stored.will);
      session->will_delay = session->will->properties.will_delay_interval.value_or(0);
      session->will_due_at = disconnected_at + std::chrono::seconds(session->will_delay);
    }
    for (session::SubscriptionRecord& record : stored.subscriptions) {
      std::string full = record.share_group.empty()
                             ? record.filter
                             : "$share/" + record.share_group + "/" + record.filter;
      for (auto& s : shards_) {
        auto& tree = s->subscriptions();
        if (record.share_group.empty()) {
          (void)tree.subscribe(record.filter, session, record.options);
        } else {
          (void)tree.subscribe_shared(record.share_group, record.filter, session, record.options);
        }
      }
      session->subscriptions.emplace(std::move(full), std::move(record));
    }
    session->set_persistent(true);
    restored.emplace(session->client_id(), session);
  }

  std::size_t queued = 0;
  for (const storage::StoredOutbound& entry : snapshot.outbound) {
    auto session = restored.find(entry.client_id);
    auto message = messages.find(entry.message_id);
    if (session == restored.end() || message == messages.end()) {
      cleanup.delete_outbound(entry.client_id, entry.message_id);
      continue;
    }
    session::Delivery delivery;
    delivery.message = message->second;
    delivery.qos = entry.qos;
    delivery.retain = entry.retain;
    delivery.subscription_ids = entry.subscription_ids;
    delivery.share_group = entry.share_group;
    delivery.share_filter = entry.share_filter;
    delivery.stored = true;
    message->second->stored_refs.fetch_add(1, std::memory_order_relaxed);
    if (entry.stage == storage::OutboundStage::kQueued) {
      session->second->outbound.restore_queued(std::move(delivery));
    } else {
      session->second->outbound.restore_inflight(std::move(delivery), entry.packet_id,
                                                 to_stage(entry.stage));
    }
    ++queued;
  }
  for (const auto& [id, message] : messages) {
    if (message->stored_refs.load(std::memory_order_relaxed) == 0) cleanup.delete_message(id);
  }
  for (const storage::StoredInboundQos2& entry : snapshot.inbound_qos2) {
    auto session = restored.find(entry.client_id);
    if (session == restored.end()) {
      cleanup.delete_inbound_qos2(entry.client_id, entry.packet_id);
      continue;
    }
    session->second->inbound_qos2.insert(entry.packet_id);
  }
  if (!cleanup.empty()) store_->submit(std::move(cleanup), false, {});

  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [id, session] : restored) sessions_.emplace(id, session);
  }
  // Sessions that expired while the broker was down end now (publishing
  // their wills) so no client can resume them; due wills and later expiry
  // are the shards' ticks' job.
  std::size_t expired = 0;
  for (auto& [id, session] : restored) {
    if (session->expires_at && *session->expires_at <= now) {
      end_session(*session);
      ++expired;
    } else {
      session->owner()->watch_offline(session);
    }
  }
  if (expired != 0) STARLING_LOG(kInfo) << expired << " sessions expired while the broker was down";
  STARLING_LOG(kInfo) << "restored " << restored.size() << " sessions, " << queued
                      << " queued or in-flight messages, " << retained_count()
                      << " retained messages";
  return {};
}

}  // namespace starling
