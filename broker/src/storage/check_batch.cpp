#include "storage/check_batch.hpp"

#include <string>
#include <string_view>
#include <type_traits>

#include "storage/storage_error.hpp"

namespace starling::storage {
namespace {

// The client id an op's keys are built from, if any.
template <typename T>
std::string_view client_id_of(const T& op) {
  if constexpr (std::is_same_v<T, StoredMessage> || std::is_same_v<T, WriteBatch::DeleteMessage> ||
                std::is_same_v<T, WriteBatch::Retained> ||
                std::is_same_v<T, WriteBatch::DeleteRetained>) {
    return {};
  } else {
    return op.client_id;
  }
}

}  // namespace

Status check_batch(const WriteBatch& batch) {
  for (const auto& op : batch.ops()) {
    std::string_view client_id =
        WriteBatch::visit(op, [](const auto& o) { return client_id_of(o); });
    if (client_id.find('\0') != std::string_view::npos) {
      return Error{kStorageInvalidBatch, "refused batch: client id contains a NUL byte"};
    }
  }
  return {};
}

}  // namespace starling::storage
