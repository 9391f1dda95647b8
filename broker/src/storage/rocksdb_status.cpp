#include "storage/rocksdb_status.hpp"

#include <string>

#include "storage/storage_error.hpp"

namespace starling::storage {

Error to_error(const rocksdb::Status& status, std::string_view doing) {
  std::string message(doing);
  int code = kStorageIoError;
  if (status.IsNoSpace()) {
    message += ": disk full (";
  } else if (status.IsCorruption()) {
    code = kStorageCorruption;
    message += ": the store is corrupt (";
  } else if (status.IsIOError()) {
    message += ": I/O error (";
  } else {
    message += ": ";
    return Error{code, message + status.ToString()};
  }
  return Error{code, message + status.ToString() + ")"};
}

}  // namespace starling::storage
