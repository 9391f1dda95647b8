#include "storage/record_codec.hpp"

#include <utility>

#include "storage/properties_codec.hpp"
#include "storage/storage_error.hpp"
#include "storage/value_reader.hpp"
#include "storage/value_writer.hpp"

namespace starling::storage {
namespace {

// Opens a value: reads and checks the version byte.
bool open_value(ValueReader& in) {
  std::uint8_t version = 0;
  if (!in.get_u8(version)) return false;
  if (version == 0 || version > kValueFormatVersion) in.fail();
  return in.ok();
}

// Closes a value: everything must have been consumed.
template <typename T>
Result<T> finish(ValueReader& in, T record, const char* what) {
  if (!in.ok() || !in.at_end()) {
    return Error{kStorageCorruption, std::string("malformed stored ") + what};
  }
  return record;
}

bool get_qos(ValueReader& in, std::uint8_t& qos) {
  if (in.get_u8(qos) && qos > 2) in.fail();
  return in.ok();
}

void put_optional_i64(ValueWriter& out, const std::optional<std::int64_t>& v) {
  out.put_bool(v.has_value());
  if (v) out.put_i64(*v);
}

void get_optional_i64(ValueReader& in, std::optional<std::int64_t>& v) {
  bool present = false;
  std::int64_t value = 0;
  if (in.get_bool(present) && present && in.get_i64(value)) v = value;
}

void put_will(ValueWriter& out, const protocol::Will& will) {
  out.put_bytes(will.topic);
  out.put_bytes(will.payload);
  out.put_u8(will.qos);
  out.put_bool(will.retain);
  write_stored_properties(will.properties, out);
}

void get_will(ValueReader& in, protocol::Will& will) {
  in.get_bytes(will.topic);
  in.get_bytes(will.payload);
  get_qos(in, will.qos);
  in.get_bool(will.retain);
  read_stored_properties(in, will.properties);
}

void put_subscription(ValueWriter& out, const session::SubscriptionRecord& s) {
  out.put_bytes(s.filter);
  out.put_bytes(s.share_group);
  out.put_u8(s.options.qos);
  out.put_bool(s.options.no_local);
  out.put_bool(s.options.retain_as_published);
  out.put_u8(s.options.retain_handling);
  out.put_u32(s.options.subscription_id);
}

void get_subscription(ValueReader& in, session::SubscriptionRecord& s) {
  in.get_bytes(s.filter);
  in.get_bytes(s.share_group);
  get_qos(in, s.options.qos);
  in.get_bool(s.options.no_local);
  in.get_bool(s.options.retain_as_published);
  if (in.get_u8(s.options.retain_handling) && s.options.retain_handling > 2) in.fail();
  in.get_u32(s.options.subscription_id);
}

// The smallest encoded subscription: two empty strings and the options.
constexpr std::size_t kMinSubscriptionSize = 4 + 4 + 1 + 1 + 1 + 1 + 4;

}  // namespace

std::string encode_message(const StoredMessage& m) {
  std::string value;
  encode_message(m, value);
  return value;
}

void encode_message(const StoredMessage& m, std::string& value) {
  value.clear();
  ValueWriter out(value);
  out.put_u8(kValueFormatVersion);
  out.put_u64(m.id);
  out.put_bytes(m.topic);
  out.put_bytes(m.payload);
  out.put_u8(m.qos);
  out.put_bool(m.retain);
  write_stored_properties(m.properties, out);
  put_optional_i64(out, m.expires_at_ms);
  out.put_bytes(m.origin_client_id);
}

Result<StoredMessage> decode_message(std::string_view value) {
  ValueReader in(value);
  StoredMessage m;
  if (open_value(in)) {
    in.get_u64(m.id);
    in.get_bytes(m.topic);
    in.get_bytes(m.payload);
    get_qos(in, m.qos);
    in.get_bool(m.retain);
    read_stored_properties(in, m.properties);
    get_optional_i64(in, m.expires_at_ms);
    in.get_bytes(m.origin_client_id);
  }
  return finish(in, std::move(m), "message");
}

std::string encode_session(const StoredSession& s) {
  std::string value;
  encode_session(s, value);
  return value;
}

void encode_session(const StoredSession& s, std::string& value) {
  value.clear();
  ValueWriter out(value);
  out.put_u8(kValueFormatVersion);
  out.put_bytes(s.client_id);
  out.put_u32(s.expiry_interval);
  put_optional_i64(out, s.disconnected_at_ms);
  out.put_u8(static_cast<std::uint8_t>(s.version));
  out.put_bool(s.will.has_value());
  if (s.will) put_will(out, *s.will);
  out.put_u32(static_cast<std::uint32_t>(s.subscriptions.size()));
  for (const auto& sub : s.subscriptions) put_subscription(out, sub);
}

Result<StoredSession> decode_session(std::string_view value) {
  ValueReader in(value);
  StoredSession s;
  if (open_value(in)) {
    in.get_bytes(s.client_id);
    in.get_u32(s.expiry_interval);
    get_optional_i64(in, s.disconnected_at_ms);
    std::uint8_t version = 0;
    if (in.get_u8(version)) {
      if (version < 3 || version > 5) in.fail();
      s.version = static_cast<protocol::Version>(version);
    }
    bool has_will = false;
    if (in.get_bool(has_will) && has_will) get_will(in, s.will.emplace());
    std::uint32_t count = 0;
    if (in.get_count(count, kMinSubscriptionSize)) {
      s.subscriptions.resize(count);
      for (auto& sub : s.subscriptions) get_subscription(in, sub);
    }
  }
  return finish(in, std::move(s), "session");
}

std::string encode_outbound(const StoredOutbound& e) {
  std::string value;
  encode_outbound(e, value);
  return value;
}

void encode_outbound(const StoredOutbound& e, std::string& value) {
  value.clear();
  ValueWriter out(value);
  out.put_u8(kValueFormatVersion);
  out.put_bytes(e.client_id);
  out.put_u64(e.message_id);
  out.put_u8(e.qos);
  out.put_bool(e.retain);
  out.put_u32(static_cast<std::uint32_t>(e.subscription_ids.size()));
  for (std::uint32_t id : e.subscription_ids) out.put_u32(id);
  out.put_bytes(e.share_group);
  out.put_bytes(e.share_filter);
  out.put_u8(static_cast<std::uint8_t>(e.stage));
  out.put_u16(e.packet_id);
}

Result<StoredOutbound> decode_outbound(std::string_view value) {
  ValueReader in(value);
  StoredOutbound e;
  if (open_value(in)) {
    in.get_bytes(e.client_id);
    in.get_u64(e.message_id);
    get_qos(in, e.qos);
    in.get_bool(e.retain);
    std::uint32_t count = 0;
    if (in.get_count(count, 4)) {
      e.subscription_ids.assign(count, 0);
      for (std::uint32_t& id : e.subscription_ids) in.get_u32(id);
    }
    in.get_bytes(e.share_group);
    in.get_bytes(e.share_filter);
    std::uint8_t stage = 0;
    if (in.get_u8(stage)) {
      if (stage > static_cast<std::uint8_t>(OutboundStage::kAwaitPubcomp)) in.fail();
      e.stage = static_cast<OutboundStage>(stage);
    }
    in.get_u16(e.packet_id);
  }
  return finish(in, std::move(e), "outbound entry");
}

std::string encode_inbound_qos2(const StoredInboundQos2& e) {
  std::string value;
  encode_inbound_qos2(e, value);
  return value;
}

void encode_inbound_qos2(const StoredInboundQos2& e, std::string& value) {
  value.clear();
  ValueWriter out(value);
  out.put_u8(kValueFormatVersion);
  out.put_bytes(e.client_id);
  out.put_u16(e.packet_id);
}

Result<StoredInboundQos2> decode_inbound_qos2(std::string_view value) {
  ValueReader in(value);
  StoredInboundQos2 e;
  if (open_value(in)) {
    in.get_bytes(e.client_id);
    in.get_u16(e.packet_id);
  }
  return finish(in, std::move(e), "inbound QoS 2 entry");
}

}  // namespace starling::storage
