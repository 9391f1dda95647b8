#pragma once
// The RocksDB options of the store, chosen for a broker (the reasons are in
// key_layout.md, "Options").
#include <rocksdb/options.h>

namespace starling::storage {

// `env`: where RocksDB does its I/O; nullptr for rocksdb::Env::Default().
rocksdb::DBOptions make_db_options(rocksdb::Env* env);

// `churning`: the column families whose keys are written and deleted again
// soon (messages, outbound, inbound_qos2), tuned to drop tombstones early.
rocksdb::ColumnFamilyOptions make_column_family_options(bool churning);

}  // namespace starling::storage
