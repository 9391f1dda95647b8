#include "storage/rocksdb_store.hpp"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "storage/batch_sink.hpp"
#include "storage/keys.hpp"
#include "storage/record_codec.hpp"
#include "storage/rocksdb_database.hpp"
#include "storage/rocksdb_status.hpp"
#include "storage/storage_error.hpp"
#include "storage/writer_thread.hpp"

namespace starling::storage {
namespace {

// Translates WriteBatch ops into one rocksdb::WriteBatch.
class BatchTranslator {
 public:
  BatchTranslator(Database& database, rocksdb::WriteBatch& out, MessageId& max_id)
      : d_(database), out_(out), max_id_(max_id) {}

  rocksdb::Status add(const WriteBatch::Op& op) {
    return std::visit([this](const auto& o) { return put(o); }, op);
  }

 private:
  rocksdb::Status put(const StoredMessage& m) {
    max_id_ = std::max(max_id_, m.id);
    return out_.Put(d_.messages(), message_key(m.id), encode_message(m));
  }
  rocksdb::Status put(const WriteBatch::DeleteMessage& d) {
    return out_.Delete(d_.messages(), message_key(d.id));
  }
  rocksdb::Status put(const StoredSession& s) {
    return out_.Put(d_.sessions(), s.client_id, encode_session(s));
  }
  rocksdb::Status put(const WriteBatch::DeleteSession& d) {
    rocksdb::Status s = out_.Delete(d_.sessions(), d.client_id);
    const std::string begin = client_prefix(d.client_id);
    const std::string end = client_prefix_end(d.client_id);
    if (s.ok()) s = out_.DeleteRange(d_.outbound(), begin, end);
    if (s.ok()) s = out_.DeleteRange(d_.inbound_qos2(), begin, end);
    return s;
  }
  rocksdb::Status put(const StoredOutbound& e) {
    return out_.Put(d_.outbound(), outbound_key(e.client_id, e.message_id), encode_outbound(e));
  }
  rocksdb::Status put(const WriteBatch::DeleteOutbound& d) {
    return out_.Delete(d_.outbound(), outbound_key(d.client_id, d.message_id));
  }
  rocksdb::Status put(const StoredInboundQos2& e) {
    return out_.Put(d_.inbound_qos2(), inbound_qos2_key(e.client_id, e.packet_id),
                    encode_inbound_qos2(e));
  }
  rocksdb::Status put(const WriteBatch::DeleteInboundQos2& d) {
    return out_.Delete(d_.inbound_qos2(), inbound_qos2_key(d.client_id, d.packet_id));
  }
  rocksdb::Status put(const WriteBatch::Retained& r) {
    max_id_ = std::max(max_id_, r.message.id);
    return out_.Put(d_.retained(), r.message.topic, encode_message(r.message));
  }
  rocksdb::Status put(const WriteBatch::DeleteRetained& d) {
    return out_.Delete(d_.retained(), d.topic);
  }

  Database& d_;
  rocksdb::WriteBatch& out_;
  MessageId& max_id_;
};

// Reads one column family, decoding each value and checking it is stored
// under the key it belongs to.
template <typename Record, typename Decode, typename KeyOf>
Status read_family(Database& d, rocksdb::ColumnFamilyHandle* family, const char* name,
                   Decode decode, KeyOf key_of, std::vector<Record>& out) {
  rocksdb::ReadOptions options;
  options.fill_cache = false;  // read once, at start
  std::unique_ptr<rocksdb::Iterator> it(d.db().NewIterator(options, family));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<Record> record = decode(it->value().ToStringView());
    if (!record) {
      return Error{kStorageCorruption, "cannot load the " + std::string(name) +
                                           " column family: " + record.error().message};
    }
    if (key_of(*record) != it->key().ToStringView()) {
      return Error{kStorageCorruption, "cannot load the " + std::string(name) +
                                           " column family: a record is "
                                           "stored under a key that is not its own"};
    }
    out.push_back(std::move(record).value());
  }
  if (!it->status().ok()) {
    return to_error(it->status(), "cannot load the " + std::string(name) + " column family");
  }
  return {};
}

}  // namespace

class RocksDbStore::Impl final : public BatchSink {
 public:
  Impl(const RocksDbStoreOptions& options, std::unique_ptr<Database> database,
       MessageId last_message_id)
      : directory_(options.directory),
        env_(options.env),
        database_(std::move(database)),
        last_message_id_(last_message_id),
        writer_(*this, std::chrono::milliseconds(options.batched_flush_ms)) {}

  ~Impl() override { writer_.stop(); }  // before database_ closes

  WriterThread& writer() { return writer_; }

