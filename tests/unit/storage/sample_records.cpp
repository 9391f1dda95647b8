#include "sample_records.hpp"

#include <utility>

namespace starling::storage {

protocol::Properties full_properties(std::uint32_t seed) {
  protocol::Properties p;
  p.payload_format_indicator = 1;
  p.message_expiry_interval = seed + 3600;
  p.content_type = "application/json";
  p.response_topic = "replies/" + std::to_string(seed);
  p.correlation_data = std::string("\x00\xff\x01 binary", 10);
  p.subscription_identifiers = {seed + 1, 268435455};
  p.session_expiry_interval = 0xFFFFFFFF;
  p.assigned_client_identifier = "auto-" + std::to_string(seed);
  p.server_keep_alive = 60;
  p.authentication_method = "SCRAM-SHA-1";
  p.authentication_data = std::string("\x01\x00\x02", 3);
  p.request_problem_information = 0;
  p.will_delay_interval = 30;
  p.request_response_information = 1;
  p.response_information = "resp";
  p.server_reference = "other:1883";
  p.reason_string = "because";
  p.receive_maximum = 20;
  p.topic_alias_maximum = 10;
  p.topic_alias = 7;
  p.maximum_qos = 1;
  p.retain_available = 1;
  p.user_properties = {{"k", "v"}, {"k", "v2"}, {"", ""}};
  p.maximum_packet_size = 1 << 20;
  p.wildcard_subscription_available = 0;
  p.subscription_identifier_available = 1;
  p.shared_subscription_available = 0;
  return p;
}

StoredMessage full_message(MessageId id, std::string topic) {
  StoredMessage m;
  m.id = id;
  m.topic = std::move(topic);
  m.payload = std::string("payload\0with nul", 16) + std::to_string(id);
  m.qos = 2;
  m.retain = true;
  m.properties = full_properties(static_cast<std::uint32_t>(id));
  m.expires_at_ms = 1'700'000'000'000 + static_cast<std::int64_t>(id);
  m.origin_client_id = "publisher-" + std::to_string(id);
  return m;
}

StoredSession full_session(std::string client_id) {
  StoredSession s;
  s.client_id = std::move(client_id);
  s.expiry_interval = 0xFFFFFFFF;
  s.disconnected_at_ms = -5;  // negative survives too
  s.version = protocol::Version::kV5;
  protocol::Will will;
  will.topic = "wills/" + s.client_id;
  will.payload = "gone";
  will.qos = 1;
  will.retain = true;
  will.properties = full_properties(9);
  s.will = will;
  session::SubscriptionRecord plain{"a/+/b", "", {2, true, true, 2, 42}};
  session::SubscriptionRecord shared{"c/#", "group1", {1, false, false, 1, 0}};
  s.subscriptions = {plain, shared};
  return s;
}

StoredOutbound full_outbound(std::string client_id, MessageId id) {
  StoredOutbound e;
  e.client_id = std::move(client_id);
  e.message_id = id;
  e.qos = 2;
  e.retain = true;
  e.subscription_ids = {1, 2, 268435455};
  e.share_group = "group1";
  e.share_filter = "c/#";
  e.stage = OutboundStage::kAwaitPubcomp;
  e.packet_id = static_cast<std::uint16_t>(id % 65535 + 1);
  return e;
}

void PrintTo(const StoredMessage& m, std::ostream* os) {
  *os << "StoredMessage{id=" << m.id << ", topic=" << m.topic << ", payload size "
      << m.payload.size() << "}";
}

void PrintTo(const StoredOutbound& e, std::ostream* os) {
  *os << "StoredOutbound{" << e.client_id << ", id=" << e.message_id
      << ", stage=" << static_cast<int>(e.stage) << "}";
}

testing::AssertionResult same_session(const StoredSession& a, const StoredSession& b) {
  if (a.client_id != b.client_id) return testing::AssertionFailure() << "client_id differs";
  if (a.expiry_interval != b.expiry_interval)
    return testing::AssertionFailure() << "expiry differs";
  if (a.disconnected_at_ms != b.disconnected_at_ms) {
    return testing::AssertionFailure() << "disconnected_at_ms differs";
  }
  if (a.version != b.version) return testing::AssertionFailure() << "version differs";
  if (a.will != b.will) return testing::AssertionFailure() << "will differs";
  if (a.subscriptions.size() != b.subscriptions.size()) {
    return testing::AssertionFailure() << "subscription count differs";
  }
  for (std::size_t i = 0; i < a.subscriptions.size(); ++i) {
    const auto& x = a.subscriptions[i];
    const auto& y = b.subscriptions[i];
    if (x.filter != y.filter || x.share_group != y.share_group || !(x.options == y.options)) {
      return testing::AssertionFailure() << "subscription " << i << " differs";
    }
  }
  return testing::AssertionSuccess();
}

}  // namespace starling::storage
