#pragma once
// Records with every field set (and distinct), for round-trip tests, and
// comparisons that print what differs. StoredSession's defaulted == is not
// usable (session::SubscriptionRecord has no ==), hence same_session().
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>

#include "storage/records.hpp"

namespace starling::storage {

protocol::Properties full_properties(std::uint32_t seed);
StoredMessage full_message(MessageId id, std::string topic = "sensors/1/temp");
StoredSession full_session(std::string client_id);
StoredOutbound full_outbound(std::string client_id, MessageId id);

// Readable failure output instead of gtest's byte dumps.
void PrintTo(const StoredMessage& m, std::ostream* os);
void PrintTo(const StoredOutbound& e, std::ostream* os);

testing::AssertionResult same_session(const StoredSession& a, const StoredSession& b);

}  // namespace starling::storage
