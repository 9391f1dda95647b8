// MQTT 5 properties: message expiry, topic aliases, request/response fields,
// user properties, subscription identifiers, Maximum Packet Size, Receive
// Maximum and flow control (4.9), server capabilities in CONNACK, and
// enhanced authentication (4.12).
#include <algorithm>
#include <thread>

#include "statements/common.hpp"

namespace starling::conformance {
namespace {

// A property list for a hand-made PUBLISH.
std::string prop_u16(std::uint8_t id, std::uint16_t value) {
  return std::string(1, static_cast<char>(id)) + u16(value);
}
std::string publish_with_props(std::string_view topic, std::string_view props,
                               std::string_view payload, std::uint8_t first_byte = 0x30,
                               std::uint16_t packet_id = 1) {
  std::string body = str(topic);
  if (first_byte & 0x06) body += u16(packet_id);
  body += varint(static_cast<std::uint32_t>(props.size()));
  body += props;
  body += payload;
  return packet(first_byte, body);
}

Outcome forwards_unaltered(Context& ctx) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, kV5, topic, 1));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  Properties props;
  props.payload_format_indicator = 1;
  props.response_topic = ctx.topic("reply") + "/\xC3\xA9";
  props.correlation_data = std::string("\x00\xFF\x01corr", 7);
  props.content_type = "application/x-cf; charset=utf-8";
  props.user_properties = {{"b", "2"}, {"a", "1"}, {"b", "3"}, {"", ""}, {"k\xC3\xA9", "v"}};
  STARLING_OK(pub.publish(topic, "h\xC3\xA9llo", 1, false, props));
  STARLING_TRY(got, sub.receive_and_ack("the message with properties"));
  const Properties& g = got.properties;
  STARLING_REQUIRE(g.payload_format_indicator == props.payload_format_indicator,
                   "Payload Format Indicator changed");
  STARLING_REQUIRE(g.response_topic == props.response_topic, "Response Topic changed");
  STARLING_REQUIRE(g.correlation_data == props.correlation_data, "Correlation Data changed");
  STARLING_REQUIRE(g.content_type == props.content_type, "Content Type changed");
  STARLING_REQUIRE(g.user_properties == props.user_properties,
                   "User Properties changed, dropped or reordered");
  return Outcome::pass();
}

Outcome expired_not_delivered(Context& ctx) {
  Connect c = persistent_connect(ctx, kV5);
  const std::string topic = ctx.topic();
  STARLING_OK(offline_session(ctx, c, topic, 1));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  Properties expiring;
  expiring.message_expiry_interval = 1;
  STARLING_OK(pub.publish(topic, "expired", 1, false, expiring));
  STARLING_OK(pub.publish(topic, "kept", 1));
  std::this_thread::sleep_for(Millis{2200});
  STARLING_TRY(again, connect(ctx, c));
  STARLING_TRY(got, again.receive_and_ack("the message without expiry"));
  STARLING_REQUIRE(got.payload == "kept",
                   "an expired message was delivered: '" + got.payload + "'");
  STARLING_OK(again.expect_nothing("nothing more"));
  return Outcome::pass();
}

Outcome expiry_adjusted(Context& ctx) {
  Connect c = persistent_connect(ctx, kV5);
  const std::string topic = ctx.topic();
  STARLING_OK(offline_session(ctx, c, topic, 1));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  Properties expiring;
  expiring.message_expiry_interval = 60;
  STARLING_OK(pub.publish(topic, "waiting", 1, false, expiring));
  std::this_thread::sleep_for(Millis{2100});
  STARLING_TRY(again, connect(ctx, c));
  STARLING_TRY(got, again.receive_and_ack("the stored message"));
  STARLING_REQUIRE(got.properties.message_expiry_interval,
                   "the forwarded message lost its Message Expiry Interval");
  STARLING_REQUIRE(*got.properties.message_expiry_interval <= 59,
                   "Message Expiry Interval " +
                       std::to_string(*got.properties.message_expiry_interval) +
                       " after waiting 2 s of 60");
  return Outcome::pass();
}

std::uint16_t topic_alias_maximum(const Client& c) {
  return c.connack().properties.topic_alias_maximum.value_or(0);
}

