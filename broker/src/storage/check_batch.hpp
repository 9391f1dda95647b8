#pragma once
// What a store refuses before writing: a batch naming a client id that
// contains a NUL byte (it would break the key prefixes of keys.hpp; MQTT
// forbids U+0000 anyway). A refused batch is not applied at all; its
// completion gets kStorageInvalidBatch.
#include "starling/result.hpp"
#include "storage/store.hpp"

namespace starling::storage {

Status check_batch(const WriteBatch& batch);

}  // namespace starling::storage
