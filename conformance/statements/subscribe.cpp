// Chapters 3.8-3.11: SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK.
#include "statements/common.hpp"

namespace starling::conformance {
namespace {

using protocol::Suback;
using protocol::Subscribe;
using protocol::Unsuback;

bool granted(ReasonCode code, std::uint8_t at_most) {
  return static_cast<std::uint8_t>(code) <= at_most;
}

// A filter the broker must refuse: either a failure code in SUBACK or (as
// 3.1.1 permits for a malformed filter) a closed connection.
Outcome refuses_filter(Context& ctx, Version v, const std::string& filter) {
  STARLING_TRY(c, connect(ctx, v));
  STARLING_OK(c.send_bytes(subscribe_bytes(v, 3, filter, 1)));
  Incoming in = c.next();
  if (in.kind == Arrival::kClosed) return Outcome::pass("closed the connection");
  auto* suback = in.is_packet() ? std::get_if<Suback>(&in.packet) : nullptr;
  if (!suback && in.is_packet() && std::holds_alternative<protocol::Disconnect>(in.packet)) {
    STARLING_TRY(info, c.expect_close("after DISCONNECT"));
    return Outcome::pass("DISCONNECT " + describe(in));
  }
  STARLING_REQUIRE(suback && suback->reasons.size() == 1,
                   "expected SUBACK or a close, got " + describe(in));
  STARLING_REQUIRE(protocol::is_failure(suback->reasons[0]),
                   "filter '" + filter + "' was granted " + reason_hex(suback->reasons[0]));
  return Outcome::pass("refused with " + reason_hex(suback->reasons[0]));
}

Outcome replace_subscription(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  // QoS 1: its PUBACK shows the broker has it before anyone subscribes (a
  // QoS 0 publish could still be in flight and arrive live as well).
  STARLING_OK(pub.publish(topic, "kept", 1, true));
  STARLING_TRY(sub, connect(ctx, v, "sub"));
  STARLING_OK(sub.subscribe_ok(topic, 2));
  STARLING_TRY(first, sub.receive_and_ack("the retained message"));
  STARLING_OK(sub.subscribe_ok(topic, 0));
  STARLING_TRY(again, sub.receive_and_ack("the retained message re-sent on the new subscription"));
  STARLING_OK(pub.publish(topic, "after", 2));
  STARLING_TRY(got, sub.receive_and_ack("the message"));
  STARLING_REQUIRE(got.qos == 0, "delivered at QoS " + std::to_string(got.qos) +
                                     ": the old subscription was not replaced");
  STARLING_OK(sub.expect_nothing("a single copy (the subscription was replaced, not added)"));
  STARLING_OK(pub.publish(topic, "", 0, true));
  return Outcome::pass();
}

Outcome multiple_filters(Context& ctx, Version v) {
  const std::string a = ctx.topic("a"), b = ctx.topic("b"), bad = ctx.topic("bad") + "/#/x";
  STARLING_TRY(c, connect(ctx, v));
  Subscribe s;
  s.entries = {{a, 0}, {b, 2}, {a + "/+", 1}};
  STARLING_TRY(suback, c.subscribe(s));
  STARLING_REQUIRE(suback.reasons.size() == 3,
                   std::to_string(suback.reasons.size()) + " reason codes for 3 filters");
  STARLING_REQUIRE(granted(suback.reasons[0], 0) && granted(suback.reasons[1], 2) &&
                       granted(suback.reasons[2], 1),
                   "codes not in filter order or above requested QoS");
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(b, "to b", 0));
  STARLING_TRY(got, c.receive_publish("a message on the second filter"));
  return Outcome::pass();
}

Outcome granted_codes_valid(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  Subscribe s;
  for (std::uint8_t q = 0; q <= 2; ++q) s.entries.push_back({ctx.topic(), q});
  STARLING_TRY(suback, c.subscribe(s));
  STARLING_REQUIRE(suback.reasons.size() == 3, "wrong number of codes");
  for (std::uint8_t q = 0; q <= 2; ++q) {
    auto code = suback.reasons[q];
    STARLING_REQUIRE(granted(code, q) || protocol::is_failure(code),
                     "requested QoS " + std::to_string(q) + ", SUBACK code " + reason_hex(code));
  }
  return Outcome::pass();
}

Outcome min_of_published_and_granted(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, v, topic, 1));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "two", 2));
  STARLING_TRY(got, sub.receive_and_ack("the QoS 2 message"));
  STARLING_REQUIRE(got.qos == 1, "delivered at QoS " + std::to_string(got.qos) + ", granted 1");
  STARLING_OK(pub.publish(topic, "zero", 0));
  STARLING_TRY(got0, sub.receive_and_ack("the QoS 0 message"));
  STARLING_REQUIRE(got0.qos == 0, "QoS 0 message delivered at QoS " + std::to_string(got0.qos));
  return Outcome::pass();
}

