#pragma once
// The state every shard shares: the session registry, the retained
// messages, and the fan-out of subscription changes to every shard's
// replica. Nothing here is touched per delivered message except the retained
// store for retained publishes.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/broker_stats.hpp"
#include "core/local_subscribers.hpp"
#include "core/message.hpp"
#include "core/session.hpp"
#include "core/shard.hpp"
#include "plugin_host/plugin_host.hpp"
#include "routing/retained_tree.hpp"
#include "routing/subscription_options.hpp"
#include "starling/options.hpp"
#include "storage/store.hpp"

namespace starling {

class SysTopics;

struct SubscriptionChange {
  bool add = true;
  std::string share_group;  // empty: an ordinary subscription
  std::string filter;
  routing::SubscriptionOptions options;
};

class BrokerCore {
 public:
  explicit BrokerCore(Options options);
  BrokerCore(const BrokerCore&) = delete;
  BrokerCore& operator=(const BrokerCore&) = delete;

  // Setup, before any traffic: one shard per worker thread.
  Shard& add_shard(Executor& executor);

  // Setup: the store (none in memory mode). `sync_acks`: QoS 1/2 are
  // acknowledged only once durable.
  void set_store(std::unique_ptr<storage::Store> store, bool sync_acks);
  // Setup, before the workers run: rebuilds sessions, queues, in-flight
  // state and retained messages; ends sessions that expired while the
  // broker was down (publishing their wills).
  Status restore(storage::Snapshot snapshot);

  storage::Store* store() { return store_.get(); }
  bool sync_acks() const { return sync_acks_; }
  storage::MessageId allocate_message_id() {
    return next_message_id_.fetch_add(1, std::memory_order_relaxed);
  }
  // Writes the session record (owner thread). `done` runs on the store's
  // thread; it is called at once (with success) if nothing is written.
  void save_session(Session& session, bool durable, storage::Store::Completion done = {});

  const Options& options() const { return options_; }
  // Setup: the loaded plugins (none: null). Owned by the runtime, which
  // keeps them until every worker has stopped.
  void set_plugins(plugin_host::PluginHost* plugins) { plugins_ = plugins; }
  plugin_host::PluginHost* plugins() const { return plugins_; }
  // Setup: the in-process subscribers (Broker::subscribe; null: none).
  // Owned by the runtime, which keeps them until every worker has stopped.
  void set_local_subscribers(LocalSubscribers* local) { local_subscribers_ = local; }
  LocalSubscribers* local_subscribers() const { return local_subscribers_; }
  std::size_t shard_count() const { return shards_.size(); }
  Shard& shard(std::size_t i) { return *shards_[i]; }
  BrokerStats& stats() { return stats_; }

  // --- sessions (any thread) ---
  struct Claim {
    SessionPtr session;
    SessionPtr replaced;  // a previous session under this id that must end
    bool resumed = false;
  };
  // Finds or creates the session for a CONNECT. With clean_start, a new
  // session replaces any old one; otherwise an existing session is resumed.
  Claim claim_session(const std::string& client_id, bool clean_start, Shard& shard);
  // Removes the registry entry if it still points at `session`.
  void forget_session(const Session& session);
  // The session registered under `client_id`, if any.
  SessionPtr find_session(const std::string& client_id) const;
  std::size_t session_count() const;
  // Every registered session, in no particular order (for the admin API).
  std::vector<SessionPtr> sessions() const;
  // A client id for a client that sent none (unique in this process).
  std::string assign_client_id();

  // Ends a session on its owner thread: drops its subscriptions from every
  // shard, forgets it, sends a pending will. REQUIRES: owner thread.
  void end_session(Session& session);

  // Applies subscription changes to every shard's replica, then runs `done`
  // on the session's owner thread. `done` gets, per change, whether the
  // session already had that subscription (for Retain Handling 1).
  void change_subscriptions(const SessionPtr& session, std::vector<SubscriptionChange> changes,
                            std::function<void(Session&)> done);

  // --- retained messages (any thread) ---
  // Stores the message, or clears the topic when the payload is empty. The
  // store write goes into `batch` when given (so a publisher can wait for
  // it), else it is submitted at once.
  void retain(const MessagePtr& message, storage::WriteBatch* batch = nullptr);
  // Client-retained messages and the broker's own $SYS ones alike.
  std::vector<MessagePtr> retained_matching(std::string_view filter) const;
  // Retained messages that clients published (the broker's $SYS ones are
  // not counted).
  std::size_t retained_count() const;

  // --- broker-generated $SYS messages (sys_topics.hpp, presence) ---
  // Publishes `message` (a $SYS topic, no origin client) from `shard`'s
  // thread: kept, when it is retained, as the topic's retained message in
  // memory only (a restart must not bring back stale figures or presence),
  // and routed to subscribers. REQUIRES: `shard`'s thread.
  void publish_sys(const MessagePtr& message, Shard& shard);
  // Clears the retained message of `message->topic` if it is still
  // `message` itself (a later one of the same topic stays), and tells the
  // subscribers with an empty retained message. False: nothing cleared.
  // REQUIRES: `shard`'s thread.
  bool clear_sys_retained(const MessagePtr& message, Shard& shard);
  // Setup: the $SYS/broker publisher (null: none), driven by shard 0's tick.
  // Owned by the runtime, which keeps it until every worker has stopped.
  void set_sys_topics(SysTopics* sys_topics) { sys_topics_ = sys_topics; }
  SysTopics* sys_topics() const { return sys_topics_; }

  // Publishes a will (or any broker-originated message) from `shard`'s thread.
  void publish_will(const protocol::Will& will, const std::string& client_id, Shard& shard);

 private:
  Options options_;
  plugin_host::PluginHost* plugins_ = nullptr;
  LocalSubscribers* local_subscribers_ = nullptr;
  std::unique_ptr<storage::Store> store_;
  bool sync_acks_ = false;
  std::atomic<storage::MessageId> next_message_id_{1};
  std::vector<std::unique_ptr<Shard>> shards_;
  BrokerStats stats_;

  mutable std::mutex sessions_mutex_;
  std::unordered_map<std::string, SessionPtr> sessions_;
  std::atomic<std::uint64_t> next_assigned_id_{1};

  mutable std::shared_mutex retained_mutex_;
  routing::RetainedTree<MessagePtr> retained_;
  routing::RetainedTree<MessagePtr> sys_retained_;  // publish_sys(); never stored
  SysTopics* sys_topics_ = nullptr;
};

}  // namespace starling