  Status write(std::span<const WriteBatch* const> batches, bool sync) override {
    if (last_failure_) {
      if (Status recovered = recover(); !recovered.ok()) {
        return Error{last_failure_->code, "store still cannot write after \"" +
                                              last_failure_->message +
                                              "\": " + recovered.error().message};
      }
      last_failure_.reset();
    }
    Database& d = *database_;
    rocksdb::WriteBatch out;
    MessageId max_id = last_message_id_;
    BatchTranslator translator(d, out, max_id);
    for (const WriteBatch* batch : batches) {
      for (const WriteBatch::Op& op : batch->ops()) {
        rocksdb::Status s = translator.add(op);
        if (!s.ok()) return to_error(s, "store write failed");
      }
    }
    if (max_id > last_message_id_) {
      rocksdb::Status s = out.Put(d.meta(), kLastMessageIdKey, encode_last_message_id(max_id));
      if (!s.ok()) return to_error(s, "store write failed");
    }
    rocksdb::WriteOptions options;
    options.sync = sync;
    rocksdb::Status s = d.db().Write(options, &out);
    if (!s.ok()) {
      last_failure_ = to_error(s, "store write failed");
      return *last_failure_;
    }
    last_message_id_ = max_id;
    return {};
  }

  Status sync() override {
    if (!database_) return Error{kStorageClosed, "store sync failed: the database is closed"};
    rocksdb::Status s = database_->db().FlushWAL(/*sync=*/true);
    if (!s.ok()) return to_error(s, "store sync failed");
    return {};
  }

  Result<Snapshot> load() {
    std::lock_guard lock(database_mutex_);
    if (!database_) {
      return Error{kStorageClosed, "cannot load: the store closed after a write error"};
    }
    Database& d = *database_;
    Snapshot snap;
    Status s = read_family(
        d, d.sessions(), "sessions", decode_session,
        [](const StoredSession& r) { return r.client_id; }, snap.sessions);
    if (s.ok()) {
      s = read_family(
          d, d.messages(), "messages", decode_message,
          [](const StoredMessage& r) { return message_key(r.id); }, snap.messages);
    }
    if (s.ok()) {
      s = read_family(
          d, d.outbound(), "outbound", decode_outbound,
          [](const StoredOutbound& r) { return outbound_key(r.client_id, r.message_id); },
          snap.outbound);
    }
    if (s.ok()) {
      s = read_family(
          d, d.inbound_qos2(), "inbound_qos2", decode_inbound_qos2,
          [](const StoredInboundQos2& r) { return inbound_qos2_key(r.client_id, r.packet_id); },
          snap.inbound_qos2);
    }
    if (s.ok()) {
      s = read_family(
          d, d.retained(), "retained", decode_message,
          [](const StoredMessage& r) { return r.topic; }, snap.retained);
    }
    if (!s.ok()) return s.error();
    Result<MessageId> last = d.read_last_message_id();
    if (!last) return last.error();
    snap.last_message_id = *last;
    for (const StoredMessage& m : snap.retained) {
      snap.last_message_id = std::max(snap.last_message_id, m.id);
    }
    return snap;
  }

 private:
  // Gets writes going again after a failed one: RocksDB may have stopped
  // writing (a "hard" error such as a full disk, cleared by Resume) or, when
  // a resume failed too, stopped for good; then the database is closed and
  // opened again, which replays the WAL. Both succeed once the cause is gone.
  Status recover() {
    if (database_ && database_->db().Resume().ok()) return {};
    std::lock_guard lock(database_mutex_);
    database_.reset();
    Result<std::unique_ptr<Database>> reopened = open_database(directory_, env_);
    if (!reopened) return reopened.error();
    database_ = std::move(reopened).value();
    return {};
  }

  const std::string directory_;
  rocksdb::Env* const env_;
  // Replaced only by recover(), on the writer thread; null after a failed
  // reopen. load() reads it under database_mutex_.
  std::mutex database_mutex_;
  std::unique_ptr<Database> database_;
  // Writer thread only (after construction).
  MessageId last_message_id_;
  std::optional<Error> last_failure_;  // from a failed write until a write succeeds
  WriterThread writer_;                // last: its thread may call write() as soon as it runs
};

Result<std::unique_ptr<RocksDbStore>> RocksDbStore::open(const RocksDbStoreOptions& options) {
  Result<std::unique_ptr<Database>> database = open_database(options.directory, options.env);
  if (!database) return database.error();
  Result<MessageId> last = (*database)->read_last_message_id();
  if (!last) return last.error();
  auto impl = std::make_unique<Impl>(options, std::move(database).value(), *last);
  return std::unique_ptr<RocksDbStore>(new RocksDbStore(std::move(impl)));
}

RocksDbStore::RocksDbStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksDbStore::~RocksDbStore() = default;

void RocksDbStore::submit(WriteBatch batch, bool durable, Completion done) {
  impl_->writer().submit(std::move(batch), durable, std::move(done));
}

Status RocksDbStore::flush() {
  return impl_->writer().flush();
}

Result<Snapshot> RocksDbStore::load() {
  return impl_->load();
}

std::uint64_t RocksDbStore::sync_count() const {
  return impl_->writer().sync_count();
}

Result<std::unique_ptr<Store>> open_rocksdb_store(const std::string& directory,
                                                  std::uint32_t batched_flush_ms) {
  Result<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::open(RocksDbStoreOptions{directory, batched_flush_ms, nullptr});
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(store).value());
}

}  // namespace starling::storage
