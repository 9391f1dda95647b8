#include <optional>
#include <utility>

#include "protocol/decode_error.hpp"
#include "protocol/property_codec.hpp"

namespace starling::protocol {
namespace {

// A property value as read off the wire, before it is stored in its field.
struct RawValue {
  std::uint32_t number = 0;
  std::string text;
  std::string text2;  // the value of a user property
};

Status read_value(WireReader& reader, const PropertyInfo& info, RawValue& value) {
  const char* what = info.name.data();  // the table's names are literals
  switch (info.type) {
    case PropertyType::kByte: {
      std::uint8_t byte = 0;
      if (Status s = reader.read_u8(byte, what); !s) return s;
      value.number = byte;
      return {};
    }
    case PropertyType::kTwoByteInteger: {
      std::uint16_t number = 0;
      if (Status s = reader.read_u16(number, what); !s) return s;
      value.number = number;
      return {};
    }
    case PropertyType::kFourByteInteger:
      return reader.read_u32(value.number, what);
    case PropertyType::kVariableByteInteger:
      return reader.read_varint(value.number, what);
    case PropertyType::kUtf8String:
      return reader.read_utf8(value.text, what);
    case PropertyType::kBinaryData:
      return reader.read_binary(value.text, what);
    case PropertyType::kUtf8StringPair:
      if (Status s = reader.read_utf8(value.text, what); !s) return s;
      return reader.read_utf8(value.text2, what);
  }
  return malformed("unknown property type");
}

template <typename T>
Status set_once(std::optional<T>& slot, T value, const PropertyInfo& info) {
  if (slot.has_value()) return protocol_error("duplicate " + std::string(info.name));
  slot = std::move(value);
  return {};
}

template <typename T>
Status set_nonzero(std::optional<T>& slot, std::uint32_t value, const PropertyInfo& info) {
  if (value == 0) return protocol_error(std::string(info.name) + " of 0");
  return set_once(slot, static_cast<T>(value), info);
}

Status set_boolean(std::optional<std::uint8_t>& slot, std::uint32_t value,
                   const PropertyInfo& info) {
  if (value > 1) return protocol_error(std::string(info.name) + " other than 0 or 1");
  return set_once(slot, static_cast<std::uint8_t>(value), info);
}

Status add_subscription_identifier(Properties& out, std::uint32_t value, PropertyScope scope,
                                   const PropertyInfo& info) {
  if (value == 0) return protocol_error("subscription identifier of 0");
  // A broker sends one per matching subscription; a SUBSCRIBE carries one.
  if (scope != PropertyScope::kPublish && !out.subscription_identifiers.empty()) {
    return protocol_error("duplicate " + std::string(info.name));
  }
  out.subscription_identifiers.push_back(value);
  return {};
}

Status store(const PropertyInfo& info, RawValue&& value, PropertyScope scope, Properties& out) {
  const std::uint32_t n = value.number;
  switch (info.id) {
    case PropertyId::kPayloadFormatIndicator:
      return set_boolean(out.payload_format_indicator, n, info);
    case PropertyId::kMessageExpiryInterval:
      return set_once(out.message_expiry_interval, n, info);
    case PropertyId::kContentType:
      return set_once(out.content_type, std::move(value.text), info);
    case PropertyId::kResponseTopic:
      return set_once(out.response_topic, std::move(value.text), info);
    case PropertyId::kCorrelationData:
      return set_once(out.correlation_data, std::move(value.text), info);
    case PropertyId::kSubscriptionIdentifier:
      return add_subscription_identifier(out, n, scope, info);
    case PropertyId::kSessionExpiryInterval:
      return set_once(out.session_expiry_interval, n, info);
    case PropertyId::kAssignedClientIdentifier:
      return set_once(out.assigned_client_identifier, std::move(value.text), info);
    case PropertyId::kServerKeepAlive:
      return set_once(out.server_keep_alive, static_cast<std::uint16_t>(n), info);
    case PropertyId::kAuthenticationMethod:
      return set_once(out.authentication_method, std::move(value.text), info);
    case PropertyId::kAuthenticationData:
      return set_once(out.authentication_data, std::move(value.text), info);
    case PropertyId::kRequestProblemInformation:
      return set_boolean(out.request_problem_information, n, info);
    case PropertyId::kWillDelayInterval:
      return set_once(out.will_delay_interval, n, info);
    case PropertyId::kRequestResponseInformation:
      return set_boolean(out.request_response_information, n, info);
    case PropertyId::kResponseInformation:
      return set_once(out.response_information, std::move(value.text), info);
    case PropertyId::kServerReference:
      return set_once(out.server_reference, std::move(value.text), info);
    case PropertyId::kReasonString:
      return set_once(out.reason_string, std::move(value.text), info);
    case PropertyId::kReceiveMaximum:
      return set_nonzero(out.receive_maximum, n, info);
    case PropertyId::kTopicAliasMaximum:
      return set_once(out.topic_alias_maximum, static_cast<std::uint16_t>(n), info);
    case PropertyId::kTopicAlias:  // 0 is the broker's to reject (topic alias rules)
      return set_once(out.topic_alias, static_cast<std::uint16_t>(n), info);
    case PropertyId::kMaximumQos:
      return set_boolean(out.maximum_qos, n, info);
    case PropertyId::kRetainAvailable:
      return set_boolean(out.retain_available, n, info);
    case PropertyId::kUserProperty:
      out.user_properties.emplace_back(std::move(value.text), std::move(value.text2));
      return {};
    case PropertyId::kMaximumPacketSize:
      return set_nonzero(out.maximum_packet_size, n, info);
    case PropertyId::kWildcardSubscriptionAvailable:
      return set_boolean(out.wildcard_subscription_available, n, info);
    case PropertyId::kSubscriptionIdentifierAvailable:
      return set_boolean(out.subscription_identifier_available, n, info);
    case PropertyId::kSharedSubscriptionAvailable:
      return set_boolean(out.shared_subscription_available, n, info);
  }
  return malformed("unknown property");
}

}  // namespace

Status read_properties(WireReader& reader, PropertyScope scope, Properties& out) {
  std::uint32_t length = 0;
  if (Status s = reader.read_varint(length, "property length"); !s) return s;
  WireReader block(std::span<const std::uint8_t>{});
  if (Status s = reader.take(length, block, "property length"); !s) return s;
  while (!block.empty()) {
    std::uint32_t id = 0;
    if (Status s = block.read_varint(id, "property identifier"); !s) return s;
    const PropertyInfo* info = find_property(id);
    if (info == nullptr) return malformed("unknown property identifier " + std::to_string(id));
    if (!allowed_in(*info, scope)) {
      return malformed(std::string(info->name) + " is not allowed in this packet");
    }
    RawValue value;
    if (Status s = read_value(block, *info, value); !s) return s;
    if (Status s = store(*info, std::move(value), scope, out); !s) return s;
  }
  return {};
}

}  // namespace starling::protocol
