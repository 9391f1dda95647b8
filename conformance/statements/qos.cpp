// Packet identifiers (2.2.1 / 2.3.1), acknowledgements (3.4-3.7), QoS flows
// (4.3) and redelivery (4.4).
#include <thread>

#include "statements/common.hpp"

namespace starling::conformance {
namespace {

using protocol::Puback;
using protocol::Pubcomp;
using protocol::Pubrec;
using protocol::Pubrel;

// Subscriber at QoS 2 and publisher; the publisher sends `count` messages at
// `qos`, the subscriber receives them without acknowledging.
struct Pair {
  Client sub;
  Client pub;
  std::string topic;
};
Result<Pair> pair(Context& ctx, Version v, std::uint8_t sub_qos = 2) {
  const std::string topic = ctx.topic();
  Result<Client> sub = subscriber(ctx, v, topic, sub_qos);
  if (!sub) return sub.error();
  Result<Client> pub = connect(ctx, v, "pub");
  if (!pub) return pub.error();
  return Pair{std::move(sub).value(), std::move(pub).value(), topic};
}

Outcome server_ids_nonzero_unused(Context& ctx, Version v, std::uint8_t qos) {
  STARLING_TRY(p, pair(ctx, v));
  std::vector<std::uint16_t> ids;
  for (int i = 0; i < 5; ++i) STARLING_OK(p.pub.publish(p.topic, std::to_string(i), qos));
  for (int i = 0; i < 5; ++i) {
    STARLING_TRY(got, p.sub.receive_publish("message " + std::to_string(i)));
    STARLING_REQUIRE(got.qos == qos, "delivered at QoS " + std::to_string(got.qos));
    STARLING_REQUIRE(!got.dup, "a first delivery has DUP 1");
    STARLING_REQUIRE(got.packet_id != 0, "packet identifier 0");
    for (auto id : ids) {
      STARLING_REQUIRE(id != got.packet_id,
                       "packet id " + std::to_string(id) + " reused while still unacknowledged");
    }
    ids.push_back(got.packet_id);
  }
  return Outcome::pass();
}

Outcome qos0_no_packet_id(Context& ctx, Version v) {
  STARLING_TRY(p, pair(ctx, v));
  STARLING_OK(p.pub.publish(p.topic, "exact", 0));
  Incoming in = p.sub.next();
  auto* got = in.is_packet() ? std::get_if<Publish>(&in.packet) : nullptr;
  STARLING_REQUIRE(got, "expected PUBLISH, got " + describe(in));
  STARLING_REQUIRE(!got->dup, "QoS 0 PUBLISH with DUP 1");
  STARLING_REQUIRE(got->qos == 0 && got->payload == "exact",
                   "QoS 0 PUBLISH bytes " + hex(in.raw) + " carry more than topic and payload");
  return Outcome::pass();
}

Outcome acks_echo_ids(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  const std::string topic = ctx.topic();
  STARLING_OK(c.send_bytes(publish_bytes(v, 0x32, topic, "a", 0x1234)));
  STARLING_TRY(ack, c.expect<Puback>("PUBACK"));
  STARLING_REQUIRE(ack.packet_id == 0x1234, "PUBACK id " + std::to_string(ack.packet_id));
  STARLING_OK(c.send_bytes(publish_bytes(v, 0x34, topic, "b", 0x4321)));
  STARLING_TRY(rec, c.expect<Pubrec>("PUBREC"));
  STARLING_REQUIRE(rec.packet_id == 0x4321, "PUBREC id " + std::to_string(rec.packet_id));
  STARLING_OK(c.send_bytes(std::string("\x62\x02\x43\x21", 4)));
  STARLING_TRY(comp, c.expect<Pubcomp>("PUBCOMP"));
  STARLING_REQUIRE(comp.packet_id == 0x4321, "PUBCOMP id " + std::to_string(comp.packet_id));
  return Outcome::pass();
}

Outcome sub_acks_echo_ids(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  const std::string topic = ctx.topic();
  STARLING_OK(c.send_bytes(subscribe_bytes(v, 0xABCD, topic, 1)));
  STARLING_TRY(suback, c.expect<protocol::Suback>("SUBACK"));
  STARLING_REQUIRE(suback.packet_id == 0xABCD, "SUBACK id " + std::to_string(suback.packet_id));
  STARLING_OK(c.send_bytes(unsubscribe_bytes(v, 0xBCDE, topic)));
  STARLING_TRY(unsuback, c.expect<protocol::Unsuback>("UNSUBACK"));
  STARLING_REQUIRE(unsuback.packet_id == 0xBCDE,
                   "UNSUBACK id " + std::to_string(unsuback.packet_id));
  return Outcome::pass();
}

Outcome pubrel_flags(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  STARLING_OK(c.send_bytes(publish_bytes(v, 0x34, ctx.topic(), "b", 7)));
  STARLING_TRY(rec, c.expect<Pubrec>("PUBREC"));
  return expect_closed_after(c, std::string("\x60\x02\x00\x07", 4), "PUBREL with flags 0000");
}

// The server's side of QoS 2 towards a subscriber: PUBREL after PUBREC, with
// the PUBLISH's id and fixed-header flags 0010.
Outcome server_qos2_sender(Context& ctx, Version v) {
  STARLING_TRY(p, pair(ctx, v));
  STARLING_OK(p.pub.publish(p.topic, "two", 2));
  STARLING_TRY(got, p.sub.receive_publish("the QoS 2 message"));
  STARLING_REQUIRE(got.qos == 2 && !got.dup, "first delivery qos/dup wrong");
  Pubrec rec;
  rec.packet_id = got.packet_id;
  STARLING_OK(p.sub.send(rec));
  Incoming in = p.sub.next();
  auto* rel = in.is_packet() ? std::get_if<Pubrel>(&in.packet) : nullptr;
  STARLING_REQUIRE(rel, "expected PUBREL, got " + describe(in));
  STARLING_REQUIRE(rel->packet_id == got.packet_id, "PUBREL for another id");
  STARLING_REQUIRE(static_cast<std::uint8_t>(in.raw[0]) == 0x62,
                   "PUBREL first byte " + hex(in.raw.substr(0, 1)));
  Pubcomp comp;
  comp.packet_id = got.packet_id;
  STARLING_OK(p.sub.send(comp));
  STARLING_OK(p.sub.expect_nothing("nothing after PUBCOMP"));
  return Outcome::pass();
}

// QoS 2 receiver: a repeated PUBLISH before PUBREL is acknowledged again but
// delivered once; after PUBCOMP the same id is a new message.
Outcome qos2_no_duplicate(Context& ctx, Version v) {
  STARLING_TRY(p, pair(ctx, v));
  STARLING_OK(p.pub.send_bytes(publish_bytes(v, 0x34, p.topic, "once", 9)));
  STARLING_TRY(rec1, p.pub.expect<Pubrec>("PUBREC"));
  STARLING_OK(p.pub.send_bytes(publish_bytes(v, 0x3C, p.topic, "once", 9)));
  STARLING_TRY(rec2, p.pub.expect<Pubrec>("PUBREC for the duplicate"));
  STARLING_OK(p.pub.send_bytes(std::string("\x62\x02\x00\x09", 4)));
  STARLING_TRY(comp, p.pub.expect<Pubcomp>("PUBCOMP"));
  STARLING_TRY(got, p.sub.receive_and_ack("the message"));
  Incoming extra = p.sub.next(ctx.quiet());
  STARLING_REQUIRE(extra.kind == Arrival::kTimeout, "delivered twice: " + describe(extra));
  return Outcome::pass();
}

Outcome qos2_id_reusable(Context& ctx, Version v) {
  STARLING_TRY(p, pair(ctx, v));
  for (const char* payload : {"first", "second"}) {
    Publish m;
    m.topic = p.topic;
    m.payload = payload;
    m.qos = 2;
    m.packet_id = 11;
    STARLING_OK(p.pub.publish(m));
    STARLING_TRY(got, p.sub.receive_and_ack(std::string("message '") + payload + "'"));
    STARLING_REQUIRE(got.payload == payload, "got '" + got.payload + "'");
  }
  return Outcome::pass();
}

Outcome qos1_id_reusable(Context& ctx, Version v) {
  STARLING_TRY(p, pair(ctx, v));
  for (const char* payload : {"first", "second"}) {
    Publish m;
    m.topic = p.topic;
    m.payload = payload;
    m.qos = 1;
    m.packet_id = 12;
    m.dup = std::string(payload) == "second";
    STARLING_OK(p.pub.publish(m));
    STARLING_TRY(got, p.sub.receive_and_ack(std::string("message '") + payload + "'"));
    STARLING_REQUIRE(got.payload == payload, "got '" + got.payload + "'");
  }
  return Outcome::pass();
}

// Persistent subscriber receives QoS 1 and QoS 2 messages, acknowledges none
// (or only PUBRECs the QoS 2), reconnects: the broker resends them, DUP 1,
// in order, and PUBREL instead of PUBLISH where PUBREC was received.
Outcome redelivery(Context& ctx, Version v, bool pubrec_first) {
  Connect c = persistent_connect(ctx, v);
  const std::string topic = ctx.topic();
  std::uint16_t qos2_id = 0;
  {
    STARLING_TRY(sub, connect(ctx, c));
    STARLING_OK(sub.subscribe_ok(topic, 2));
    STARLING_TRY(pub, connect(ctx, v, "pub"));
    STARLING_OK(pub.publish(topic, "m1", 1));
    STARLING_OK(pub.publish(topic, "m2", 1));
    STARLING_OK(pub.publish(topic, "m3", 2));
    for (const char* want : {"m1", "m2", "m3"}) {
      STARLING_TRY(got, sub.receive_publish(want));
      STARLING_REQUIRE(got.payload == want, "got '" + got.payload + "' expecting " + want);
      if (got.qos == 2) qos2_id = got.packet_id;
    }
    if (pubrec_first) {
      Pubrec rec;
      rec.packet_id = qos2_id;
      STARLING_OK(sub.send(rec));
      STARLING_TRY(rel, sub.expect<Pubrel>("PUBREL"));
    }
    sub.drop();
  }
  STARLING_TRY(again, connect(ctx, c));
  STARLING_REQUIRE(again.connack().session_present, "session not present on reconnect");
  for (const char* want : {"m1", "m2"}) {
    STARLING_TRY(got, again.receive_publish(std::string("resent ") + want));
    STARLING_REQUIRE(got.payload == want, "resent '" + got.payload + "' expecting " + want);
    STARLING_REQUIRE(got.dup, "resent PUBLISH has DUP 0");
    STARLING_OK(again.ack(got));
  }
  if (pubrec_first) {
    STARLING_TRY(rel, again.expect<Pubrel>("PUBREL resent instead of PUBLISH"));
    STARLING_REQUIRE(rel.packet_id == qos2_id, "PUBREL for another id");
    Pubcomp comp;
    comp.packet_id = qos2_id;
    STARLING_OK(again.send(comp));
  } else {
    STARLING_TRY(got, again.receive_publish("resent m3"));
    STARLING_REQUIRE(got.payload == "m3" && got.dup, "m3 resent wrongly");
    STARLING_OK(again.ack(got));
  }
  STARLING_OK(again.expect_nothing("nothing more"));
  return Outcome::pass();
}

Outcome no_resend_while_connected(Context& ctx, Version v) {
  STARLING_TRY(p, pair(ctx, v));
  STARLING_OK(p.pub.publish(p.topic, "once", 1));
  STARLING_TRY(got, p.sub.receive_publish("the message"));
  Incoming again = p.sub.next(Millis{ctx.quiet().count() * 2});
  STARLING_REQUIRE(again.kind == Arrival::kTimeout,
                   "resent on the same connection: " + describe(again));
  return Outcome::pass();
}

Outcome order_kept(Context& ctx, Version v) {
  STARLING_TRY(p, pair(ctx, v));
  for (std::uint8_t qos = 0; qos <= 2; ++qos) {
    for (int i = 0; i < 10; ++i) {
      STARLING_OK(p.pub.publish(p.topic, std::to_string(qos) + ":" + std::to_string(i), qos));
    }
    for (int i = 0; i < 10; ++i) {
      STARLING_TRY(got, p.sub.receive_and_ack("message " + std::to_string(i)));
      const std::string want = std::to_string(qos) + ":" + std::to_string(i);
      STARLING_REQUIRE(got.payload == want, "got '" + got.payload + "' expecting '" + want + "'");
    }
  }
  return Outcome::pass();
}

// v5: acknowledgements carry only reason codes allowed for them and respect
// the client's Maximum Packet Size.
Outcome v5_acks_valid(Context& ctx, Version) {
  Connect c = make_connect(ctx, kV5);
  c.properties.maximum_packet_size = 24;
  STARLING_TRY(client, connect(ctx, c));
  const std::string topic = ctx.topic();
  STARLING_OK(client.subscribe_ok(topic, 2));
  Properties props;
  props.user_properties = {{std::string(40, 'k'), std::string(40, 'v')}};
  Publish m;
  m.topic = topic;
  m.qos = 2;
  m.payload = "x";
  m.properties = props;
  STARLING_OK(client.publish(m));  // decodes PUBREC/PUBCOMP: codes valid for them
  m.qos = 1;
  m.packet_id = 0;
  STARLING_OK(client.publish(m));
  STARLING_OK(client.expect_alive("after the QoS flows"));
  return Outcome::pass("the forwarded copies exceed 24 bytes and must be dropped");
}

Outcome puback_error_not_resent(Context& ctx, Version) {
  Connect c = persistent_connect(ctx, kV5);
  const std::string topic = ctx.topic();
  {
    STARLING_TRY(sub, connect(ctx, c));
    STARLING_OK(sub.subscribe_ok(topic, 1));
    STARLING_TRY(pub, connect(ctx, kV5, "pub"));
    STARLING_OK(pub.publish(topic, "refused", 1));
    STARLING_TRY(got, sub.receive_publish("the message"));
    Puback ack;
    ack.packet_id = got.packet_id;
    ack.reason = ReasonCode::kUnspecifiedError;
    STARLING_OK(sub.send(ack));
    STARLING_OK(sub.expect_alive("after PUBACK 0x80"));
    sub.drop();
  }
  STARLING_TRY(again, connect(ctx, c));
  STARLING_OK(again.expect_nothing("no retransmission of a message refused with PUBACK 0x80"));
  return Outcome::pass();
}

Outcome qos2_continues_after_expiry(Context& ctx, Version) {
  STARLING_TRY(c, connect(ctx, kV5));
  Publish m;
  m.topic = ctx.topic();
  m.qos = 2;
  m.packet_id = 5;
  m.payload = "expiring";
  m.properties.message_expiry_interval = 1;
  STARLING_OK(c.send(m));
  STARLING_TRY(rec, c.expect<Pubrec>("PUBREC"));
  std::this_thread::sleep_for(Millis{1500});
  Pubrel rel;
  rel.packet_id = 5;
  STARLING_OK(c.send(rel));
  STARLING_TRY(comp, c.expect<Pubcomp>("PUBCOMP after the message expired"));
  STARLING_REQUIRE(comp.packet_id == 5, "PUBCOMP for another id");
  return Outcome::pass();
}

// A QoS 2 message already sent to a subscriber is resent on reconnect even
// after its Message Expiry Interval has passed.
Outcome sent_message_not_expired(Context& ctx, Version) {
  Connect c = persistent_connect(ctx, kV5);
  const std::string topic = ctx.topic();
  {
    STARLING_TRY(sub, connect(ctx, c));
    STARLING_OK(sub.subscribe_ok(topic, 2));
    STARLING_TRY(pub, connect(ctx, kV5, "pub"));
    Properties expiring;
    expiring.message_expiry_interval = 1;
    STARLING_OK(pub.publish(topic, "sent", 2, false, expiring));
    STARLING_TRY(got, sub.receive_publish("the message"));
    sub.drop();
  }
  std::this_thread::sleep_for(Millis{2000});
  STARLING_TRY(again, connect(ctx, c));
  STARLING_TRY(resent, again.receive_and_ack("the QoS 2 message resent though expired"));
  STARLING_REQUIRE(resent.payload == "sent" && resent.dup, "resent wrongly");
  return Outcome::pass();
}

// Runs each check in turn; the first failure is the outcome.
Outcome all_of(Context& ctx, Version v,
               std::initializer_list<Outcome (*)(Context&, Version)> checks) {
  for (auto check : checks) {
    Outcome o = check(ctx, v);
    if (o.verdict != Verdict::kPass) return o;
  }
  return Outcome::pass();
}

}  // namespace

void register_qos(Registry& r) {
  auto qos1_ids = [](Context& ctx, Version v) { return server_ids_nonzero_unused(ctx, v, 1); };
  auto qos2_ids = [](Context& ctx, Version v) { return server_ids_nonzero_unused(ctx, v, 2); };
  r.add_both("MQTT-2.3.1-1", "MQTT-2.2.1-4",
             "the server's QoS > 0 PUBLISH packets carry non-zero, unused packet ids", qos1_ids);
  r.add(kV3, "MQTT-2.3.1-4", "the server assigns packet ids like a client (QoS 2)",
        [qos2_ids](Context& ctx) { return qos2_ids(ctx, kV3); });
  r.add_both("MQTT-2.3.1-5", "MQTT-2.2.1-2", "a QoS 0 PUBLISH from the server has no packet id",
             qos0_no_packet_id);
  r.add_both("MQTT-2.3.1-6", "MQTT-2.2.1-5", "PUBACK, PUBREC and PUBCOMP echo the packet id",
             acks_echo_ids);
  r.add_both("MQTT-2.3.1-7", "MQTT-2.2.1-6", "SUBACK and UNSUBACK echo the packet id",
             sub_acks_echo_ids);
  r.add_both("MQTT-3.6.1-1", "MQTT-3.6.1-1", "a PUBREL with flags other than 0010 is closed",
             pubrel_flags);
  r.add_both("MQTT-3.3.1-1", "MQTT-3.3.1-1", "a redelivered PUBLISH has DUP 1",
             [](Context& ctx, Version v) { return redelivery(ctx, v, false); });
  r.add_both("MQTT-4.3.1-1", "MQTT-4.3.1-1", "QoS 0 is delivered with QoS 0 and DUP 0",
             qos0_no_packet_id);
  r.add_both("MQTT-4.3.2-1", "MQTT-4.3.2-1", "QoS 1 delivery uses an unused packet id, DUP 0",
             qos1_ids);
  r.add(kV5, "MQTT-4.3.2-4", "the server answers a QoS 1 PUBLISH with PUBACK carrying its id",
        [](Context& ctx) { return acks_echo_ids(ctx, kV5); });
  r.add(kV3, "MQTT-4.3.2-2",
        "QoS 1 receiver: PUBACK with the PUBLISH's id; afterwards the id is a new message",
        [](Context& ctx) {
          return all_of(ctx, kV3, {acks_echo_ids, qos1_id_reusable});
        });
  r.add(kV5, "MQTT-4.3.2-2", "QoS 1 delivery: PUBLISH with QoS 1 and DUP 0",
        [qos1_ids](Context& ctx) { return qos1_ids(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.2-3", "an unacknowledged QoS 1 message stays unacknowledged (resent)",
        [](Context& ctx) { return redelivery(ctx, kV5, false); });
  r.add(kV5, "MQTT-4.3.2-5", "after PUBACK the same packet id is a new message",
        [](Context& ctx) { return qos1_id_reusable(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.3-1", "QoS 2 delivery uses an unused packet id",
        [qos2_ids](Context& ctx) { return qos2_ids(ctx, kV5); });
  r.add(kV3, "MQTT-4.3.3-1",
        "QoS 2 sender: unused id, DUP 0, PUBREL after PUBREC with the same id and flags 0010",
        [qos2_ids](Context& ctx) {
          return all_of(ctx, kV3, {qos2_ids, server_qos2_sender});
        });
  r.add(kV5, "MQTT-4.3.3-10",
        "QoS 2 receiver: a repeated PUBLISH before PUBREL is not delivered twice",
        [](Context& ctx) { return qos2_no_duplicate(ctx, kV5); });
  r.add(kV3, "MQTT-4.3.3-2",
        "QoS 2 receiver: PUBREC, no duplicate delivery before PUBREL, then the id is new",
        [](Context& ctx) {
          return all_of(ctx, kV3, {qos2_no_duplicate, qos2_id_reusable});
        });
  r.add(kV5, "MQTT-4.3.3-2", "QoS 2 delivery: PUBLISH with QoS 2 and DUP 0",
        [qos2_ids](Context& ctx) { return qos2_ids(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.3-3", "a QoS 2 PUBLISH without PUBREC stays unacknowledged (resent)",
        [](Context& ctx) { return redelivery(ctx, kV5, false); });
  r.add(kV5, "MQTT-4.3.3-4", "after PUBREC the server sends PUBREL with the same id",
        [](Context& ctx) { return server_qos2_sender(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.3-5", "an unanswered PUBREL is resent on reconnect",
        [](Context& ctx) { return redelivery(ctx, kV5, true); });
  r.add(kV5, "MQTT-4.3.3-6", "after PUBREL the PUBLISH is not resent",
        [](Context& ctx) { return redelivery(ctx, kV5, true); });
  r.add(kV5, "MQTT-4.3.3-7", "expiry does not apply to a QoS 2 PUBLISH already sent",
        [](Context& ctx) { return sent_message_not_expired(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.3-8", "the server answers a QoS 2 PUBLISH with PUBREC carrying its id",
        [](Context& ctx) { return acks_echo_ids(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.3-11", "the server answers PUBREL with PUBCOMP carrying its id",
        [](Context& ctx) { return acks_echo_ids(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.3-12", "after PUBCOMP the same packet id is a new message",
        [](Context& ctx) { return qos2_id_reusable(ctx, kV5); });
  r.add(kV5, "MQTT-4.3.3-13", "the QoS 2 flow completes even after the message expired",
        [](Context& ctx) { return qos2_continues_after_expiry(ctx, kV5); });
  r.add_both("MQTT-4.4.0-1", "MQTT-4.4.0-1",
             "unacknowledged PUBLISH and PUBREL are resent on reconnect, never otherwise",
             [](Context& ctx, Version v) {
               Outcome o = redelivery(ctx, v, true);
               if (o.verdict != Verdict::kPass) return o;
               return no_resend_while_connected(ctx, v);
             });
  r.add(kV5, "MQTT-4.4.0-2", "a PUBACK of 0x80 or above ends the delivery (no resend)",
        [](Context& ctx) { return puback_error_not_resent(ctx, kV5); });
  r.add_both("MQTT-4.6.0-6", "MQTT-4.6.0-5",
             "messages from one client on one topic arrive in order (per QoS)", order_kept);
  r.add_both("MQTT-4.6.0-5", "MQTT-4.6.0-6", "every topic is ordered by default", order_kept);
  r.add(kV5, "MQTT-3.4.2-1", "PUBACK reason codes are from the PUBACK table",
        [](Context& ctx) { return v5_acks_valid(ctx, kV5); });
  r.add(kV5, "MQTT-3.5.2-1", "PUBREC reason codes are from the PUBREC table",
        [](Context& ctx) { return v5_acks_valid(ctx, kV5); });
  r.add(kV5, "MQTT-3.7.2-1", "PUBCOMP reason codes are from the PUBCOMP table",
        [](Context& ctx) { return v5_acks_valid(ctx, kV5); });
  r.add(kV5, "MQTT-3.6.2-1", "PUBREL reason codes are from the PUBREL table",
        [](Context& ctx) { return server_qos2_sender(ctx, kV5); });
  for (const char* id : {"MQTT-3.4.2-2", "MQTT-3.4.2-3", "MQTT-3.5.2-2", "MQTT-3.5.2-3",
                         "MQTT-3.7.2-2", "MQTT-3.7.2-3"}) {
    r.add(kV5, id, "acknowledgements add no Reason String/User Property past Maximum Packet Size",
          [](Context& ctx) { return v5_acks_valid(ctx, kV5); });
  }
}

}  // namespace starling::conformance
