#include "core/shard.hpp"

#include <algorithm>
#include <utility>

#include "core/broker_core.hpp"
#include "core/client_connection.hpp"
#include "core/drop_events.hpp"
#include "core/stored_records.hpp"
#include "core/sys_topics.hpp"
#include "util/log.hpp"

namespace starling {
namespace {

// Picks the member for the next message of a shared group: the next online
// one in round-robin order, or, when none is online, the next one anyway
// (its session queues the message). `excluded` is skipped.
template <typename Group>
const typename Group::value_type* pick_member(routing::SharedGroup<SessionPtr>& group,
                                              const Session* excluded) {
  const std::size_t n = group.members.size();
  const typename Group::value_type* fallback = nullptr;
  for (std::size_t step = 0; step < n; ++step) {
    std::size_t i = (group.next + step) % n;
    const auto& member = group.members[i];
    if (member.first.get() == excluded) continue;
    if (member.first->online()) {
      group.next = (i + 1) % n;
      return &member;
    }
    if (fallback == nullptr) fallback = &member;
  }
  if (fallback != nullptr) group.next = (group.next + 1) % n;
  return fallback;
}

using Member = std::pair<SessionPtr, routing::SubscriptionOptions>;
using Members = std::vector<Member>;

session::Delivery shared_delivery(const MessagePtr& message, const routing::SharedGroup<SessionPtr>& group,
                                  const routing::SubscriptionOptions& options) {
  session::Delivery delivery;
  delivery.message = message;
  delivery.qos = std::min(message->qos, options.qos);
  delivery.retain = options.retain_as_published && message->retain;
  if (options.subscription_id != 0) delivery.subscription_ids.push_back(options.subscription_id);
  delivery.share_group = group.name;
  delivery.share_filter = group.filter;
  return delivery;
}

}  // namespace

Shard::Shard(BrokerCore& core, Executor& executor, std::size_t index)
    : core_(core), executor_(executor), index_(index) {}

std::size_t Shard::route(const MessagePtr& message) {
  // Routing only reads the message until it is delivered; a stored id and
  // reference count are set here, before any session can see it.
  auto mutable_message = std::const_pointer_cast<Message>(message);
  storage::Store* store = core_.store();
  storage::WriteBatch batch;
  std::size_t receivers = prepare_route(mutable_message, store != nullptr ? &batch : nullptr);
  if (!batch.empty()) store->submit(std::move(batch), false, {});
  deliver_prepared();
  return receivers;
}

void Shard::add_stored(const SessionPtr& session, session::Delivery& delivery, Message& message,
                       storage::WriteBatch* batch) {
  if (batch == nullptr || delivery.qos == 0 || !session->persistent()) return;
  if (message.id == 0) message.id = core_.allocate_message_id();
  // First reference, or a message handed on after its last holder let go
  // (that holder's journal, deleting it, was committed before this).
  if (message.stored_refs.fetch_add(1, std::memory_order_acq_rel) == 0) {
    batch->put_message(to_stored(message));
  }
  delivery.stored = true;
  batch->put_outbound(to_stored(delivery, session->client_id()));
}

std::size_t Shard::prepare_route(const std::shared_ptr<Message>& message,
                                 storage::WriteBatch* batch) {
  pending_.clear();
  scratch_.clear();
  subscriptions_.match(
      message->topic,
      [&](const SessionPtr& session, const routing::SubscriptionOptions& options) {
        if (options.no_local && session->client_id() == message->origin_client_id) return;
        scratch_.push_back(Match{session.get(), &session, options.qos, options.retain_as_published,
                                 options.no_local, options.subscription_id});
      },
      [&](routing::SharedGroup<SessionPtr>& group) {
        const Member* member = pick_member<Members>(group, nullptr);
        if (member == nullptr) return;
        pending_.push_back(Pending{&member->first, shared_delivery(message, group, member->second)});
      });

  // Overlapping subscriptions of one session: one delivery at the highest
  // QoS, carrying every subscription identifier.
  if (scratch_.size() > 1) {
    std::sort(scratch_.begin(), scratch_.end(),
              [](const Match& a, const Match& b) { return a.session < b.session; });
  }
  for (std::size_t i = 0; i < scratch_.size();) {
    session::Delivery delivery;
    std::uint8_t qos = 0;
    bool retain_as_published = false;
    std::size_t j = i;
    for (; j < scratch_.size() && scratch_[j].session == scratch_[i].session; ++j) {
      qos = std::max(qos, scratch_[j].qos);
      retain_as_published = retain_as_published || scratch_[j].retain_as_published;
      if (scratch_[j].subscription_id != 0) {
        delivery.subscription_ids.push_back(scratch_[j].subscription_id);
      }
    }
    delivery.message = message;
    delivery.qos = std::min(message->qos, qos);
    delivery.retain = retain_as_published && message->retain;
    pending_.push_back(Pending{scratch_[i].pointer, std::move(delivery)});
    i = j;
  }
  for (Pending& p : pending_) add_stored(*p.session, p.delivery, *message, batch);
  local_pending_.clear();
  if (LocalSubscribers* local = core_.local_subscribers(); local != nullptr && !local->empty()) {
    local->match(index_, message->topic, local_pending_);
    if (!local_pending_.empty()) local_message_ = message;
  }
  return pending_.size() + local_pending_.size();
}

void Shard::deliver_prepared() {
  for (Pending& p : pending_) (*p.session)->deliver(std::move(p.delivery));
  pending_.clear();
  if (local_pending_.empty()) return;
  // Moved out first: a callback may publish, which routes on this shard.
  std::vector<LocalSubscriberPtr> subscribers = std::move(local_pending_);
  local_pending_.clear();
  const MessagePtr message = std::move(local_message_);
  const TimePoint now = SteadyClock::now();
  for (const LocalSubscriberPtr& subscriber : subscribers) {
    LocalSubscribers::deliver(*subscriber, *message, false, now);
  }
}

void Shard::commit_journal(Session& session) {
  storage::Store* store = core_.store();
  if (store == nullptr || session.journal.empty()) return;
  storage::WriteBatch batch = std::move(session.journal);
  session.journal = storage::WriteBatch{};
  const bool durable = core_.sync_acks() && session.journal_must_be_durable;
  session.journal_must_be_durable = false;
  ClientConnection* connection = session.connection;
  if (!durable || connection == nullptr) {
    if (!session.persist(*store, std::move(batch), false, {})) store->submit(std::move(batch), false, {});
    return;
  }
  // Exactly-once: what was just encoded for the client waits for the disk.
  auto done = connection->hold_output();
  if (!session.persist(*store, std::move(batch), true, done)) done(Status{});
}

void Shard::redeliver_shared(session::Delivery delivery, Session& from) {
  bool handed_over = false;
  const MessagePtr message = delivery.message;
  subscriptions_.match(
      message->topic, [](const SessionPtr&, const routing::SubscriptionOptions&) {},
      [&](routing::SharedGroup<SessionPtr>& group) {
        if (handed_over || group.name != delivery.share_group ||
            group.filter != delivery.share_filter) {
          return;
        }
        const Member* member = pick_member<Members>(group, &from);
        if (member == nullptr || !member->first->online()) return;
        session::Delivery handed = shared_delivery(message, group, member->second);
        storage::WriteBatch batch;
        add_stored(member->first, handed, *std::const_pointer_cast<Message>(message),
                   core_.store() != nullptr ? &batch : nullptr);
        if (!batch.empty()) core_.store()->submit(std::move(batch), false, {});
        member->first->deliver(std::move(handed));
        handed_over = true;
      });
  if (!handed_over && !from.ended && from.expiry_interval != 0) {
    // Nobody else can take it now: it waits in this member's session.
    storage::WriteBatch batch;
    delivery.stored = false;
    add_stored(from.shared_from_this(), delivery, *std::const_pointer_cast<Message>(message),
               core_.store() != nullptr ? &batch : nullptr);
    if (!batch.empty()) core_.store()->submit(std::move(batch), false, {});
    deliver_locally(from, std::move(delivery), SteadyClock::now());
  }
}

void Shard::deliver_locally(Session& session, session::Delivery delivery, TimePoint now) {
  // Kept only for plugins that want to hear of drops.
  MessagePtr kept = wants_drop_events(core_) ? delivery.message : nullptr;
  auto outcome = session.outbound.deliver(std::move(delivery), session.connection, now);
  BrokerStats& stats = core_.stats();
  if (std::size_t evicted = session.outbound.take_evicted(); evicted != 0) {
    BrokerStats::add(stats.messages_dropped_queue_full, evicted);
    note_dropped(session, session::DropReason::kEvicted, evicted, now);
    if (kept) {
      notify_dropped(core_, session.client_id(), nullptr, STARLING_DROP_EVICTED,
                     static_cast<std::uint32_t>(evicted));
    }
  }
  switch (outcome) {
    case session::DeliverOutcome::kDroppedQueueFull:
      BrokerStats::add(stats.messages_dropped_queue_full);
      note_dropped(session, session::DropReason::kQueueFull, 1, now);
      if (kept) notify_dropped(core_, session.client_id(), kept.get(), STARLING_DROP_QUEUE_FULL);
      break;
    case session::DeliverOutcome::kDroppedExpired:
      BrokerStats::add(stats.messages_dropped_expired);
      if (kept) notify_dropped(core_, session.client_id(), kept.get(), STARLING_DROP_EXPIRED);
      break;
    default:
      break;
  }
}

void Shard::note_dropped(Session& session, session::DropReason reason, std::size_t count,
                         TimePoint now) {
  if (session.drops.add(reason, count, now)) {
    report_drops(session, now);
  } else {
    unreported_drops_[&session] = session.weak_from_this();
  }
}

void Shard::report_drops(Session& session, TimePoint now) {
  if (!session.drops.pending()) return;
  const log::ClientContext log_scope(0, &session.client_id());
  STARLING_LOG(kWarn) << session.drops.take(now);
}

void Shard::report_due_drops(TimePoint now) {
  for (auto it = unreported_drops_.begin(); it != unreported_drops_.end();) {
    SessionPtr session = it->second.lock();
    // A session that moved to another shard keeps its counts; its next drop
    // there reports them.
    if (!session || session->owner() != this || !session->drops.pending()) {
      it = unreported_drops_.erase(it);
    } else if (session->drops.due(now)) {
      report_drops(*session, now);
      it = unreported_drops_.erase(it);
    } else {
      ++it;
    }
  }
}

void Shard::tick(TimePoint now) {
  std::vector<ClientConnection*> connections(connections_.begin(), connections_.end());
  for (ClientConnection* connection : connections) {
    if (connections_.contains(connection)) connection->on_tick(now);
  }
  if (!unreported_drops_.empty()) report_due_drops(now);
  ++ticks_;
  const bool sweep_queues = ticks_ % 30 == 0;
  std::vector<SessionPtr> offline(offline_.begin(), offline_.end());
  for (const SessionPtr& session : offline) {
    if (session->ended || session->connection != nullptr) {
      offline_.erase(session);
      continue;
    }
    if (session->will_due_at && *session->will_due_at <= now) {
      session->will_due_at.reset();
      if (session->will) {
        core_.publish_will(*session->will, session->client_id(), *this);
        session->will.reset();
      }
    }
    if (session->expires_at && *session->expires_at <= now) {
      if (core_.plugins() != nullptr && core_.plugins()->has_session_expired()) {
        const std::string& id = session->client_id();
        starling_session_event event{sizeof(starling_session_event), {id.data(), id.size()}};
        core_.plugins()->session_expired(event);
      }
      core_.end_session(*session);
      BrokerStats::add(core_.stats().sessions_expired);
      offline_.erase(session);
      continue;
    }
    if (sweep_queues) {
      std::size_t dropped = session->outbound.drop_expired(now);
      if (dropped != 0) BrokerStats::add(core_.stats().messages_dropped_expired, dropped);
    }
    if (!session->expires_at && !session->will_due_at) offline_.erase(session);
  }
  if (SysTopics* sys = core_.sys_topics(); sys != nullptr && &sys->home() == this) sys->tick(now);
}

}  // namespace starling
