#include "storage/rocksdb_database.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "storage/keys.hpp"
#include "storage/rocksdb_options.hpp"
#include "storage/rocksdb_status.hpp"
#include "storage/storage_error.hpp"
#include "storage/value_reader.hpp"
#include "storage/value_writer.hpp"

namespace starling::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kSessions[] = "sessions";
constexpr char kMessages[] = "messages";
constexpr char kOutbound[] = "outbound";
constexpr char kInboundQos2[] = "inbound_qos2";
constexpr char kRetained[] = "retained";
constexpr char kMeta[] = "meta";

std::string marker_value(std::uint32_t version) {
  std::string value = kFormatMarker;
  ValueWriter(value).put_u32(version);
  return value;
}

// What is in `directory`: nothing (create a store), a RocksDB database
// (open it), or something else (refuse).
enum class DirectoryKind { kEmpty, kRocksDb };

Result<DirectoryKind> classify(const fs::path& directory) {
  std::error_code ec;
  fs::file_status status = fs::status(directory, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Error{kStorageIoError,
                 "cannot access store directory " + directory.string() + ": " + ec.message()};
  }
  if (!fs::exists(status)) {
    if (!fs::create_directories(directory, ec) && ec) {
      return Error{kStorageIoError,
                   "cannot create store directory " + directory.string() + ": " + ec.message()};
    }
    return DirectoryKind::kEmpty;
  }
  if (!fs::is_directory(status)) {
    return Error{kStorageNotAStore,
                 "store path " + directory.string() + " exists and is not a directory"};
  }
  if (fs::exists(directory / "CURRENT", ec)) return DirectoryKind::kRocksDb;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    // The root of a dedicated ext4 volume is not empty, but it is not foreign.
    if (it->path().filename() == "lost+found") continue;
    return Error{kStorageNotAStore,
                 "store directory " + directory.string() +
                     " is not empty and holds no RocksDB database (found '" +
                     it->path().filename().string() +
                     "'); refusing to use it: give Starling an empty or new directory"};
  }
  if (ec) {
    return Error{kStorageIoError,
                 "cannot list store directory " + directory.string() + ": " + ec.message()};
  }
  return DirectoryKind::kEmpty;
}

Status check_marker(Database& database, const std::string& directory) {
  std::string value;
  rocksdb::Status s =
      database.db().Get(rocksdb::ReadOptions(), database.meta(), kFormatMarkerKey, &value);
  if (s.IsNotFound()) {
    return Error{kStorageNotAStore, "the RocksDB database in " + directory +
                                        " has no Starling format marker; refusing to use it"};
  }
  if (!s.ok()) return to_error(s, "cannot read the format marker of store " + directory);
  std::string_view prefix(kFormatMarker);
  std::uint32_t version = 0;
  ValueReader in(std::string_view(value).substr(std::min(value.size(), prefix.size())));
  if (!value.starts_with(prefix) || !in.get_u32(version) || !in.at_end() || version == 0) {
    return Error{kStorageNotAStore, "the RocksDB database in " + directory +
                                        " has an unrecognised format marker; refusing to use it"};
  }
  if (version > kStoreFormatVersion) {
    return Error{kStorageNewerFormat,
                 "store " + directory + " has format version " + std::to_string(version) +
                     ", newer than the version " + std::to_string(kStoreFormatVersion) +
                     " this Starling reads; it was written by a newer Starling"};
  }
  return {};
}

}  // namespace

Database::~Database() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    (void)db_->DestroyColumnFamilyHandle(handle);  // only fails for the default CF handle: never
  }
  (void)db_->Close();  // nothing left to report it to; the WAL was synced by the writer
}

std::string encode_last_message_id(MessageId id) {
  std::string value;
  ValueWriter(value).put_u64(id);
  return value;
}

Result<MessageId> Database::read_last_message_id() {
  MessageId last = 0;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, kLastMessageIdKey, &value);
  if (s.ok()) {
    ValueReader in(value);
    if (!in.get_u64(last) || !in.at_end()) {
      return Error{kStorageCorruption, "malformed last message id in the meta column family"};
    }
  } else if (!s.IsNotFound()) {
    return to_error(s, "cannot read the last message id");
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), messages_));
  it->SeekToLast();
  if (it->Valid()) {
    std::optional<MessageId> id = parse_message_key(it->key().ToStringView());
    if (!id) return Error{kStorageCorruption, "malformed key in the messages column family"};
    last = std::max(last, *id);
  }
  if (!it->status().ok()) return to_error(it->status(), "cannot read the messages column family");
  return last;
}

Result<std::unique_ptr<Database>> open_database(const std::string& directory, rocksdb::Env* env) {
  Result<DirectoryKind> kind = classify(directory);
  if (!kind) return kind.error();
  const bool fresh = *kind == DirectoryKind::kEmpty;

  rocksdb::DBOptions db_options = make_db_options(env);
  std::vector<std::string> existing;
  if (!fresh) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, directory, &existing);
    if (!s.ok()) return to_error(s, "cannot open store " + directory);
    if (std::find(existing.begin(), existing.end(), kMeta) == existing.end()) {
      // ListColumnFamilies reads a damaged MANIFEST as "default only"; an
      // open tells corruption from a foreign database.
      rocksdb::DB* probe = nullptr;
      s = rocksdb::DB::OpenForReadOnly(rocksdb::Options(db_options, {}), directory, &probe);
      std::unique_ptr<rocksdb::DB> probed(probe);
      if (!s.ok()) return to_error(s, "cannot open store " + directory);
      return Error{kStorageNotAStore, "store directory " + directory +
                                          " holds a RocksDB database that is not a Starling "
                                          "store (no 'meta' column family); refusing to use it"};
    }
  }

  // RocksDB must open every column family a database has; unknown ones (a
  // later version's) are opened with default options and left alone.
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                    kSessions,
                                    kMessages,
                                    kOutbound,
                                    kInboundQos2,
                                    kRetained,
                                    kMeta};
  for (const std::string& name : existing) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    bool churning = name == kMessages || name == kOutbound || name == kInboundQos2;
    descriptors.emplace_back(name, make_column_family_options(churning));
  }

  std::unique_ptr<Database> database(new Database());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(db_options, directory, descriptors, &database->handles_, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Error{
          kStorageInUse,
          "store " + directory + " is in use by another process or store (" + s.ToString() + ")"};
    }
    return to_error(s, "cannot open store " + directory);
  }
  database->db_.reset(raw);
  database->sessions_ = database->handles_[1];
  database->messages_ = database->handles_[2];
  database->outbound_ = database->handles_[3];
  database->inbound_qos2_ = database->handles_[4];
  database->retained_ = database->handles_[5];
  database->meta_ = database->handles_[6];

  if (fresh) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = raw->Put(sync, database->meta_, kFormatMarkerKey, marker_value(kStoreFormatVersion));
    if (!s.ok()) return to_error(s, "cannot write the format marker of new store " + directory);
  } else if (Status marker = check_marker(*database, directory); !marker.ok()) {
    return marker.error();
  }
  return database;
}

}  // namespace starling::storage
