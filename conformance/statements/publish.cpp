// Chapter 3.3 (PUBLISH): flags, retained messages, topic names.
#include "statements/common.hpp"

namespace starling::conformance {
namespace {

Outcome qos0_dup_zero(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, v, topic, 2));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "zero", 0));
  STARLING_TRY(got, sub.receive_publish("the QoS 0 message"));
  STARLING_REQUIRE(got.qos == 0 && !got.dup, "delivered with qos=" + std::to_string(got.qos) +
                                                 " dup=" + std::to_string(got.dup));
  return Outcome::pass();
}

Outcome dup_not_propagated(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, v, topic, 1));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  Publish p;
  p.topic = topic;
  p.payload = "dup in";
  p.qos = 1;
  p.dup = true;
  STARLING_OK(pub.publish(p));
  STARLING_TRY(got, sub.receive_and_ack("the message"));
  STARLING_REQUIRE(!got.dup, "the incoming DUP flag was copied to the outgoing PUBLISH");
  return Outcome::pass();
}

Outcome qos3_closed(Context& ctx, Version v) {
  return expect_closed_after(ctx, v, publish_bytes(v, 0x36, ctx.topic(), "q3"), "PUBLISH QoS 3",
                             0x81);
}

Outcome retained_replaced(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "first", 1, true));
  STARLING_OK(pub.publish(topic, "second", 1, true));
  STARLING_TRY(kept, fetch_retained(ctx, v, topic));
  STARLING_REQUIRE(kept.payload == "second", "retained payload is '" + kept.payload + "'");
  STARLING_OK(pub.publish(topic, "", 0, true));
  return Outcome::pass();
}

Outcome retained_on_subscribe(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "kept", 1, true));
  STARLING_TRY(kept, fetch_retained(ctx, v, topic));
  STARLING_REQUIRE(kept.retain,
                   "the retained message was sent with RETAIN 0 on a new subscription");
  STARLING_OK(pub.publish(topic, "", 0, true));
  return Outcome::pass();
}

Outcome qos0_retained_replaces(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "qos1", 1, true));
  STARLING_OK(pub.publish(topic, "qos0", 0, true));
  STARLING_OK(pub.expect_alive("sync"));
  STARLING_TRY(kept, fetch_retained(ctx, v, topic));
  STARLING_REQUIRE(kept.payload == "qos0", "retained payload is '" + kept.payload + "'");
  STARLING_OK(pub.publish(topic, "", 0, true));
  return Outcome::pass();
}

Outcome live_retain_cleared(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, v, topic, 1));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "live", 1, true));
  STARLING_TRY(got, sub.receive_and_ack("the live message"));
  STARLING_REQUIRE(!got.retain, "a message for an established subscription has RETAIN 1");
  STARLING_OK(pub.publish(topic, "", 0, true));
  return Outcome::pass();
}

Outcome empty_retained_removes(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "kept", 1, true));
  STARLING_TRY(sub, subscriber(ctx, v, topic, 1));
  STARLING_TRY(first, sub.receive_and_ack("the retained message"));
  STARLING_OK(pub.publish(topic, "", 1, true));
  STARLING_TRY(empty, sub.receive_and_ack("the zero-byte retained message, delivered normally"));
  STARLING_REQUIRE(empty.payload.empty(), "payload '" + empty.payload + "'");
  Result<Publish> kept = fetch_retained(ctx, v, topic);
  STARLING_REQUIRE(!kept, "a retained message remained: '" + (kept ? kept->payload : "") + "'");
  return Outcome::pass();
}

Outcome non_retained_keeps(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "kept", 1, true));
  STARLING_OK(pub.publish(topic, "not kept", 1, false));
  STARLING_TRY(kept, fetch_retained(ctx, v, topic));
  STARLING_REQUIRE(kept.payload == "kept", "retained payload is '" + kept.payload + "'");
  STARLING_OK(pub.publish(topic, "", 0, true));
  return Outcome::pass();
}

Outcome topic_matches_filter(Context& ctx, Version v) {
  const std::string base = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, v, base + "/+/c", 1));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(base + "/b/c", "x", 0));
  STARLING_TRY(got, sub.receive_publish("the message"));
  STARLING_REQUIRE(got.topic == base + "/b/c", "topic '" + got.topic + "'");
  return Outcome::pass();
}

Outcome responds_per_qos(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  const std::string topic = ctx.topic();
  STARLING_OK(c.publish(topic, "one", 1));
  STARLING_OK(c.publish(topic, "two", 2));
  STARLING_OK(c.publish(topic, "zero", 0));
  STARLING_OK(c.expect_nothing("no response to QoS 0"));
  return Outcome::pass();
}

Outcome overlapping_max_qos(Context& ctx, Version v) {
  const std::string base = ctx.topic();
  STARLING_TRY(sub, connect(ctx, v, "sub"));
  STARLING_OK(sub.subscribe_ok(base + "/+", 1));
  STARLING_OK(sub.subscribe_ok(base + "/#", 2));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(base + "/x", "overlap", 2));
  std::uint8_t highest = 0;
  int copies = 0;
  for (;;) {
    Incoming in = sub.next(copies == 0 ? ctx.wait() : ctx.quiet());
    if (in.kind == Arrival::kTimeout) break;
    auto* p = in.is_packet() ? std::get_if<Publish>(&in.packet) : nullptr;
    STARLING_REQUIRE(p, "expected PUBLISH, got " + describe(in));
    highest = std::max(highest, p->qos);
    ++copies;
    STARLING_OK(sub.ack(*p));
  }
  STARLING_REQUIRE(copies > 0, "no message arrived");
  STARLING_REQUIRE(highest == 2, "delivered at most at QoS " + std::to_string(highest) +
                                     " though one matching subscription has QoS 2");
  return Outcome::pass(std::to_string(copies) + " copies");
}

}  // namespace

