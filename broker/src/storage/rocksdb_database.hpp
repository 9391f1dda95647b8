#pragma once
// An open RocksDB database holding a Starling store: the DB and the handles
// of its column families (key_layout.md). open_database() creates the store
// in an empty or absent directory and otherwise refuses, with a clear
// message, anything that is not a Starling store of a format it reads.
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "starling/result.hpp"
#include "storage/records.hpp"

namespace starling::storage {

inline constexpr char kFormatMarkerKey[] = "format";
inline constexpr char kFormatMarker[] = "starling-store";
inline constexpr std::uint32_t kStoreFormatVersion = 1;
inline constexpr char kLastMessageIdKey[] = "last_message_id";

class Database {
 public:
  ~Database();  // destroys the handles, then closes the DB
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* sessions() const { return sessions_; }
  rocksdb::ColumnFamilyHandle* messages() const { return messages_; }
  rocksdb::ColumnFamilyHandle* outbound() const { return outbound_; }
  rocksdb::ColumnFamilyHandle* inbound_qos2() const { return inbound_qos2_; }
  rocksdb::ColumnFamilyHandle* retained() const { return retained_; }
  rocksdb::ColumnFamilyHandle* meta() const { return meta_; }

  // The highest message id ever written: max(meta record, last messages key).
  Result<MessageId> read_last_message_id();

 private:
  friend Result<std::unique_ptr<Database>> open_database(const std::string&, rocksdb::Env*);
  Database() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // all opened; owned
  rocksdb::ColumnFamilyHandle* sessions_ = nullptr;
  rocksdb::ColumnFamilyHandle* messages_ = nullptr;
  rocksdb::ColumnFamilyHandle* outbound_ = nullptr;
  rocksdb::ColumnFamilyHandle* inbound_qos2_ = nullptr;
  rocksdb::ColumnFamilyHandle* retained_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
};

// `env`: nullptr for rocksdb::Env::Default(); tests pass a fault injector.
Result<std::unique_ptr<Database>> open_database(const std::string& directory, rocksdb::Env* env);

// The meta value of kLastMessageIdKey (u64 little-endian).
std::string encode_last_message_id(MessageId id);

}  // namespace starling::storage
