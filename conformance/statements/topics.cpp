// Topic names and filters (4.7) and shared subscriptions (v5 4.8).
#include "statements/common.hpp"

namespace starling::conformance {
namespace {

Outcome dollar_not_matched(Context& ctx, Version v) {
  const std::string tail = ctx.run_id() + std::to_string(ctx.topic().size());
  const std::string dollar = "$cf" + tail + "/" + tail;
  STARLING_TRY(wild, connect(ctx, v, "wild"));
  STARLING_OK(wild.subscribe_ok("+/" + tail, 0));
  STARLING_OK(wild.subscribe_ok("#", 0));
  STARLING_TRY(exact, subscriber(ctx, v, dollar, 0));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(dollar, "dollar", 0));
  Incoming seen = exact.next();
  if (!seen.is_packet()) {
    return Outcome::not_applicable("the broker does not route client messages on '$' topics (" +
                                   describe(seen) + ")");
  }
  // '#' receives the whole broker's traffic; only a message on our $ topic fails.
  const auto deadline = std::chrono::steady_clock::now() + ctx.quiet();
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    Incoming in = wild.next(left);
    if (in.kind == Arrival::kTimeout) break;
    auto* p = in.is_packet() ? std::get_if<Publish>(&in.packet) : nullptr;
    STARLING_REQUIRE(p, "expected PUBLISH or nothing, got " + describe(in));
    STARLING_REQUIRE(p->topic.empty() || p->topic[0] != '$',
                     "'" + p->topic + "' was delivered to a wildcard subscription");
  }
  return Outcome::pass();
}

Outcome empty_topic_refused(Context& ctx, Version v) {
  return expect_closed_after(ctx, v, publish_bytes(v, 0x30, "", "x"), "zero-length topic name");
}

Outcome null_in_topic(Context& ctx, Version v) {
  return expect_closed_after(ctx, v, publish_bytes(v, 0x30, std::string("a\0b", 3), "x"),
                             "U+0000 in topic name");
}

Outcome long_topic(Context& ctx, Version v) {
  const std::string topic = ctx.topic() + "/" + std::string(4000, 'l');
  STARLING_TRY(sub, subscriber(ctx, v, topic, 0));
  STARLING_OK(sub.publish(topic, "long", 0));
  STARLING_TRY(got, sub.receive_publish("the message on a 4 kB topic"));
  STARLING_REQUIRE(got.topic == topic, "topic changed");
  return Outcome::pass();
}

Outcome no_normalization(Context& ctx, Version v) {
  const std::string base = ctx.topic();
  STARLING_TRY(sub, connect(ctx, v, "sub"));
  STARLING_OK(sub.subscribe_ok(base + "//x", 0));
  STARLING_OK(sub.subscribe_ok(base + "/Case", 0));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  for (const std::string& t : {base + "/x", base + "/x/", base + "/case", base + "/ Case"}) {
    STARLING_OK(pub.publish(t, "not matching", 0));
  }
  STARLING_OK(pub.publish(base + "//x", "match", 0));
  STARLING_TRY(got, sub.receive_publish("the message on the exact topic"));
  STARLING_REQUIRE(got.topic == base + "//x",
                   "'" + got.topic + "' matched a filter only after normalisation");
  STARLING_OK(sub.expect_nothing("nothing on differently-written topics"));
  return Outcome::pass();
}

struct SharedGroup {
  Client a, b, pub;
  std::string topic;
};
Result<SharedGroup> shared_group(Context& ctx, std::uint8_t qos_a = 1, std::uint8_t qos_b = 1,
                                 Connect a_connect = {}) {
  const std::string topic = ctx.topic();
  const std::string filter = "$share/" + ctx.run_id() + "g/" + topic;
  if (a_connect.client_id.empty()) a_connect = make_connect(ctx, kV5, "a");
  Result<Client> a = connect(ctx, a_connect);
  if (!a) return a.error();
  if (Status s = a->subscribe_ok(filter, qos_a); !s) return s.error();
  Result<Client> b = connect(ctx, kV5, "b");
  if (!b) return b.error();
  if (Status s = b->subscribe_ok(filter, qos_b); !s) return s.error();
  Result<Client> pub = connect(ctx, kV5, "pub");
  if (!pub) return pub.error();
  return SharedGroup{std::move(a).value(), std::move(b).value(), std::move(pub).value(), topic};
}

bool shared_supported(const Client& c) {
  auto& p = c.connack().properties.shared_subscription_available;
  return !p || *p != 0;
}

// Whichever member got the next message: 0 for a, 1 for b, -1 for none.
int receiver(SharedGroup& g, Context& ctx, Publish& out) {
  Incoming in = g.a.next(Millis{ctx.quiet()});
  if (in.is_packet() && std::holds_alternative<Publish>(in.packet)) {
    out = std::get<Publish>(in.packet);
    return 0;
  }
  in = g.b.next(Millis{ctx.quiet()});
  if (in.is_packet() && std::holds_alternative<Publish>(in.packet)) {
    out = std::get<Publish>(in.packet);
    return 1;
  }
  return -1;
}

Outcome shared_granted_qos(Context& ctx, Version) {
  STARLING_TRY(probe, connect(ctx, kV5));
  if (!shared_supported(probe)) return Outcome::not_applicable("shared subscriptions unsupported");
  STARLING_TRY(g, shared_group(ctx, 0, 0));
  int counts[2] = {0, 0};
  for (int i = 0; i < 6; ++i) STARLING_OK(g.pub.publish(g.topic, std::to_string(i), 2));
  for (int i = 0; i < 6; ++i) {
    Publish p;
    int who = receiver(g, ctx, p);
    STARLING_REQUIRE(who >= 0, "message " + std::to_string(i) + " of 6 reached no member");
    STARLING_REQUIRE(p.qos == 0, "delivered at QoS " + std::to_string(p.qos) + ", granted 0");
    ++counts[who];
  }
  Publish extra;
  STARLING_REQUIRE(receiver(g, ctx, extra) < 0, "a message reached more than one member");
  return Outcome::pass(std::to_string(counts[0]) + "/" + std::to_string(counts[1]) + " split");
}

