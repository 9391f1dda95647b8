#pragma once
// Where sessions, queued and in-flight messages and retained messages are
// kept (see key_layout.md for the RocksDB layout). Implementations:
// RocksDbStore (durable) and MemoryStore (tests, `storage.durability =
// "memory"`).
//
// Writes are batched: the core fills a WriteBatch per event (a PUBLISH and
// the queue entries it creates, an acknowledgement, a session change) and
// submits it. Submitted batches are applied in submission order. A batch
// submitted with `durable = true` completes only after it (and every batch
// before it) is on stable storage; the store group-commits, so concurrent
// submitters share one fsync.
//
// Thread-safety: every method may be called from any thread. Completion
// callbacks run on the store's writer thread: keep them short (post to an
// executor) and never call back into the store synchronously from them.
// Exceptions never leave the store.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "starling/result.hpp"
#include "storage/records.hpp"

namespace starling::storage {

class WriteBatch {
 public:
  void put_message(StoredMessage message) { ops_.emplace_back(box(std::move(message))); }
  void delete_message(MessageId id) { ops_.emplace_back(DeleteMessage{id}); }
  void put_session(StoredSession session) { ops_.emplace_back(box(std::move(session))); }
  // Deletes the session and every outbound and inbound entry of it.
  void delete_session(std::string client_id) { ops_.emplace_back(DeleteSession{std::move(client_id)}); }
  void put_outbound(StoredOutbound entry) { ops_.emplace_back(std::move(entry)); }
  void delete_outbound(std::string client_id, MessageId id) {
    ops_.emplace_back(DeleteOutbound{std::move(client_id), id});
  }
  void put_inbound_qos2(StoredInboundQos2 entry) { ops_.emplace_back(std::move(entry)); }
  void delete_inbound_qos2(std::string client_id, std::uint16_t packet_id) {
    ops_.emplace_back(DeleteInboundQos2{std::move(client_id), packet_id});
  }
  // Retained messages are stored whole, by topic.
  void put_retained(StoredMessage message) { ops_.emplace_back(box(Retained{std::move(message)})); }
  void delete_retained(std::string topic) { ops_.emplace_back(DeleteRetained{std::move(topic)}); }

  bool empty() const { return ops_.empty(); }
  std::size_t size() const { return ops_.size(); }

  // Keeps the ops whose flag in `keep` (one per op, in order) is non-zero, in
  // order; returns how many. For the writer's write cancellation.
  // REQUIRES: keep.size() == size().
  std::size_t keep_only(std::span<const char> keep) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (keep[i] == 0) continue;
      if (kept != i) ops_[kept] = std::move(ops_[i]);
      ++kept;
    }
    ops_.erase(ops_.begin() + static_cast<std::ptrdiff_t>(kept), ops_.end());
    return kept;
  }

  struct DeleteMessage { MessageId id; };
  struct DeleteSession { std::string client_id; };
  struct DeleteOutbound { std::string client_id; MessageId message_id; };
  struct DeleteInboundQos2 { std::string client_id; std::uint16_t packet_id; };
  struct Retained { StoredMessage message; };
  struct DeleteRetained { std::string topic; };
  // The large records are boxed, so that an op is small (about 150 bytes,
  // not 660) to build, move and keep in a journal; visit() unboxes.
  template <typename T>
  using Box = std::unique_ptr<T>;
  using Op = std::variant<Box<StoredMessage>, DeleteMessage, Box<StoredSession>, DeleteSession,
                          StoredOutbound, DeleteOutbound, StoredInboundQos2, DeleteInboundQos2,
                          Box<Retained>, DeleteRetained>;
  const std::vector<Op>& ops() const { return ops_; }

  // Calls `f` with the op's record, unboxed: a const StoredMessage&,
  // DeleteMessage&, StoredSession&, ... Returns what `f` returns.
  template <typename F>
  static decltype(auto) visit(const Op& op, F&& f) {
    return std::visit([&f](const auto& o) -> decltype(auto) { return f(unbox(o)); }, op);
  }

 private:
  template <typename T>
  static Box<T> box(T record) { return std::make_unique<T>(std::move(record)); }
  template <typename T>
  static const T& unbox(const T& record) { return record; }
  template <typename T>
  static const T& unbox(const Box<T>& record) { return *record; }

  std::vector<Op> ops_;
};

// Everything a store holds, as read back at start.
struct Snapshot {
  std::vector<StoredSession> sessions;
  std::vector<StoredMessage> messages;      // referenced by outbound entries
  std::vector<StoredOutbound> outbound;     // per client, in message id order
  std::vector<StoredInboundQos2> inbound_qos2;
  std::vector<StoredMessage> retained;
  MessageId last_message_id = 0;            // highest id ever stored
};

struct StoreMetrics;

class Store {
 public:
  using Completion = std::function<void(const Status&)>;
  virtual ~Store() = default;

  // Queues `batch`. `done` (may be empty) runs on the writer thread once the
  // batch is applied (and synced, if durable) or failed. After a failure
  // (disk full, I/O error) later batches keep being tried, so the store
  // recovers when space returns.
  virtual void submit(WriteBatch batch, bool durable, Completion done) = 0;

  // Blocks until everything submitted so far is applied. For shutdown and tests.
  virtual Status flush() = 0;

  // Reads everything back. REQUIRES: called before the first submit().
  virtual Result<Snapshot> load() = 0;

  // Write latencies and fsync batch sizes, for metrics; null when the store
  // does not measure them (the memory store). Lives as long as the store.
  virtual const StoreMetrics* metrics() const { return nullptr; }
};

// Opens (creating if absent) the RocksDB store in `directory`. Fails with a
// clear message for a directory that is not a Starling store, a newer
// format version, corruption, or a directory already in use.
// `batched_flush_ms` > 0: non-durable batches are synced at that interval.
Result<std::unique_ptr<Store>> open_rocksdb_store(const std::string& directory,
                                                  std::uint32_t batched_flush_ms);

std::unique_ptr<Store> make_memory_store();

}  // namespace starling::storage
