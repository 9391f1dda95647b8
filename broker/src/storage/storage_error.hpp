#pragma once
// Error::code values of storage errors, so callers can tell a full disk from
// a foreign directory without parsing messages.
namespace starling::storage {

enum StorageErrorCode : int {
  kStorageIoError = 1,       // the disk failed a read, write or sync (incl. disk full)
  kStorageCorruption = 2,    // a file or value does not decode
  kStorageNotAStore = 3,     // the directory holds something else
  kStorageNewerFormat = 4,   // written by a newer Starling
  kStorageInUse = 5,         // another process (or store) has it open
  kStorageInvalidBatch = 6,  // a batch the store refuses (see check_batch)
  kStorageClosed = 7,        // the store can no longer write
};

}  // namespace starling::storage