Outcome shared_ack_error_discards(Context& ctx, Version) {
  STARLING_TRY(probe, connect(ctx, kV5));
  if (!shared_supported(probe)) return Outcome::not_applicable("shared subscriptions unsupported");
  STARLING_TRY(g, shared_group(ctx));
  STARLING_OK(g.pub.publish(g.topic, "refuse me", 1));
  Publish p;
  int who = receiver(g, ctx, p);
  STARLING_REQUIRE(who >= 0, "no member got the message");
  Client& holder = who == 0 ? g.a : g.b;
  Client& other = who == 0 ? g.b : g.a;
  protocol::Puback ack;
  ack.packet_id = p.packet_id;
  ack.reason = ReasonCode::kImplementationSpecificError;
  STARLING_OK(holder.send(ack));
  STARLING_OK(other.expect_nothing("the refused message is not sent to another member"));
  STARLING_OK(holder.expect_nothing("nor resent to the refusing member"));
  return Outcome::pass();
}

Outcome shared_qos2_resumed(Context& ctx, Version) {
  STARLING_TRY(probe, connect(ctx, kV5));
  if (!shared_supported(probe)) return Outcome::not_applicable("shared subscriptions unsupported");
  const std::string topic = ctx.topic();
  const std::string filter = "$share/" + ctx.run_id() + "q/" + topic;
  Connect c = persistent_connect(ctx, kV5);
  std::uint16_t id = 0;
  {
    STARLING_TRY(member, connect(ctx, c));
    STARLING_OK(member.subscribe_ok(filter, 2));
    STARLING_TRY(pub, connect(ctx, kV5, "pub"));
    STARLING_OK(pub.publish(topic, "q2", 2));
    STARLING_TRY(got, member.receive_publish("the QoS 2 message"));
    id = got.packet_id;
    protocol::Pubrec rec;
    rec.packet_id = id;
    STARLING_OK(member.send(rec));
    STARLING_TRY(rel, member.expect<protocol::Pubrel>("PUBREL"));
    member.drop();
  }
  STARLING_TRY(again, connect(ctx, c));
  STARLING_TRY(rel, again.expect<protocol::Pubrel>("the PUBREL resent to the same member"));
  STARLING_REQUIRE(rel.packet_id == id, "PUBREL for another id");
  return Outcome::pass();
}

Outcome shared_session_end(Context& ctx, Version) {
  STARLING_TRY(probe, connect(ctx, kV5));
  if (!shared_supported(probe)) return Outcome::not_applicable("shared subscriptions unsupported");
  STARLING_TRY(g, shared_group(ctx, 2, 2));
  STARLING_OK(g.pub.publish(g.topic, "q2", 2));
  Publish p;
  int who = receiver(g, ctx, p);
  STARLING_REQUIRE(who >= 0, "no member got the message");
  Client& holder = who == 0 ? g.a : g.b;
  Client& other = who == 0 ? g.b : g.a;
  protocol::Pubrec rec;
  rec.packet_id = p.packet_id;
  STARLING_OK(holder.send(rec));
  STARLING_TRY(rel, holder.expect<protocol::Pubrel>("PUBREL"));
  holder.drop();  // session expiry 0: the session ends with the connection
  STARLING_OK(other.expect_nothing("the QoS 2 message is not sent to the other member"));
  return Outcome::pass();
}

}  // namespace

void register_topics(Registry& r) {
  r.add_both("MQTT-4.7.1-1", "MQTT-4.7.0-1", "wildcards are not allowed in topic names",
             [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, publish_bytes(v, 0x30, ctx.topic() + "/+", "x"),
                                          "'+' in a topic name");
             });
  r.add_both("MQTT-4.7.2-1", "MQTT-4.7.2-1", "wildcards at the first level do not match '$' topics",
             dollar_not_matched);
  r.add_both("MQTT-4.7.3-1", "MQTT-4.7.3-1", "a zero-length topic name is refused",
             empty_topic_refused);
  r.add_both("MQTT-4.7.3-2", "MQTT-4.7.3-2", "a topic with U+0000 is refused", null_in_topic);
  r.add_both("MQTT-4.7.3-3", "MQTT-4.7.3-3", "long topic names (4 kB) are carried intact",
             long_topic);
  r.add_both("MQTT-4.7.3-4", "MQTT-4.7.3-4", "topic names and filters are not normalised",
             no_normalization);
  r.add(kV5, "MQTT-4.8.2-3", "each shared message goes to one member at that member's granted QoS",
        [](Context& ctx) { return shared_granted_qos(ctx, kV5); });
  r.add(kV5, "MQTT-4.8.2-4",
        "a shared QoS 2 delivery is completed with the same member on reconnect",
        [](Context& ctx) { return shared_qos2_resumed(ctx, kV5); });
  r.add(kV5, "MQTT-4.8.2-5", "a shared QoS 2 message in flight is not moved when the session ends",
        [](Context& ctx) { return shared_session_end(ctx, kV5); });
  r.add(kV5, "MQTT-4.8.2-6", "a PUBACK of 0x80 or above discards the shared message",
        [](Context& ctx) { return shared_ack_error_discards(ctx, kV5); });
}

}  // namespace starling::conformance