Outcome alias_accepted(Context& ctx) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, kV5, topic, 0));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  if (topic_alias_maximum(pub) == 0) {
    return Outcome::not_applicable("the broker's Topic Alias Maximum is 0");
  }
  STARLING_OK(pub.send_bytes(publish_with_props(topic, prop_u16(0x23, 1), "set")));
  STARLING_OK(pub.send_bytes(publish_with_props("", prop_u16(0x23, 1), "use")));
  STARLING_TRY(a, sub.receive_publish("the message that set the alias"));
  STARLING_TRY(b, sub.receive_publish("the message sent by alias only"));
  STARLING_REQUIRE(b.topic == topic && b.payload == "use",
                   "aliased message arrived on '" + b.topic + "'");
  return Outcome::pass();
}

Outcome alias_not_carried(Context& ctx) {
  Connect c = persistent_connect(ctx, kV5);
  {
    STARLING_TRY(first, connect(ctx, c));
    if (topic_alias_maximum(first) == 0) {
      return Outcome::not_applicable("the broker's Topic Alias Maximum is 0");
    }
    STARLING_OK(first.send_bytes(publish_with_props(ctx.topic(), prop_u16(0x23, 1), "set")));
    STARLING_OK(first.expect_alive("after setting alias 1"));
    first.disconnect();
  }
  STARLING_TRY(again, connect(ctx, c));
  return expect_closed_after(again, publish_with_props("", prop_u16(0x23, 1), "stale"),
                             "alias from the previous connection", 0x82);
}

Outcome alias_zero(Context& ctx) {
  // The statement binds the sender; the receiver's duty (a protocol error, 0x94
  // per 3.3.2.3.4) is checked as "closed", any error code accepted.
  return expect_closed_after(ctx, kV5, publish_with_props(ctx.topic(), prop_u16(0x23, 0), "zero"),
                             "Topic Alias 0");
}

Outcome server_aliases_bounded(Context& ctx, std::optional<std::uint16_t> maximum) {
  Connect c = make_connect(ctx, kV5, "sub");
  if (maximum) c.properties.topic_alias_maximum = *maximum;
  STARLING_TRY(sub, connect(ctx, c));
  const std::string base = ctx.topic();
  STARLING_OK(sub.subscribe_ok(base + "/#", 0));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 4; ++i) STARLING_OK(pub.publish(base + "/" + std::to_string(i), "a", 0));
  }
  for (int i = 0; i < 8; ++i) {
    STARLING_TRY(got, sub.receive_publish("message " + std::to_string(i)));
    const auto alias = got.properties.topic_alias;
    if (alias) {
      STARLING_REQUIRE(*alias != 0, "the server sent Topic Alias 0");
      STARLING_REQUIRE(*alias <= maximum.value_or(0), "Topic Alias " + std::to_string(*alias) +
                                                          " above the client's maximum " +
                                                          std::to_string(maximum.value_or(0)));
    }
  }
  return Outcome::pass();
}

Outcome subscription_ids(Context& ctx) {
  STARLING_TRY(sub, connect(ctx, kV5, "sub"));
  if (sub.connack().properties.subscription_identifier_available.value_or(1) == 0) {
    return Outcome::not_applicable("Subscription Identifier Available is 0");
  }
  const std::string base = ctx.topic();
  Properties id7, id9;
  id7.subscription_identifiers = {7};
  id9.subscription_identifiers = {300000};
  STARLING_TRY(s1, sub.subscribe(base + "/+", 1, {}, id7));
  STARLING_TRY(s2, sub.subscribe(base + "/#", 1, {}, id9));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  STARLING_OK(pub.publish(base + "/x", "ids", 1));
  std::vector<std::uint32_t> seen;
  int copies = 0;
  for (;;) {
    Incoming in = sub.next(copies == 0 ? ctx.wait() : ctx.quiet());
    if (in.kind == Arrival::kTimeout) break;
    auto* p = in.is_packet() ? std::get_if<Publish>(&in.packet) : nullptr;
    STARLING_REQUIRE(p, "expected PUBLISH, got " + describe(in));
    ++copies;
    STARLING_OK(sub.ack(*p));
    if (copies > 1) {
      STARLING_REQUIRE(p->properties.subscription_identifiers.size() == 1,
                       "with one copy per subscription each copy carries its own identifier");
    }
    seen.insert(seen.end(), p->properties.subscription_identifiers.begin(),
                p->properties.subscription_identifiers.end());
  }
  std::sort(seen.begin(), seen.end());
  STARLING_REQUIRE(seen == std::vector<std::uint32_t>({7, 300000}),
                   "subscription identifiers delivered: " + std::to_string(seen.size()) + " over " +
                       std::to_string(copies) + " copies");
  return Outcome::pass(std::to_string(copies) + " copies");
}

