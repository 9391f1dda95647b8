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

// The write buffer is reused from group to group up to this size.
constexpr std::size_t kKeptBatchBytes = 4 << 20;
// load() reserves for at most this many records per column family up front
// (the estimate counts deleted records too; untouched capacity costs no RSS).
constexpr std::uint64_t kMaxReserve = 1 << 20;

// Translates WriteBatch ops into one rocksdb::WriteBatch. Values are encoded
// into one reused buffer (RocksDB copies them).
class BatchTranslator {
 public:
  BatchTranslator(Database& database, rocksdb::WriteBatch& out, std::string& value)
      : d_(database), out_(out), value_(value) {}

  rocksdb::Status add(const WriteBatch::Op& op) {
    return WriteBatch::visit(op, [this](const auto& o) { return put(o); });
  }

 private:
  rocksdb::Status put(const StoredMessage& m) {
    encode_message(m, value_);
    return out_.Put(d_.messages(), message_key(m.id), value_);
  }
  rocksdb::Status put(const WriteBatch::DeleteMessage& d) {
    return out_.Delete(d_.messages(), message_key(d.id));
  }
  rocksdb::Status put(const StoredSession& s) {
    encode_session(s, value_);
    return out_.Put(d_.sessions(), s.client_id, value_);
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
    encode_outbound(e, value_);
    return out_.Put(d_.outbound(), outbound_key(e.client_id, e.message_id), value_);
  }
  rocksdb::Status put(const WriteBatch::DeleteOutbound& d) {
    return out_.Delete(d_.outbound(), outbound_key(d.client_id, d.message_id));
  }
  rocksdb::Status put(const StoredInboundQos2& e) {
    encode_inbound_qos2(e, value_);
    return out_.Put(d_.inbound_qos2(), inbound_qos2_key(e.client_id, e.packet_id), value_);
  }
  rocksdb::Status put(const WriteBatch::DeleteInboundQos2& d) {
    return out_.Delete(d_.inbound_qos2(), inbound_qos2_key(d.client_id, d.packet_id));
  }
  rocksdb::Status put(const WriteBatch::Retained& r) {
    encode_message(r.message, value_);
    return out_.Put(d_.retained(), r.message.topic, value_);
  }
  rocksdb::Status put(const WriteBatch::DeleteRetained& d) {
    return out_.Delete(d_.retained(), d.topic);
  }

  Database& d_;
  rocksdb::WriteBatch& out_;
  std::string& value_;
};

// Reads one column family, decoding each value and checking it is stored
// under the key it belongs to.
template <typename Record, typename Decode, typename KeyOf>
Status read_family(Database& d, rocksdb::ColumnFamilyHandle* family, const char* name,
                   Decode decode, KeyOf key_of, std::vector<Record>& out) {
  rocksdb::ReadOptions options;
  options.fill_cache = false;  // read once, at start
  // Records are large (a StoredMessage is ~600 bytes before its strings): a
  // million of them should not be moved again at every doubling.
  std::uint64_t estimate = 0;
  if (d.db().GetIntProperty(family, "rocksdb.estimate-num-keys", &estimate)) {
    out.reserve(out.size() +
                static_cast<std::size_t>(std::min<std::uint64_t>(estimate, kMaxReserve)));
  }
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
        writer_(*this, std::chrono::milliseconds(options.batched_flush_ms), last_message_id) {}

  ~Impl() override { writer_.stop(); }  // before database_ closes

  WriterThread& writer() { return writer_; }

  Status write(std::span<const WriteBatch* const> batches, MessageId highest_id,
               bool sync) override {
    if (last_failure_) {
      if (Status recovered = recover(); !recovered.ok()) {
        return Error{last_failure_->code, "store still cannot write after \"" +
                                              last_failure_->message +
                                              "\": " + recovered.error().message};
      }
      last_failure_.reset();
    }
    Database& d = *database_;
    // Reused, so that its buffer does not grow again (and fault in fresh
    // pages) for every group.
    rocksdb::WriteBatch& out = batch_;
    out.Clear();
    BatchTranslator translator(d, out, value_);
    for (const WriteBatch* batch : batches) {
      for (const WriteBatch::Op& op : batch->ops()) {
        rocksdb::Status s = translator.add(op);
        if (!s.ok()) return to_error(s, "store write failed");
      }
    }
    const MessageId max_id = std::max(last_message_id_, highest_id);
    if (max_id > last_message_id_) {
      rocksdb::Status s = out.Put(d.meta(), kLastMessageIdKey, encode_last_message_id(max_id));
      if (!s.ok()) return to_error(s, "store write failed");
    }
    rocksdb::WriteOptions options;
    options.sync = sync;
    rocksdb::Status s = d.db().Write(options, &out);
    if (out.GetDataSize() > kKeptBatchBytes) batch_ = rocksdb::WriteBatch();  // after a burst
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
  rocksdb::WriteBatch batch_;          // the write being built
  std::string value_;                  // the value being encoded
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

const StoreMetrics* RocksDbStore::metrics() const { return &impl_->writer().metrics(); }

Result<std::unique_ptr<Store>> open_rocksdb_store(const std::string& directory,
                                                  std::uint32_t batched_flush_ms) {
  Result<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::open(RocksDbStoreOptions{directory, batched_flush_ms, nullptr});
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(store).value());
}

}  // namespace starling::storage
