#pragma once
// Presence events: the topics and JSON payloads of the messages the broker
// publishes when a client connects and disconnects (docs/configuration.md,
// "Presence events"). Pure functions; ClientConnection publishes them.
//
//   $SYS/clients/<escaped client id>/connected     retained while connected
//   $SYS/clients/<escaped client id>/disconnected  an event, not retained
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace starling {

// `client_id` as one topic level: '%', '/', '+', '#' and the control
// characters (U+0000-U+001F, U+007F) become %XX (two upper-case hex digits);
// everything else, other UTF-8 included, stays as it is. Reversible: a
// consumer decodes %XX like a URL path segment.
std::string escape_topic_level(std::string_view client_id);

// "$SYS/clients/<escape_topic_level(client_id)>/<event>".
std::string presence_topic(std::string_view client_id, std::string_view event);

struct ConnectedEvent {
  std::string_view client_id;
  const std::optional<std::string>* username = nullptr;  // null or empty optional: none
  std::string_view address;                              // the peer, "127.0.0.1:53211"
  std::uint8_t protocol_level = 4;                       // 3, 4 or 5
  std::uint16_t keep_alive = 0;                          // seconds, as enforced
  bool clean_start = true;
  bool session_present = false;
  std::uint64_t connection = 0;  // the broker's number for this connection
};

struct DisconnectedEvent {
  std::string_view client_id;
  const std::optional<std::string>* username = nullptr;
  std::string_view address;
  std::uint64_t connection = 0;
  // "client_disconnect", "keep_alive_timeout", "session_taken_over",
  // "protocol_error", "server_shutdown", "administrative_action",
  // "connection_lost" or "broker_disconnect".
  std::string_view reason;
  std::optional<std::uint8_t> reason_code;  // the MQTT reason code, when one applies
  std::string_view detail;                  // what went wrong (protocol errors); may be empty
};

// One-line JSON objects; `unix_ms` is the wall-clock time in milliseconds
// since 1970, written as "timestamp": "2026-01-02T03:04:05.678Z".
std::string connected_payload(const ConnectedEvent& event, std::int64_t unix_ms);
std::string disconnected_payload(const DisconnectedEvent& event, std::int64_t unix_ms);

// Milliseconds since 1970 now (the system clock).
std::int64_t unix_now_ms();

}  // namespace starling