Outcome receive_maximum(Context& ctx, bool others_flow) {
  Connect c = make_connect(ctx, kV5, "sub");
  c.properties.receive_maximum = 2;
  STARLING_TRY(sub, connect(ctx, c));
  const std::string topic = ctx.topic();
  STARLING_OK(sub.subscribe_ok(topic, 1));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  for (int i = 0; i < 5; ++i) STARLING_OK(pub.publish(topic, std::to_string(i), 1));
  STARLING_TRY(m0, sub.receive_publish("message 0"));
  STARLING_TRY(m1, sub.receive_publish("message 1"));
  if (others_flow) {
    // Quota is 0: other packets still flow, and QoS 0 may still be sent.
    STARLING_OK(sub.expect_alive("PINGREQ with a send quota of 0"));
    STARLING_TRY(s, sub.subscribe(ctx.topic("other"), 0));
  } else {
    STARLING_OK(sub.expect_nothing("no third QoS 1 message while two are unacknowledged"));
  }
  STARLING_OK(sub.ack(m0));
  STARLING_TRY(m2, sub.receive_publish("message 2 after one PUBACK"));
  STARLING_REQUIRE(m2.payload == "2", "got '" + m2.payload + "'");
  if (!others_flow) STARLING_OK(sub.expect_nothing("still only two unacknowledged"));
  STARLING_OK(sub.ack(m1));
  STARLING_OK(sub.ack(m2));
  STARLING_TRY(m3, sub.receive_and_ack("message 3"));
  STARLING_TRY(m4, sub.receive_and_ack("message 4"));
  return Outcome::pass();
}

Outcome max_packet_size(Context& ctx) {
  Connect c = make_connect(ctx, kV5, "sub");
  c.properties.maximum_packet_size = 128;
  STARLING_TRY(sub, connect(ctx, c));
  const std::string topic = ctx.topic();
  STARLING_OK(sub.subscribe_ok(topic, 1));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  STARLING_OK(pub.publish(topic, std::string(300, 'L'), 1));
  STARLING_OK(pub.publish(topic, "small", 1));
  Incoming in = sub.next();
  STARLING_REQUIRE(in.raw.size() <= 128, "received a " + std::to_string(in.raw.size()) +
                                             "-byte packet; Maximum Packet Size is 128");
  auto* p = in.is_packet() ? std::get_if<Publish>(&in.packet) : nullptr;
  STARLING_REQUIRE(
      p && p->payload == "small",
      "expected the small message after the large one was dropped, got " + describe(in));
  STARLING_OK(sub.ack(*p));
  return Outcome::pass();
}

Outcome problem_information_off(Context& ctx) {
  Connect c = make_connect(ctx, kV5);
  c.properties.request_problem_information = 0;
  STARLING_TRY(client, connect(ctx, c));
  STARLING_TRY(u, client.unsubscribe({ctx.topic("never")}));
  STARLING_REQUIRE(!u.properties.reason_string && u.properties.user_properties.empty(),
                   "UNSUBACK carries a Reason String or User Property");
  STARLING_OK(client.send_bytes(subscribe_bytes(kV5, 3, ctx.topic() + "/#/bad", 1)));
  Incoming in = client.next();
  if (auto* s = in.is_packet() ? std::get_if<protocol::Suback>(&in.packet) : nullptr) {
    STARLING_REQUIRE(!s->properties.reason_string && s->properties.user_properties.empty(),
                     "SUBACK carries a Reason String or User Property");
  }
  return Outcome::pass();
}

