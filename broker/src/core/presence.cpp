#include "core/presence.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "util/json_string.hpp"

namespace starling {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_key(std::string& out, std::string_view key) {
  if (out.size() > 1) out += ',';
  append_json_string(out, key);
  out += ':';
}

void append_string(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_json_string(out, value);
}

void append_number(std::string& out, std::string_view key, std::uint64_t value) {
  append_key(out, key);
  out += std::to_string(value);
}

void append_bool(std::string& out, std::string_view key, bool value) {
  append_key(out, key);
  out += value ? "true" : "false";
}

void append_username(std::string& out, const std::optional<std::string>* username) {
  append_key(out, "username");
  if (username != nullptr && username->has_value()) {
    append_json_string(out, **username);
  } else {
    out += "null";
  }
}

std::string iso8601(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];  // room for any int the compiler cannot rule out
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return text;
}

const char* protocol_name(std::uint8_t level) {
  switch (level) {
    case 3:
      return "3.1";
    case 4:
      return "3.1.1";
    default:
      return "5.0";
  }
}

}  // namespace

std::string escape_topic_level(std::string_view client_id) {
  std::string escaped;
  escaped.reserve(client_id.size());
  for (const char c : client_id) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '%' || c == '/' || c == '+' || c == '#' || byte < 0x20 || byte == 0x7F) {
      escaped += '%';
      escaped += kHex[byte >> 4];
      escaped += kHex[byte & 0x0F];
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string presence_topic(std::string_view client_id, std::string_view event) {
  std::string topic = "$SYS/clients/";
  topic += escape_topic_level(client_id);
  topic += '/';
  topic += event;
  return topic;
}

std::string connected_payload(const ConnectedEvent& event, std::int64_t unix_ms) {
  std::string out = "{";
  append_string(out, "event", "connected");
  append_string(out, "client_id", event.client_id);
  append_username(out, event.username);
  append_string(out, "address", event.address);
  append_string(out, "protocol", protocol_name(event.protocol_level));
  append_number(out, "protocol_level", event.protocol_level);
  append_number(out, "keep_alive", event.keep_alive);
  append_bool(out, "clean_start", event.clean_start);
  append_bool(out, "session_present", event.session_present);
  append_number(out, "connection", event.connection);
  append_string(out, "timestamp", iso8601(unix_ms));
  out += '}';
  return out;
}

std::string disconnected_payload(const DisconnectedEvent& event, std::int64_t unix_ms) {
  std::string out = "{";
  append_string(out, "event", "disconnected");
  append_string(out, "client_id", event.client_id);
  append_username(out, event.username);
  append_string(out, "address", event.address);
  append_number(out, "connection", event.connection);
  append_string(out, "reason", event.reason);
  if (event.reason_code) append_number(out, "reason_code", *event.reason_code);
  if (!event.detail.empty()) append_string(out, "detail", event.detail);
  append_string(out, "timestamp", iso8601(unix_ms));
  out += '}';
  return out;
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace starling
