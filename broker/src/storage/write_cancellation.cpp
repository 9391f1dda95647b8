#include "storage/write_cancellation.hpp"

#include <algorithm>
#include <functional>
#include <type_traits>

namespace starling::storage {

std::size_t WriteCancellation::OutboundKeyHash::operator()(const OutboundKey& k) const {
  return std::hash<std::string_view>{}(k.client_id) ^ (k.message_id * 0x9E3779B97F4A7C15ULL);
}

MessageId WriteCancellation::cancel(std::span<WriteBatch* const> batches) {
  // Pass 1: the group's highest id and the last delete of each key.
  message_deletes_.clear();
  outbound_deletes_.clear();
  MessageId group_highest = 0;
  std::size_t position = 0;
  for (const WriteBatch* batch : batches) {
    for (const WriteBatch::Op& op : batch->ops()) {
      WriteBatch::visit(op, [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, StoredMessage>) {
          group_highest = std::max(group_highest, o.id);
        } else if constexpr (std::is_same_v<T, StoredOutbound>) {
          group_highest = std::max(group_highest, o.message_id);
        } else if constexpr (std::is_same_v<T, WriteBatch::Retained>) {
          group_highest = std::max(group_highest, o.message.id);
        } else if constexpr (std::is_same_v<T, WriteBatch::DeleteMessage>) {
          message_deletes_[o.id] = position;
        } else if constexpr (std::is_same_v<T, WriteBatch::DeleteOutbound>) {
          outbound_deletes_[OutboundKey{o.client_id, o.message_id}] = position;
        }
      });
      ++position;
    }
  }
  const MessageId highest_before = highest_seen_;
  highest_seen_ = std::max(highest_seen_, group_highest);
  if (message_deletes_.empty() && outbound_deletes_.empty()) return group_highest;

  // Pass 2: which ops survive. An op on a deleted key survives only after the
  // key's last delete, and that delete only if the key may exist already.
  auto survives = [&](std::size_t at, std::size_t last_delete, MessageId id) {
    return at > last_delete || (at == last_delete && id <= highest_before);
  };
  keep_.assign(position, 1);
  position = 0;
  for (const WriteBatch* batch : batches) {
    for (const WriteBatch::Op& op : batch->ops()) {
      keep_[position] = WriteBatch::visit(op, [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, StoredMessage> ||
                      std::is_same_v<T, WriteBatch::DeleteMessage>) {
          auto it = message_deletes_.find(o.id);
          return it == message_deletes_.end() || survives(position, it->second, o.id);
        } else if constexpr (std::is_same_v<T, StoredOutbound> ||
                             std::is_same_v<T, WriteBatch::DeleteOutbound>) {
          auto it = outbound_deletes_.find(OutboundKey{o.client_id, o.message_id});
          return it == outbound_deletes_.end() || survives(position, it->second, o.message_id);
        } else {
          return true;
        }
      });
      ++position;
    }
  }

  // Pass 3: drop them. (Pass 2 must not move ops: the keys view their strings.)
  position = 0;
  for (WriteBatch* batch : batches) {
    const std::size_t size = batch->size();
    const std::size_t kept = batch->keep_only(std::span<const char>(keep_).subspan(position, size));
    cancelled_ += size - kept;
    position += size;
  }
  return group_highest;
}

}  // namespace starling::storage