Outcome maximum_qos(Context& ctx, int which) {
  STARLING_TRY(c, connect(ctx, kV5));
  const auto max = c.connack().properties.maximum_qos;
  const std::string topic = ctx.topic();
  switch (which) {
    case 9:  // CONNACK states Maximum QoS when QoS 2 is unsupported
      if (!max) {
        STARLING_OK(c.publish(topic, "q2", 2));
        return Outcome::pass("no Maximum QoS: QoS 2 works");
      }
      STARLING_REQUIRE(*max <= 1, "Maximum QoS " + std::to_string(*max));
      return Outcome::pass("Maximum QoS " + std::to_string(*max));
    case 10: {  // SUBSCRIBE at QoS 2 is accepted regardless
      STARLING_TRY(s, c.subscribe(topic, 2));
      STARLING_REQUIRE(!protocol::is_failure(s.reasons.at(0)),
                       "SUBSCRIBE QoS 2 refused: " + reason_hex(s.reasons.at(0)));
      STARLING_REQUIRE(static_cast<std::uint8_t>(s.reasons[0]) <= max.value_or(2),
                       "granted above Maximum QoS");
      return Outcome::pass();
    }
    default: {  // 12: PUBLISH above Maximum QoS
      if (!max || *max == 2) return Outcome::not_applicable("the broker supports QoS 2");
      return expect_closed_after(c, publish_bytes(kV5, 0x34, topic, "x"), "QoS 2 PUBLISH", 0x9B);
    }
  }
}

Outcome retain_unavailable(Context& ctx) {
  STARLING_TRY(c, connect(ctx, kV5));
  if (c.connack().properties.retain_available.value_or(1) != 0) {
    return Outcome::not_applicable("the broker supports retained messages");
  }
  return expect_closed_after(c, publish_bytes(kV5, 0x31, ctx.topic(), "x"), "RETAIN 1", 0x9A);
}

Outcome unknown_auth_method(Context& ctx) {
  std::string props = std::string(1, '\x15') + str("cf-unknown-" + ctx.run_id());
  STARLING_TRY(client,
               open_raw(ctx, kV5, connect_bytes(kV5, kCleanFlag, str(ctx.client_id()), props)));
  STARLING_TRY(info, client.expect_close("unknown Authentication Method"));
  if (info.connack_reason) {
    STARLING_REQUIRE(*info.connack_reason == ReasonCode::kBadAuthenticationMethod ||
                         *info.connack_reason == ReasonCode::kNotAuthorized,
                     "CONNACK " + reason_hex(*info.connack_reason));
  }
  return Outcome::pass(info.summary());
}

Outcome no_auth_without_method(Context& ctx) {
  STARLING_TRY(c, connect(ctx, kV5));
  STARLING_REQUIRE(
      !c.connack().properties.authentication_method && !c.connack().properties.authentication_data,
      "CONNACK carries authentication properties");
  STARLING_OK(c.expect_nothing("no AUTH"));
  return Outcome::pass();
}

Outcome response_topic_invalid(Context& ctx, std::string_view value, std::uint8_t id) {
  std::string props = std::string(1, static_cast<char>(id)) + str(value);
  return expect_closed_after(ctx, kV5, publish_with_props(ctx.topic(), props, "x"),
                             "invalid property string");
}

// The statement binds the PUBLISH's sender. A server may treat a violation as
// a protocol error (close) or pass the value on; it must not alter it.
Outcome response_topic_wildcard(Context& ctx) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, kV5, topic, 0));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  std::string props = std::string(1, '\x08') + str("reply/#");
  STARLING_OK(pub.send_bytes(publish_with_props(topic, props, "x")));
  Incoming in = sub.next();
  if (in.kind == Arrival::kTimeout) {
    STARLING_TRY(info, pub.expect_close("a Response Topic with '#'"));
    return Outcome::pass("refused as a protocol error");
  }
  auto* p = in.is_packet() ? std::get_if<Publish>(&in.packet) : nullptr;
  STARLING_REQUIRE(p, "expected PUBLISH or a refusal, got " + describe(in));
  STARLING_REQUIRE(p->properties.response_topic == "reply/#", "Response Topic altered");
  return Outcome::pass("accepted and forwarded unaltered (allowed)");
}

}  // namespace

