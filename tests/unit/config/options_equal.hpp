#pragma once
// Field-by-field comparison of Options for tests (Options has no operator==).
#include <gtest/gtest.h>

#include "starling/options.hpp"

namespace starling::testing {

inline void expect_same_listeners(const std::vector<ListenerOptions>& actual,
                                  const std::vector<ListenerOptions>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    SCOPED_TRACE("listeners[" + std::to_string(i) + "]");
    EXPECT_EQ(actual[i].type, expected[i].type);
    EXPECT_EQ(actual[i].bind, expected[i].bind);
    EXPECT_EQ(actual[i].allow_anonymous, expected[i].allow_anonymous);
    EXPECT_EQ(actual[i].protocol_versions, expected[i].protocol_versions);
    EXPECT_EQ(actual[i].max_connections, expected[i].max_connections);
    EXPECT_EQ(actual[i].mount_point, expected[i].mount_point);
    EXPECT_EQ(actual[i].proxy_protocol, expected[i].proxy_protocol);
    EXPECT_EQ(actual[i].path, expected[i].path);
    EXPECT_EQ(actual[i].cert_file, expected[i].cert_file);
    EXPECT_EQ(actual[i].key_file, expected[i].key_file);
    EXPECT_EQ(actual[i].ca_file, expected[i].ca_file);
    EXPECT_EQ(actual[i].require_client_cert, expected[i].require_client_cert);
    EXPECT_EQ(actual[i].use_identity_as_username, expected[i].use_identity_as_username);
    EXPECT_EQ(actual[i].tls_min_version, expected[i].tls_min_version);
    EXPECT_EQ(actual[i].ciphers, expected[i].ciphers);
  }
}

// Everything except the listeners.
inline void expect_same_settings(const Options& actual, const Options& expected) {
  EXPECT_EQ(actual.data_dir, expected.data_dir);
  EXPECT_EQ(actual.threads, expected.threads);
  EXPECT_EQ(actual.log_level, expected.log_level);
  EXPECT_EQ(actual.log_levels, expected.log_levels);
  EXPECT_EQ(actual.log_format, expected.log_format);
  EXPECT_EQ(actual.sys_interval, expected.sys_interval);
  EXPECT_EQ(actual.presence_events, expected.presence_events);

  const MqttOptions& am = actual.mqtt;
  const MqttOptions& em = expected.mqtt;
  EXPECT_EQ(am.max_keep_alive, em.max_keep_alive);
  EXPECT_EQ(am.topic_alias_maximum, em.topic_alias_maximum);
  EXPECT_EQ(int{am.maximum_qos}, int{em.maximum_qos});
  EXPECT_EQ(am.retain_available, em.retain_available);
  EXPECT_EQ(am.wildcard_subscriptions, em.wildcard_subscriptions);
  EXPECT_EQ(am.shared_subscriptions, em.shared_subscriptions);
  EXPECT_EQ(am.subscription_identifiers, em.subscription_identifiers);
  EXPECT_EQ(am.allow_zero_length_client_id, em.allow_zero_length_client_id);
  EXPECT_EQ(am.queue_qos0_offline, em.queue_qos0_offline);
  EXPECT_EQ(am.max_session_expiry, em.max_session_expiry);

  const LimitOptions& al = actual.limits;
  const LimitOptions& el = expected.limits;
  EXPECT_EQ(al.max_packet_size, el.max_packet_size);
  EXPECT_EQ(al.receive_maximum, el.receive_maximum);
  EXPECT_EQ(al.max_inflight, el.max_inflight);
  EXPECT_EQ(al.max_queued_messages, el.max_queued_messages);
  EXPECT_EQ(al.max_queued_bytes, el.max_queued_bytes);
  EXPECT_EQ(al.connect_timeout_ms, el.connect_timeout_ms);
  EXPECT_EQ(al.queue_full_policy, el.queue_full_policy);
  EXPECT_EQ(al.max_connections, el.max_connections);
  EXPECT_EQ(al.max_connect_rate, el.max_connect_rate);
  EXPECT_EQ(al.publish_rate, el.publish_rate);
  EXPECT_EQ(al.publish_bytes_rate, el.publish_bytes_rate);
  EXPECT_EQ(al.max_topic_length, el.max_topic_length);
  EXPECT_EQ(al.max_topic_levels, el.max_topic_levels);

  EXPECT_EQ(actual.http.enabled, expected.http.enabled);
  EXPECT_EQ(actual.http.bind, expected.http.bind);
  EXPECT_EQ(actual.http.admin_token, expected.http.admin_token);
  EXPECT_EQ(actual.http.max_connections, expected.http.max_connections);
  EXPECT_EQ(actual.http.max_body_size, expected.http.max_body_size);
  EXPECT_EQ(actual.http.request_timeout_ms, expected.http.request_timeout_ms);
}

inline void expect_same_options(const Options& actual, const Options& expected) {
  expect_same_listeners(actual.listeners, expected.listeners);
  expect_same_settings(actual, expected);
}

}  // namespace starling::testing