Outcome unsubscribe_deletes(Context& ctx, Version v) {
  const std::string a = ctx.topic("a"), b = ctx.topic("b");
  STARLING_TRY(sub, connect(ctx, v, "sub"));
  STARLING_OK(sub.subscribe_ok(a, 1));
  STARLING_OK(sub.subscribe_ok(b, 1));
  STARLING_TRY(ack, sub.unsubscribe({a}));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(a, "gone", 1));
  STARLING_OK(pub.publish(b, "kept", 1));
  STARLING_TRY(got, sub.receive_and_ack("the message on the remaining subscription"));
  STARLING_REQUIRE(got.topic == b, "received on '" + got.topic + "' after unsubscribing");
  STARLING_OK(sub.expect_nothing("nothing for the deleted subscription"));
  return Outcome::pass();
}

Outcome unsubscribe_exact_match(Context& ctx, Version v) {
  const std::string base = ctx.topic();
  STARLING_TRY(sub, connect(ctx, v, "sub"));
  STARLING_OK(sub.subscribe_ok(base + "/x", 0));
  STARLING_TRY(ack, sub.unsubscribe({base + "/+"}));  // not identical: nothing deleted
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(base + "/x", "still", 0));
  STARLING_TRY(got, sub.receive_publish("a message for the subscription not unsubscribed"));
  return Outcome::pass();
}

Outcome unsubscribe_completes_inflight(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, v, topic, 2));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "in flight", 2));
  STARLING_TRY(got, sub.receive_publish("the QoS 2 message"));
  protocol::Pubrec rec;
  rec.packet_id = got.packet_id;
  STARLING_OK(sub.send(rec));
  protocol::Unsubscribe u;
  u.packet_id = 77;
  u.filters = {topic};
  STARLING_OK(sub.send(u));
  bool pubrel = false, unsuback = false;
  for (int i = 0; i < 2; ++i) {
    Incoming in = sub.next();
    if (in.is_packet() && std::holds_alternative<protocol::Pubrel>(in.packet)) pubrel = true;
    if (in.is_packet() && std::holds_alternative<Unsuback>(in.packet)) unsuback = true;
    if (!in.is_packet()) break;
  }
  STARLING_REQUIRE(pubrel, "the QoS 2 delivery in flight was not completed (no PUBREL)");
  STARLING_REQUIRE(unsuback, "no UNSUBACK");
  return Outcome::pass();
}

Outcome unsuback_without_subscription(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  STARLING_TRY(ack, c.unsubscribe({ctx.topic("never")}));
  if (protocol::is_v5(v)) {
    STARLING_REQUIRE(
        ack.reasons.size() == 1 && (ack.reasons[0] == ReasonCode::kNoSubscriptionExisted ||
                                    ack.reasons[0] == ReasonCode::kSuccess),
        "UNSUBACK code for a filter never subscribed");
  }
  return Outcome::pass();
}

