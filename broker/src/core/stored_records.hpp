#pragma once
// Conversions between the broker's in-memory state and the store's records.
// Times in the store are wall-clock milliseconds; in memory they are steady
// clock time points.
#include <cstdint>
#include <string>

#include "core/message.hpp"
#include "core/session.hpp"
#include "session/delivery.hpp"
#include "storage/records.hpp"

namespace starling {

std::int64_t to_unix_ms(TimePoint at);
TimePoint from_unix_ms(std::int64_t unix_ms);

storage::StoredMessage to_stored(const Message& message);
std::shared_ptr<Message> from_stored(const storage::StoredMessage& stored);

// A queued outbound entry for `delivery` to `client_id`.
storage::StoredOutbound to_stored(const session::Delivery& delivery, const std::string& client_id);

// REQUIRES: the session's owner thread.
storage::StoredSession to_stored(const Session& session);

}  // namespace starling
