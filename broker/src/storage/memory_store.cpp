// MemoryStore: the Store contract with nothing on disk. The same keys as the
// RocksDB store (keys.hpp) order the same maps, so both load identically; the
// same WriterThread runs completions on a writer thread, as the contract says.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "storage/batch_sink.hpp"
#include "storage/keys.hpp"
#include "storage/store.hpp"
#include "storage/writer_thread.hpp"

namespace starling::storage {
namespace {

// One std::map per column family, keyed like the RocksDB column families.
class MemoryTables final : public BatchSink {
 public:
  Status write(std::span<const WriteBatch* const> batches, MessageId highest_id,
               bool /*sync*/) override {
    std::lock_guard lock(mutex_);
    note_id(highest_id);
    for (const WriteBatch* batch : batches) {
      for (const auto& op : batch->ops())
        WriteBatch::visit(op, [this](const auto& o) { apply(o); });
    }
    return {};
  }

  Status sync() override { return {}; }

  Snapshot snapshot() const {
    std::lock_guard lock(mutex_);
    Snapshot s;
    for (const auto& [key, v] : sessions_) s.sessions.push_back(v);
    for (const auto& [key, v] : messages_) s.messages.push_back(v);
    for (const auto& [key, v] : outbound_) s.outbound.push_back(v);
    for (const auto& [key, v] : inbound_qos2_) s.inbound_qos2.push_back(v);
    for (const auto& [key, v] : retained_) s.retained.push_back(v);
    s.last_message_id = last_message_id_;
    return s;
  }

 private:
  template <typename Map>
  static void erase_client(Map& map, const std::string& client_id) {
    map.erase(map.lower_bound(client_prefix(client_id)),
              map.lower_bound(client_prefix_end(client_id)));
  }

  void note_id(MessageId id) { last_message_id_ = std::max(last_message_id_, id); }

  void apply(const StoredMessage& m) { messages_[message_key(m.id)] = m; }
  void apply(const WriteBatch::DeleteMessage& d) { messages_.erase(message_key(d.id)); }
  void apply(const StoredSession& s) { sessions_[s.client_id] = s; }
  void apply(const WriteBatch::DeleteSession& d) {
    sessions_.erase(d.client_id);
    erase_client(outbound_, d.client_id);
    erase_client(inbound_qos2_, d.client_id);
  }
  void apply(const StoredOutbound& e) { outbound_[outbound_key(e.client_id, e.message_id)] = e; }
  void apply(const WriteBatch::DeleteOutbound& d) {
    outbound_.erase(outbound_key(d.client_id, d.message_id));
  }
  void apply(const StoredInboundQos2& e) {
    inbound_qos2_[inbound_qos2_key(e.client_id, e.packet_id)] = e;
  }
  void apply(const WriteBatch::DeleteInboundQos2& d) {
    inbound_qos2_.erase(inbound_qos2_key(d.client_id, d.packet_id));
  }
  void apply(const WriteBatch::Retained& r) { retained_[r.message.topic] = r.message; }
  void apply(const WriteBatch::DeleteRetained& d) { retained_.erase(d.topic); }

  mutable std::mutex mutex_;  // the writer applies while load() may read
  std::map<std::string, StoredSession> sessions_;
  std::map<std::string, StoredMessage> messages_;
  std::map<std::string, StoredOutbound> outbound_;
  std::map<std::string, StoredInboundQos2> inbound_qos2_;
  std::map<std::string, StoredMessage> retained_;
  MessageId last_message_id_ = 0;
};

class MemoryStore final : public Store {
 public:
  MemoryStore() : writer_(tables_, std::chrono::milliseconds(0), 0) {}
  ~MemoryStore() override { writer_.stop(); }

  void submit(WriteBatch batch, bool durable, Completion done) override {
    writer_.submit(std::move(batch), durable, std::move(done));
  }
  Status flush() override { return writer_.flush(); }
  // Unlike the contract requires, also correct after submits (it reads what
  // has been applied so far), which lets tests load at any point.
  Result<Snapshot> load() override { return tables_.snapshot(); }

 private:
  MemoryTables tables_;
  WriterThread writer_;  // after tables_: stops before they go
};

}  // namespace

std::unique_ptr<Store> make_memory_store() {
  return std::make_unique<MemoryStore>();
}

}  // namespace starling::storage