Outcome unsubscribe_multiple(Context& ctx, Version v) {
  const std::string a = ctx.topic("a"), b = ctx.topic("b");
  STARLING_TRY(c, connect(ctx, v));
  STARLING_OK(c.subscribe_ok(a, 0));
  STARLING_TRY(ack, c.unsubscribe({a, b}));
  if (protocol::is_v5(v)) {
    STARLING_REQUIRE(ack.reasons.size() == 2,
                     std::to_string(ack.reasons.size()) + " reason codes for 2 filters");
    STARLING_REQUIRE(ack.reasons[0] == ReasonCode::kSuccess,
                     "first filter (subscribed): " + reason_hex(ack.reasons[0]));
    STARLING_REQUIRE(ack.reasons[1] == ReasonCode::kNoSubscriptionExisted ||
                         ack.reasons[1] == ReasonCode::kSuccess,
                     "second filter (not subscribed): " + reason_hex(ack.reasons[1]));
  }
  STARLING_OK(c.expect_nothing("a single UNSUBACK"));
  return Outcome::pass();
}

Outcome no_local(Context& ctx, Version) {
  const std::string topic = ctx.topic();
  STARLING_TRY(c, connect(ctx, kV5));
  SubscribeEntry nl;
  nl.no_local = true;
  STARLING_OK(c.subscribe_ok(topic, 1, nl));
  STARLING_TRY(other, subscriber(ctx, kV5, topic, 1));
  STARLING_OK(c.publish(topic, "own", 1));
  STARLING_TRY(seen, other.receive_and_ack("the message at another subscriber"));
  STARLING_OK(c.expect_nothing("own message not forwarded with No Local"));
  return Outcome::pass();
}

Outcome small_max_packet_acks(Context& ctx, Version) {
  Connect c = make_connect(ctx, kV5);
  c.properties.maximum_packet_size = 16;
  STARLING_TRY(client, connect(ctx, c));
  STARLING_OK(client.send_bytes(subscribe_bytes(kV5, 5, ctx.topic() + "/#/bad", 1)));
  Incoming in = client.next();
  if (in.kind == Arrival::kClosed) return Outcome::pass("closed on the invalid filter");
  STARLING_REQUIRE(in.raw.size() <= 16 || in.kind == Arrival::kTimeout,
                   describe(in) + " is " + std::to_string(in.raw.size()) +
                       " bytes, over Maximum Packet Size 16");
  STARLING_OK(client.send_bytes(unsubscribe_bytes(kV5, 6, ctx.topic("never"))));
  Incoming un = client.next();
  STARLING_REQUIRE(un.raw.size() <= 16 || un.kind != Arrival::kPacket,
                   describe(un) + " is over Maximum Packet Size 16");
  return Outcome::pass();
}

}  // namespace

