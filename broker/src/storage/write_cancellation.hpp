#pragma once
// Write cancellation: drops the ops of a write group (the batches the writer
// thread writes as one atomic write) that cannot change what the store holds
// once the group is applied. On the durable QoS 1 path a message and its
// outbound entry are put, then deleted on PUBACK; under load both reach the
// writer in one group, and neither needs to touch the disk: the message was
// delivered and acknowledged, the broker owes nothing for it.
//
// For a message key or an outbound key K (other keys are left alone):
//  - every op on K before the group's last point delete of K is dropped: the
//    delete masks it, and the group is applied atomically;
//  - that last delete is dropped too when K is known to be absent before the
//    group: its message id is above every message id of every earlier group
//    and of the store as opened (a key is never written with an id above the
//    store's recorded last message id, see key_layout.md).
// Range deletes (delete_session) and every other op are kept, in order.
// Completions are not this class's business: the writer still runs every
// batch's completion after the (remaining) group is written and synced.
//
// Thread-safety: none; the writer thread owns it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/store.hpp"

namespace starling::storage {

class WriteCancellation {
 public:
  // `highest_id`: no message or outbound key with a higher message id is in
  // the store.
  explicit WriteCancellation(MessageId highest_id) : highest_seen_(highest_id) {}

  // Removes the masked ops from `batches`, in place, and returns the highest
  // message id among the group's message, outbound and retained puts,
  // cancelled ones included (0 if none). Call once per group, in group order;
  // every group passed in counts as possibly written, even if its write then
  // fails (so absence is only ever under-, never over-estimated).
  MessageId cancel(std::span<WriteBatch* const> batches);

  // Ops dropped so far.
  std::uint64_t cancelled() const { return cancelled_; }

 private:
  struct OutboundKey {
    std::string_view client_id;
    MessageId message_id;
    bool operator==(const OutboundKey&) const = default;
  };
  struct OutboundKeyHash {
    std::size_t operator()(const OutboundKey& k) const;
  };

  MessageId highest_seen_;
  std::uint64_t cancelled_ = 0;
  // Per group: each deleted key -> position (in group order) of its last
  // delete. Members only to keep their buckets from group to group.
  std::unordered_map<MessageId, std::size_t> message_deletes_;
  std::unordered_map<OutboundKey, std::size_t, OutboundKeyHash> outbound_deletes_;
  std::vector<char> keep_;  // per op of the group: survives
};

}  // namespace starling::storage
