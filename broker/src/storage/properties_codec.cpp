#include "storage/properties_codec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace starling::storage {
namespace {

// The one list of optional fields, shared by the writer and the reader so the
// two cannot disagree. Appending is the only compatible change: a field's
// position is its bit in the presence bitmap.
template <typename P, typename F>
void for_each_optional_property(P& p, F&& f) {
  f(p.payload_format_indicator);
  f(p.message_expiry_interval);
  f(p.content_type);
  f(p.response_topic);
  f(p.correlation_data);
  f(p.session_expiry_interval);
  f(p.assigned_client_identifier);
  f(p.server_keep_alive);
  f(p.authentication_method);
  f(p.authentication_data);
  f(p.request_problem_information);
  f(p.will_delay_interval);
  f(p.request_response_information);
  f(p.response_information);
  f(p.server_reference);
  f(p.reason_string);
  f(p.receive_maximum);
  f(p.topic_alias_maximum);
  f(p.topic_alias);
  f(p.maximum_qos);
  f(p.retain_available);
  f(p.maximum_packet_size);
  f(p.wildcard_subscription_available);
  f(p.subscription_identifier_available);
  f(p.shared_subscription_available);
}

constexpr int kOptionalPropertyCount = 25;
static_assert(kOptionalPropertyCount <= 32, "the presence bitmap is a u32");

void put(ValueWriter& out, std::uint8_t v) {
  out.put_u8(v);
}
void put(ValueWriter& out, std::uint16_t v) {
  out.put_u16(v);
}
void put(ValueWriter& out, std::uint32_t v) {
  out.put_u32(v);
}
void put(ValueWriter& out, const std::string& v) {
  out.put_bytes(v);
}

bool get(ValueReader& in, std::uint8_t& v) {
  return in.get_u8(v);
}
bool get(ValueReader& in, std::uint16_t& v) {
  return in.get_u16(v);
}
bool get(ValueReader& in, std::uint32_t& v) {
  return in.get_u32(v);
}
bool get(ValueReader& in, std::string& v) {
  return in.get_bytes(v);
}

}  // namespace

void write_stored_properties(const protocol::Properties& properties, ValueWriter& out) {
  std::uint32_t present = 0;
  int bit = 0;
  for_each_optional_property(properties, [&](const auto& field) {
    if (field.has_value()) present |= 1U << bit;
    ++bit;
  });
  out.put_u32(present);
  for_each_optional_property(properties, [&](const auto& field) {
    if (field.has_value()) put(out, *field);
  });
  out.put_u32(static_cast<std::uint32_t>(properties.subscription_identifiers.size()));
  for (std::uint32_t id : properties.subscription_identifiers) out.put_u32(id);
  out.put_u32(static_cast<std::uint32_t>(properties.user_properties.size()));
  for (const auto& [name, value] : properties.user_properties) {
    out.put_bytes(name);
    out.put_bytes(value);
  }
}

bool read_stored_properties(ValueReader& in, protocol::Properties& out) {
  std::uint32_t present = 0;
  if (!in.get_u32(present)) return false;
  if (present >> kOptionalPropertyCount != 0) {
    in.fail();  // a bit for a field this version does not know
    return false;
  }
  int bit = 0;
  for_each_optional_property(out, [&](auto& field) {
    if ((present >> bit++ & 1U) == 0) {
      field.reset();
      return;
    }
    typename std::remove_reference_t<decltype(field)>::value_type value{};
    if (get(in, value)) field = std::move(value);
  });
  std::uint32_t count = 0;
  if (!in.get_count(count, 4)) return false;
  out.subscription_identifiers.assign(count, 0);
  for (std::uint32_t& id : out.subscription_identifiers) in.get_u32(id);
  if (!in.get_count(count, 8)) return false;
  out.user_properties.assign(count, {});
  for (auto& [name, value] : out.user_properties) {
    in.get_bytes(name);
    in.get_bytes(value);
  }
  return in.ok();
}

}  // namespace starling::storage