void register_publish(Registry& r) {
  r.add_both("MQTT-3.3.1-2", "MQTT-3.3.1-2", "QoS 0 messages are sent with DUP 0", qos0_dup_zero);
  r.add_both("MQTT-3.3.1-3", "MQTT-3.3.1-3",
             "the DUP flag of a forwarded PUBLISH does not come from the incoming one",
             dup_not_propagated);
  r.add_both("MQTT-3.3.1-4", "MQTT-3.3.1-4", "a PUBLISH with both QoS bits set is closed",
             qos3_closed);
  r.add_both("MQTT-3.3.1-5", "MQTT-3.3.1-5", "RETAIN 1 stores the message, replacing the old one",
             retained_replaced);
  r.add_both("MQTT-3.3.1-6", "MQTT-3.3.1-9",
             "a new subscription gets the retained message (Retain Handling 0)",
             retained_on_subscribe);
  r.add(kV3, "MQTT-3.3.1-7", "a QoS 0 retained message replaces the retained message",
        [](Context& ctx) { return qos0_retained_replaces(ctx, kV3); });
  r.add(kV3, "MQTT-3.3.1-8", "a retained message sent for a new subscription has RETAIN 1",
        [](Context& ctx) { return retained_on_subscribe(ctx, kV3); });
  r.add_both("MQTT-3.3.1-9", "MQTT-3.3.1-12",
             "established subscriptions get RETAIN 0 (v5: Retain As Published 0)",
             live_retain_cleared);
  r.add_both("MQTT-3.3.1-10", "MQTT-3.3.1-6",
             "a zero-byte retained message removes the retained message", empty_retained_removes);
  r.add_both("MQTT-3.3.1-11", "MQTT-3.3.1-7", "a zero-byte retained message is not stored",
             empty_retained_removes);
  r.add_both("MQTT-3.3.1-12", "MQTT-3.3.1-8",
             "RETAIN 0 neither stores nor replaces the retained message", non_retained_keeps);
  r.add(kV5, "MQTT-3.3.1-10",
        "Retain Handling 1 sends retained messages only for a new subscription", [](Context& ctx) {
          const std::string topic = ctx.topic();
          STARLING_TRY(pub, connect(ctx, kV5, "pub"));
          STARLING_OK(pub.publish(topic, "kept", 1, true));
          STARLING_TRY(sub, connect(ctx, kV5, "sub"));
          SubscribeEntry rh1;
          rh1.retain_handling = 1;
          STARLING_OK(sub.subscribe_ok(topic, 1, rh1));
          STARLING_TRY(first, sub.receive_and_ack("the retained message on a new subscription"));
          STARLING_OK(sub.subscribe_ok(topic, 1, rh1));
          STARLING_OK(sub.expect_nothing("no retained message for an existing subscription"));
          STARLING_OK(pub.publish(topic, "", 0, true));
          return Outcome::pass();
        });
  r.add(kV5, "MQTT-3.3.1-11", "Retain Handling 2 sends no retained messages", [](Context& ctx) {
    const std::string topic = ctx.topic();
    STARLING_TRY(pub, connect(ctx, kV5, "pub"));
    STARLING_OK(pub.publish(topic, "kept", 1, true));
    STARLING_TRY(sub, connect(ctx, kV5, "sub"));
    SubscribeEntry rh2;
    rh2.retain_handling = 2;
    STARLING_OK(sub.subscribe_ok(topic, 1, rh2));
    STARLING_OK(sub.expect_nothing("no retained message with Retain Handling 2"));
    STARLING_OK(pub.publish(topic, "", 0, true));
    return Outcome::pass();
  });
  r.add(kV5, "MQTT-3.3.1-13", "Retain As Published 1 keeps the RETAIN flag", [](Context& ctx) {
    const std::string topic = ctx.topic();
    STARLING_TRY(sub, connect(ctx, kV5, "sub"));
    SubscribeEntry rap;
    rap.retain_as_published = true;
    STARLING_OK(sub.subscribe_ok(topic, 1, rap));
    STARLING_TRY(pub, connect(ctx, kV5, "pub"));
    STARLING_OK(pub.publish(topic, "r", 1, true));
    STARLING_TRY(got, sub.receive_and_ack("the retained message"));
    STARLING_REQUIRE(got.retain, "RETAIN 0 despite Retain As Published");
    STARLING_OK(pub.publish(topic, "", 0, true));
    return Outcome::pass();
  });
  r.add_both("MQTT-3.3.2-1", "MQTT-3.3.2-1", "a topic name that is not UTF-8 is closed",
             [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, publish_bytes(v, 0x30, "a/\xFF\xFE", "x"),
                                          "ill-formed topic");
             });
  r.add_both("MQTT-3.3.2-2", "MQTT-3.3.2-2", "a topic name with a wildcard is closed",
             [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, publish_bytes(v, 0x30, ctx.topic() + "/#", "x"),
                                          "wildcard in topic name");
             });
  r.add_both("MQTT-3.3.2-3", "MQTT-3.3.2-3",
             "the topic of a delivered PUBLISH is the published name matching the filter",
             topic_matches_filter);
  r.add_both("MQTT-3.3.4-1", "MQTT-3.3.4-1",
             "the server answers QoS 1 with PUBACK, QoS 2 with PUBREC", responds_per_qos);
  r.add_both("MQTT-3.3.5-1", "MQTT-3.3.4-2",
             "overlapping subscriptions: delivered at the highest matching QoS",
             overlapping_max_qos);
}

}  // namespace starling::conformance