void register_subscribe(Registry& r) {
  r.add_both("MQTT-3.8.1-1", "MQTT-3.8.1-1", "a SUBSCRIBE with flags other than 0010 is closed",
             [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, subscribe_bytes(v, 1, ctx.topic(), 0, 0x80),
                                          "SUBSCRIBE flags 0000");
             });
  r.add_both("MQTT-3.8.3-1", "MQTT-3.8.3-1", "a topic filter that is not UTF-8 is closed",
             [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, subscribe_bytes(v, 1, "a/\xC3", 0),
                                          "truncated UTF-8 in filter");
             });
  r.add_both("MQTT-3.8.3-3", "MQTT-3.8.3-2", "a SUBSCRIBE without topic filters is closed",
             [](Context& ctx, Version v) {
               std::string body = u16(1) + (protocol::is_v5(v) ? std::string(1, '\0') : "");
               return expect_closed_after(ctx, v, packet(0x82, body), "empty SUBSCRIBE");
             });
  r.add(kV3, "MQTT-3-8.3-4", "reserved option bits or QoS 3 in SUBSCRIBE are closed",
        [](Context& ctx) {
          Outcome o = expect_closed_after(ctx, kV3, subscribe_bytes(kV3, 1, ctx.topic(), 0x03),
                                          "requested QoS 3");
          if (o.verdict != Verdict::kPass) return o;
          return expect_closed_after(ctx, kV3, subscribe_bytes(kV3, 1, ctx.topic(), 0x41),
                                     "reserved bit 6 set");
        });
  r.add(kV5, "MQTT-3.8.3-5", "reserved subscription option bits must be 0", [](Context& ctx) {
    return expect_closed_after(ctx, kV5, subscribe_bytes(kV5, 1, ctx.topic(), 0xC1),
                               "reserved bits 7-6 set", 0x81);
  });
  r.add(kV3, "MQTT-3.8.3-2", "a wildcard filter is granted or refused, never half-supported",
        [](Context& ctx) {
          const std::string base = ctx.topic();
          STARLING_TRY(c, connect(ctx, kV3));
          STARLING_TRY(suback, c.subscribe(base + "/+", 0));
          if (protocol::is_failure(suback.reasons.at(0))) return Outcome::pass("refused");
          STARLING_TRY(pub, connect(ctx, kV3, "pub"));
          STARLING_OK(pub.publish(base + "/x", "w", 0));
          STARLING_TRY(got, c.receive_publish("a message through the wildcard"));
          return Outcome::pass();
        });
  r.add(kV5, "MQTT-3.8.3-3", "No Local: own messages are not sent back",
        [](Context& ctx) { return no_local(ctx, kV5); });
  r.add(kV5, "MQTT-3.8.3-4", "No Local on a shared subscription is a protocol error",
        [](Context& ctx) {
          return expect_closed_after(ctx, kV5,
                                     subscribe_bytes(kV5, 1, "$share/g/" + ctx.topic(), 0x05),
                                     "no local on $share", 0x82);
        });
  r.add_both("MQTT-3.8.4-1", "MQTT-3.8.4-1", "SUBSCRIBE is answered with SUBACK",
             [](Context& ctx, Version v) {
               STARLING_TRY(c, connect(ctx, v));
               STARLING_TRY(suback, c.subscribe(ctx.topic(), 1));
               return Outcome::pass();
             });
  r.add_both("MQTT-3.8.4-2", "MQTT-3.8.4-2", "SUBACK carries the SUBSCRIBE's packet id",
             [](Context& ctx, Version v) {
               STARLING_TRY(c, connect(ctx, v));
               STARLING_OK(c.send_bytes(subscribe_bytes(v, 0xFEDC, ctx.topic(), 0)));
               STARLING_TRY(suback, c.expect<Suback>("SUBACK"));
               STARLING_REQUIRE(suback.packet_id == 0xFEDC, "wrong id");
               return Outcome::pass();
             });
  r.add_both("MQTT-3.8.4-3", "MQTT-3.8.4-3",
             "an identical filter replaces the subscription; retained messages are re-sent",
             replace_subscription);
  r.add(kV5, "MQTT-3.8.4-4", "Retain Handling 0 on a replaced subscription re-sends retained",
        [](Context& ctx) { return replace_subscription(ctx, kV5); });
  r.add_both("MQTT-3.8.4-4", "MQTT-3.8.4-5",
             "several filters are handled in sequence and answered by one SUBACK",
             multiple_filters);
  r.add_both("MQTT-3.8.4-5", "MQTT-3.8.4-6", "SUBACK has one return code per filter",
             [](Context& ctx, Version v) {
               STARLING_TRY(c, connect(ctx, v));
               Subscribe s;
               s.entries = {{ctx.topic(), 1}, {ctx.topic(), 2}, {ctx.topic(), 0}, {ctx.topic(), 1}};
               STARLING_TRY(suback, c.subscribe(s));
               STARLING_REQUIRE(suback.reasons.size() == 4, "wrong number of codes");
               return Outcome::pass();
             });
  r.add(kV5, "MQTT-3.8.4-7", "each SUBACK code is the granted QoS or a failure",
        [](Context& ctx) { return granted_codes_valid(ctx, kV5); });
  r.add_both("MQTT-3.8.4-6", "MQTT-3.8.4-8",
             "delivery QoS is the minimum of published and granted QoS",
             min_of_published_and_granted);
  r.add_both("MQTT-3.9.3-1", "MQTT-3.9.3-1", "SUBACK codes are in the order of the filters",
             multiple_filters);
  r.add_both("MQTT-3.9.3-2", "MQTT-3.9.3-2", "SUBACK codes are from the allowed set",
             granted_codes_valid);
  r.add_both("MQTT-3.10.1-1", "MQTT-3.10.1-1",
             "an UNSUBSCRIBE with flags other than 0010 is closed", [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, unsubscribe_bytes(v, 1, ctx.topic(), 0xA0),
                                          "UNSUBSCRIBE flags 0000");
             });
  r.add_both("MQTT-3.10.3-1", "MQTT-3.10.3-1", "an UNSUBSCRIBE filter that is not UTF-8 is closed",
             [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, unsubscribe_bytes(v, 1, "a\xED\xBF\xBF"),
                                          "surrogate in filter");
             });
  r.add_both("MQTT-3.10.3-2", "MQTT-3.10.3-2", "an UNSUBSCRIBE without filters is closed",
             [](Context& ctx, Version v) {
               std::string body = u16(1) + (protocol::is_v5(v) ? std::string(1, '\0') : "");
               return expect_closed_after(ctx, v, packet(0xA2, body), "empty UNSUBSCRIBE");
             });
  r.add_both("MQTT-3.10.4-1", "MQTT-3.10.4-1",
             "UNSUBSCRIBE deletes only the character-for-character identical subscription",
             [](Context& ctx, Version v) {
               Outcome o = unsubscribe_deletes(ctx, v);
               if (o.verdict != Verdict::kPass) return o;
               return unsubscribe_exact_match(ctx, v);
             });
  r.add_both("MQTT-3.10.4-2", "MQTT-3.10.4-2", "after UNSUBSCRIBE no new messages are sent",
             unsubscribe_deletes);
  r.add_both("MQTT-3.10.4-3", "MQTT-3.10.4-3",
             "deliveries in flight are completed after UNSUBSCRIBE",
             unsubscribe_completes_inflight);
  r.add_both("MQTT-3.10.4-4", "MQTT-3.10.4-4", "UNSUBSCRIBE is answered with UNSUBACK (same id)",
             [](Context& ctx, Version v) {
               STARLING_TRY(c, connect(ctx, v));
               const std::string t = ctx.topic();
               STARLING_OK(c.subscribe_ok(t, 0));
               STARLING_TRY(ack, c.unsubscribe({t}));
               return Outcome::pass();
             });
  r.add_both("MQTT-3.10.4-5", "MQTT-3.10.4-5",
             "UNSUBACK is sent even when no subscription was deleted",
             unsuback_without_subscription);
  r.add_both("MQTT-3.10.4-6", "MQTT-3.10.4-6",
             "several filters are handled in sequence and answered by one UNSUBACK",
             unsubscribe_multiple);
  r.add(kV5, "MQTT-3.11.3-1", "UNSUBACK codes are in the order of the filters",
        [](Context& ctx) { return unsubscribe_multiple(ctx, kV5); });
  r.add(kV5, "MQTT-3.11.3-2", "UNSUBACK codes are from the allowed set",
        [](Context& ctx) { return unsuback_without_subscription(ctx, kV5); });
  for (const char* id : {"MQTT-3.9.2-1", "MQTT-3.9.2-2", "MQTT-3.11.2-1", "MQTT-3.11.2-2"}) {
    r.add(kV5, id, "SUBACK/UNSUBACK add no Reason String/User Property past Maximum Packet Size",
          [](Context& ctx) { return small_max_packet_acks(ctx, kV5); });
  }
  r.add_both("MQTT-4.7.1-2", "MQTT-4.7.1-1", "'#' not last in a filter is refused",
             [](Context& ctx, Version v) { return refuses_filter(ctx, v, ctx.topic() + "/#/x"); });
  r.add_both("MQTT-4.7.1-3", "MQTT-4.7.1-2", "'+' sharing a level is refused",
             [](Context& ctx, Version v) { return refuses_filter(ctx, v, ctx.topic() + "/a+"); });
  r.add(kV5, "MQTT-4.8.2-1", "a shared subscription needs a non-empty share name",
        [](Context& ctx) { return refuses_filter(ctx, kV5, "$share//" + ctx.topic()); });
  r.add(kV5, "MQTT-4.8.2-2",
        "a share name without wildcards or '/' followed by '/' and a filter is required",
        [](Context& ctx) {
          Outcome o = refuses_filter(ctx, kV5, "$share/g+x/" + ctx.topic());
          if (o.verdict != Verdict::kPass) return o;
          return refuses_filter(ctx, kV5, "$share/" + ctx.run_id());
        });
}

}  // namespace starling::conformance
