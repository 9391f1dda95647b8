#pragma once
// One worker thread's slice of the broker: its replica of the subscription
// tree (so matching a PUBLISH takes no lock), the connections it serves, and
// the sessions it owns. Every method runs on the shard's own thread unless
// it says otherwise.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/executor.hpp"
#include "core/local_subscribers.hpp"
#include "core/message.hpp"
#include "core/session.hpp"
#include "routing/subscription_tree.hpp"

namespace starling {

class BrokerCore;
class ClientConnection;

class Shard {
 public:
  Shard(BrokerCore& core, Executor& executor, std::size_t index);
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  Executor& executor() { return executor_; }  // any thread
  std::size_t index() const { return index_; }
  BrokerCore& core() { return core_; }

  // Delivers `message` to every matching subscription, from this thread,
  // in-process subscribers included. Returns the number of sessions and
  // in-process subscribers it went to. Store writes it needs (a
  // QoS 1/2 message for persistent sessions) are submitted without waiting.
  std::size_t route(const MessagePtr& message);

  // The same in two steps, for a publisher that must wait for durability:
  // prepare_route() matches and adds the message and its outbound entries to
  // `batch` (null: no store); the caller submits the batch, then calls
  // deliver_prepared(). REQUIRES: nothing routed in between.
  std::size_t prepare_route(const std::shared_ptr<Message>& message, storage::WriteBatch* batch);
  void deliver_prepared();

  // Submits what a session's outbound flow journalled (a commit point:
  // after a mailbox drain or a batch of client packets).
  void commit_journal(Session& session);
  // Redelivers a message a shared-subscription member left unacknowledged
  // to another online member of its group, or back to `from` if none.
  void redeliver_shared(session::Delivery delivery, Session& from);

  // Hands a delivery to a session this shard owns (from its mailbox).
  void deliver_locally(Session& session, session::Delivery delivery, TimePoint now);

  // Counts messages `session` (owned by this shard) had to drop and logs a
  // warning at once or, rate-limited per session (DropReport), from tick().
  void note_dropped(Session& session, session::DropReason reason, std::size_t count,
                    TimePoint now);
  // Logs what `session` dropped and has not been reported yet, if anything
  // (when it ends, so the last summary is not lost).
  void report_drops(Session& session, TimePoint now);

  routing::SubscriptionTree<SessionPtr>& subscriptions() { return subscriptions_; }

  void add_connection(ClientConnection* connection) { connections_.insert(connection); }
  void remove_connection(ClientConnection* connection) { connections_.erase(connection); }
  const std::unordered_set<ClientConnection*>& connections() const { return connections_; }

  // A session of this shard went offline and has an expiry or a delayed
  // will to watch. Forgotten again when it resumes or ends.
  void watch_offline(const SessionPtr& session) { offline_.insert(session); }
  void unwatch_offline(const SessionPtr& session) { offline_.erase(session); }

  // Once a second: keep-alive and CONNECT timeouts, delayed wills, session
  // expiry, expired queued messages.
  void tick(TimePoint now);

 private:
  struct Pending {
    const SessionPtr* session;
    session::Delivery delivery;
  };
  // Marks `delivery` stored and adds its outbound entry, when the session
  // keeps state in the store.
  void add_stored(const SessionPtr& session, session::Delivery& delivery, Message& message,
                  storage::WriteBatch* batch);
  // Logs the drop summaries whose interval is over.
  void report_due_drops(TimePoint now);

  struct Match {
    Session* session;
    const SessionPtr* pointer;
    std::uint8_t qos;
    bool retain_as_published;
    bool no_local;
    std::uint32_t subscription_id;
  };

  BrokerCore& core_;
  Executor& executor_;
  std::size_t index_;
  routing::SubscriptionTree<SessionPtr> subscriptions_;
  std::unordered_set<ClientConnection*> connections_;
  std::unordered_set<SessionPtr> offline_;
  // Sessions with drops counted but not yet logged, for tick().
  std::unordered_map<Session*, std::weak_ptr<Session>> unreported_drops_;
  std::vector<Match> scratch_;     // reused by route(), never shrinks
  std::vector<Pending> pending_;   // prepared deliveries
  // Prepared deliveries to in-process subscribers, of local_message_.
  std::vector<LocalSubscriberPtr> local_pending_;
  MessagePtr local_message_;
  std::uint64_t ticks_ = 0;
};

}  // namespace starling