void register_v5_properties(Registry& r) {
  auto add = [&](const char* id, const char* text, auto fn) {
    r.add(kV5, id, text, [fn](Context& ctx) { return fn(ctx); });
  };
  add("MQTT-3.3.2-4", "Payload Format Indicator is forwarded unaltered", forwards_unaltered);
  add("MQTT-3.3.2-15", "Response Topic is forwarded unaltered", forwards_unaltered);
  add("MQTT-3.3.2-16", "Correlation Data is forwarded unaltered", forwards_unaltered);
  add("MQTT-3.3.2-17", "all User Properties are forwarded", forwards_unaltered);
  add("MQTT-3.3.2-18", "User Properties keep their order", forwards_unaltered);
  add("MQTT-3.3.2-20", "Content Type is forwarded unaltered", forwards_unaltered);
  add("MQTT-3.3.2-5", "an expired message is not delivered to a subscriber", expired_not_delivered);
  add("MQTT-3.3.2-6", "Message Expiry Interval is reduced by the time the message waited",
      expiry_adjusted);
  add("MQTT-3.3.2-7", "topic aliases do not carry over to a new connection", alias_not_carried);
  add("MQTT-3.3.2-8", "Topic Alias 0 is a protocol error", alias_zero);
  add("MQTT-3.3.2-12", "the server accepts topic aliases up to its Topic Alias Maximum",
      alias_accepted);
  add("MQTT-3.3.2-11", "the server's topic aliases do not exceed the client's maximum",
      [](Context& ctx) { return server_aliases_bounded(ctx, 2); });
  add("MQTT-3.1.2-26", "the server's topic aliases do not exceed the client's maximum",
      [](Context& ctx) { return server_aliases_bounded(ctx, 1); });
  add("MQTT-3.1.2-27", "no topic aliases for a client without Topic Alias Maximum",
      [](Context& ctx) { return server_aliases_bounded(ctx, std::nullopt); });
  add("MQTT-3.3.2-13", "a Response Topic that is not UTF-8 is closed",
      [](Context& ctx) { return response_topic_invalid(ctx, "r\xC0\x80", 0x08); });
  add("MQTT-3.3.2-14", "a Response Topic with wildcards is refused or forwarded unaltered",
      response_topic_wildcard);
  add("MQTT-3.3.2-19", "a Content Type that is not UTF-8 is closed",
      [](Context& ctx) { return response_topic_invalid(ctx, "t\xFF", 0x03); });
  add("MQTT-3.3.4-3", "messages carry the subscription identifiers of matching subscriptions",
      subscription_ids);
  add("MQTT-3.3.4-4", "a single copy carries all matching subscription identifiers",
      subscription_ids);
  add("MQTT-3.3.4-5", "separate copies each carry their subscription's identifier",
      subscription_ids);
  add("MQTT-3.3.4-9", "no more unacknowledged QoS > 0 messages than the client's Receive Maximum",
      [](Context& ctx) { return receive_maximum(ctx, false); });
  add("MQTT-4.9.0-1", "the send quota starts at the client's Receive Maximum",
      [](Context& ctx) { return receive_maximum(ctx, false); });
  add("MQTT-4.9.0-2", "at send quota 0 no QoS > 0 PUBLISH is sent",
      [](Context& ctx) { return receive_maximum(ctx, false); });
  add("MQTT-3.3.4-10", "Receive Maximum does not delay other packets",
      [](Context& ctx) { return receive_maximum(ctx, true); });
  add("MQTT-4.9.0-3", "at send quota 0 other packets are still processed",
      [](Context& ctx) { return receive_maximum(ctx, true); });
  add("MQTT-3.1.2-24", "no packet larger than the client's Maximum Packet Size", max_packet_size);
  add("MQTT-3.1.2-25", "an oversized message is dropped and delivery goes on", max_packet_size);
  add("MQTT-3.1.2-29", "Request Problem Information 0: no Reason String on SUBACK/UNSUBACK",
      problem_information_off);
  add("MQTT-3.2.2-9", "Maximum QoS is sent when QoS 2 is not supported",
      [](Context& ctx) { return maximum_qos(ctx, 9); });
  add("MQTT-3.2.2-10", "SUBSCRIBE at any QoS is accepted whatever the Maximum QoS",
      [](Context& ctx) { return maximum_qos(ctx, 10); });
  add("MQTT-3.2.2-12", "a PUBLISH above Maximum QoS gets DISCONNECT 0x9B",
      [](Context& ctx) { return maximum_qos(ctx, 12); });
  add("MQTT-3.2.2-13", "RETAIN 1 when Retain Available is 0 gets DISCONNECT 0x9A",
      retain_unavailable);
  add("MQTT-4.12.0-1", "an unsupported Authentication Method is refused and closed",
      unknown_auth_method);
  add("MQTT-4.12.0-6", "without Authentication Method no AUTH or auth properties are sent",
      no_auth_without_method);
}

}  // namespace starling::conformance
