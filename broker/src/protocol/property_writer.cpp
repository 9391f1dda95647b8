#include <string_view>

#include "protocol/property_codec.hpp"
#include "protocol/wire_writer.hpp"

namespace starling::protocol {
namespace {

// Calls the sink once per property present, in identifier order, so that
// sizing and writing walk the same list.
template <typename Sink>
void visit_properties(const Properties& p, Sink& sink) {
  using P = PropertyId;
  if (p.payload_format_indicator)
    sink.byte(P::kPayloadFormatIndicator, *p.payload_format_indicator);
  if (p.message_expiry_interval) sink.u32(P::kMessageExpiryInterval, *p.message_expiry_interval);
  if (p.content_type) sink.string(P::kContentType, *p.content_type);
  if (p.response_topic) sink.string(P::kResponseTopic, *p.response_topic);
  if (p.correlation_data) sink.string(P::kCorrelationData, *p.correlation_data);
  for (std::uint32_t id : p.subscription_identifiers) sink.varint(P::kSubscriptionIdentifier, id);
  if (p.session_expiry_interval) sink.u32(P::kSessionExpiryInterval, *p.session_expiry_interval);
  if (p.assigned_client_identifier) {
    sink.string(P::kAssignedClientIdentifier, *p.assigned_client_identifier);
  }
  if (p.server_keep_alive) sink.u16(P::kServerKeepAlive, *p.server_keep_alive);
  if (p.authentication_method) sink.string(P::kAuthenticationMethod, *p.authentication_method);
  if (p.authentication_data) sink.string(P::kAuthenticationData, *p.authentication_data);
  if (p.request_problem_information) {
    sink.byte(P::kRequestProblemInformation, *p.request_problem_information);
  }
  if (p.will_delay_interval) sink.u32(P::kWillDelayInterval, *p.will_delay_interval);
  if (p.request_response_information) {
    sink.byte(P::kRequestResponseInformation, *p.request_response_information);
  }
  if (p.response_information) sink.string(P::kResponseInformation, *p.response_information);
  if (p.server_reference) sink.string(P::kServerReference, *p.server_reference);
  if (p.reason_string) sink.string(P::kReasonString, *p.reason_string);
  if (p.receive_maximum) sink.u16(P::kReceiveMaximum, *p.receive_maximum);
  if (p.topic_alias_maximum) sink.u16(P::kTopicAliasMaximum, *p.topic_alias_maximum);
  if (p.topic_alias) sink.u16(P::kTopicAlias, *p.topic_alias);
  if (p.maximum_qos) sink.byte(P::kMaximumQos, *p.maximum_qos);
  if (p.retain_available) sink.byte(P::kRetainAvailable, *p.retain_available);
  for (const auto& [key, value] : p.user_properties) sink.pair(P::kUserProperty, key, value);
  if (p.maximum_packet_size) sink.u32(P::kMaximumPacketSize, *p.maximum_packet_size);
  if (p.wildcard_subscription_available) {
    sink.byte(P::kWildcardSubscriptionAvailable, *p.wildcard_subscription_available);
  }
  if (p.subscription_identifier_available) {
    sink.byte(P::kSubscriptionIdentifierAvailable, *p.subscription_identifier_available);
  }
  if (p.shared_subscription_available) {
    sink.byte(P::kSharedSubscriptionAvailable, *p.shared_subscription_available);
  }
}

// Every identifier is below 128, so it takes one byte.
struct SizeSink {
  std::size_t total = 0;
  void byte(PropertyId, std::uint8_t) { total += 2; }
  void u16(PropertyId, std::uint16_t) { total += 3; }
  void u32(PropertyId, std::uint32_t) { total += 5; }
  void varint(PropertyId, std::uint32_t v) { total += 1 + varint_size(v); }
  void string(PropertyId, std::string_view v) { total += 1 + string_size(v); }
  void pair(PropertyId, std::string_view k, std::string_view v) {
    total += 1 + string_size(k) + string_size(v);
  }
};

struct WriteSink {
  std::string& out;
  void id(PropertyId property) { put_u8(static_cast<std::uint8_t>(property), out); }
  void byte(PropertyId p, std::uint8_t v) {
    id(p);
    put_u8(v, out);
  }
  void u16(PropertyId p, std::uint16_t v) {
    id(p);
    put_u16(v, out);
  }
  void u32(PropertyId p, std::uint32_t v) {
    id(p);
    put_u32(v, out);
  }
  void varint(PropertyId p, std::uint32_t v) {
    id(p);
    put_varint(v, out);
  }
  void string(PropertyId p, std::string_view v) {
    id(p);
    put_string(v, out);
  }
  void pair(PropertyId p, std::string_view k, std::string_view v) {
    id(p);
    put_string(k, out);
    put_string(v, out);
  }
};

}  // namespace

std::size_t properties_size(const Properties& properties) {
  SizeSink sink;
  visit_properties(properties, sink);
  return sink.total;
}

std::size_t property_block_size(const Properties& properties) {
  const std::size_t size = properties_size(properties);
  return varint_size(size) + size;
}

void write_properties(const Properties& properties, std::string& out) {
  put_varint(properties_size(properties), out);
  write_property_list(properties, out);
}

void write_property_list(const Properties& properties, std::string& out) {
  WriteSink sink{out};
  visit_properties(properties, sink);
}

}  // namespace starling::protocol
