#pragma once
// Turns a RocksDB status into a storage Error with a message saying what the
// store was doing ("cannot open store /var/lib/starling: ...").
#include <rocksdb/status.h>

#include <string_view>

#include "starling/result.hpp"

namespace starling::storage {

// REQUIRES: !status.ok().
Error to_error(const rocksdb::Status& status, std::string_view doing);

}  // namespace starling::storage
