#pragma once
// A client's session: lives from the first CONNECT with its client id until
// it expires or a clean start replaces it, across any number of connections.
//
// Threading: the session belongs to one Shard (worker thread) at a time, its
// owner; all state below `owner-thread state` is touched only there. Other
// threads reach it through the mailbox (deliver, run), which keeps one FIFO
// order, so a migration to another shard (a client reconnecting on another
// worker) never reorders messages.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <variant>
#include <vector>

#include "core/message.hpp"
#include "protocol/packets.hpp"
#include "session/delivery.hpp"
#include "session/drop_report.hpp"
#include "session/outbound_flow.hpp"
#include "session/subscription_record.hpp"
#include "storage/store.hpp"

namespace starling {

class Shard;
class ClientConnection;

class Session : public std::enable_shared_from_this<Session>, public session::OutboundJournal {
 public:
  using Task = std::function<void(Session&)>;

  Session(std::string client_id, Shard* owner, session::OutboundLimits limits);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& client_id() const { return client_id_; }

  // --- any thread ---
  // Queues a message for this session; it is processed on the owner thread.
  void deliver(session::Delivery delivery);
  // Runs `task` on the owner thread, after everything already in the mailbox.
  void run(Task task);
  // Connected right now (a hint for shared-subscription member choice).
  bool online() const { return online_.load(std::memory_order_relaxed); }
  Shard* owner() const;

  // Moves the session to `new_owner` and then runs `on_arrival` there. Must
  // be called on the current owner thread, and the caller must not touch
  // the session afterwards.
  void migrate(Shard* new_owner, Task on_arrival);

  // --- persistence (any thread) ---
  // Kept in the store: a store is configured, the session has a non-zero
  // expiry, and it has not ended or been replaced.
  bool persistent() const { return persistent_.load(std::memory_order_acquire); }
  // Submits `batch` if the session is still persistent, atomically with
  // respect to forget_in_store(), so nothing of an old session is written
  // after its replacement's first write. Returns false if not submitted.
  bool persist(storage::Store& store, storage::WriteBatch batch, bool durable,
               storage::Store::Completion done);
  void set_persistent(bool persistent);
  // Stops all writes for this session and submits `batch` (the deletion of
  // its records, followed by a new session's) in the same step.
  void forget_in_store(storage::Store& store, storage::WriteBatch batch);

  // session::OutboundJournal: changes collected into `journal` until the
  // next commit point.
  void on_inflight(const session::Delivery& delivery, std::uint16_t packet_id,
                   session::InflightStage stage, bool must_be_durable) override;
  void on_finished(const session::Delivery& delivery) override;

  // --- owner-thread state ---
  ClientConnection* connection = nullptr;
  session::OutboundFlow outbound;
  std::unordered_set<std::uint16_t> inbound_qos2;  // PUBREC sent, PUBREL awaited
  std::map<std::string, session::SubscriptionRecord> subscriptions;  // by full filter
  std::uint32_t expiry_interval = 0;      // seconds; 0xFFFFFFFF never
  std::optional<TimePoint> expires_at;    // while offline
  std::optional<protocol::Will> will;     // of the current or last connection
  std::uint32_t will_delay = 0;           // seconds
  std::optional<TimePoint> will_due_at;   // a delayed will waiting to be sent
  protocol::Version version = protocol::Version::kV311;
  bool ended = false;                     // removed; late mail is discarded
  storage::WriteBatch journal;            // store writes not yet submitted
  bool journal_must_be_durable = false;
  session::DropReport drops;              // messages dropped, for the log (Shard::note_dropped)

  void set_online(bool online) { online_.store(online, std::memory_order_relaxed); }

 private:
  using Mail = std::variant<session::Delivery, Task>;
  void schedule_drain_locked();
  void drain();

  const std::string client_id_;
  mutable std::mutex mailbox_mutex_;
  // FIFO: mail at [mailbox_head_, size). A vector (no allocation until the
  // first mail, unlike std::deque), emptied and trimmed after each drain.
  std::vector<Mail> mailbox_;
  std::size_t mailbox_head_ = 0;
  Shard* owner_;
  bool drain_scheduled_ = false;
  std::atomic<bool> online_{false};
  std::mutex store_mutex_;
  std::atomic<bool> persistent_{false};
};

using SessionPtr = std::shared_ptr<Session>;

}  // namespace starling
