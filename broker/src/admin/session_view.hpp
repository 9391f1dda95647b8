#pragma once
// What the admin API and the metrics read of sessions, gathered on each
// session's owner thread (Session::run), never by racing it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/session.hpp"
#include "session/subscription_record.hpp"

namespace starling::admin {

struct SessionView {
  std::string client_id;
  bool ended = false;  // gone by the time its owner thread read it
  bool connected = false;
  int protocol_version = 4;                    // 3, 4 or 5
  std::uint32_t expiry_interval = 0;           // seconds; 0xFFFFFFFF never
  std::optional<std::uint64_t> expires_in_ms;  // while offline with an expiry
  bool has_will = false;
  std::size_t queued = 0;  // waiting to be sent
  std::uint64_t queued_bytes = 0;
  std::size_t inflight = 0;  // sent, not yet acknowledged
  // Of the current connection, when connected.
  std::optional<std::string> username;
  std::string address;
  std::string listener;  // the listener's type and bind
  std::uint16_t keep_alive = 0;
  std::uint64_t connection = 0;  // the connection number in log lines
  std::size_t subscription_count = 0;
  std::vector<session::SubscriptionRecord> subscriptions;  // empty unless asked for
};

// Reads every session in `sessions` on its owner thread, then calls `done`
// once with the views in the same order (on the thread that read the last
// one, or at once for none). Ended sessions come back with `ended` set.
void gather_sessions(std::vector<SessionPtr> sessions, bool with_subscriptions,
                     std::function<void(std::vector<SessionView>)> done);

}  // namespace starling::admin
