// Data representation (1.5), fixed header and identifiers (2.x), PINGREQ
// (3.12), DISCONNECT (3.14), AUTH (3.15) and error handling (v3 4.8, v5 4.13).
#include "statements/common.hpp"

namespace starling::conformance {
namespace {

Outcome topic_closed(Context& ctx, Version v, std::string_view topic, std::string_view what) {
  return expect_closed_after(ctx, v, publish_bytes(v, 0x30, topic, "x"), what);
}

Outcome bom_kept(Context& ctx, Version v) {
  const std::string topic = ctx.topic() + "/\xEF\xBB\xBFz";
  STARLING_TRY(sub, subscriber(ctx, v, topic, 0));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "bom", 0));
  STARLING_TRY(got, sub.receive_publish("the message on a topic with U+FEFF"));
  STARLING_REQUIRE(got.topic == topic, "topic became " + hex(got.topic));
  return Outcome::pass();
}

Outcome pingresp(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  STARLING_OK(c.send_bytes(std::string("\xC0\x00", 2)));
  Incoming in = c.next();
  STARLING_REQUIRE(in.is_packet() && std::holds_alternative<protocol::Pingresp>(in.packet) &&
                       in.raw == std::string("\xD0\x00", 2),
                   "expected PINGRESP d0 00, got " + describe(in) + " " + hex(in.raw));
  return Outcome::pass();
}

// Fixed-header flags of what the server sends: CONNACK 20, SUBACK 90,
// PUBACK 40, PUBREC 50, PUBREL 62, PUBCOMP 70, UNSUBACK b0, PINGRESP d0.
Outcome server_flags(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  const std::string topic = ctx.topic();
  STARLING_OK(c.send_bytes(subscribe_bytes(v, 1, topic, 2)));
  Incoming suback = c.next();
  STARLING_REQUIRE(suback.is_packet(), "expected SUBACK, got " + describe(suback));
  std::string firsts = suback.raw.substr(0, 1);
  STARLING_OK(c.send_bytes(publish_bytes(v, 0x32, topic + "/x", "a", 2)));
  STARLING_OK(c.send_bytes(publish_bytes(v, 0x34, topic, "b", 3)));
  // Play both QoS 2 roles until every acknowledgement type has been seen.
  unsigned seen = 0;  // bit per packet type
  constexpr unsigned kWanted = (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 3);
  while ((seen & kWanted) != kWanted) {
    Incoming in = c.next();
    STARLING_REQUIRE(in.is_packet(), "during the QoS 2 flows: " + describe(in) +
                                         "; first bytes so far " + hex(firsts));
    firsts += in.raw[0];
    seen |= 1u << (static_cast<std::uint8_t>(in.raw[0]) >> 4);
    if (auto* p = std::get_if<Publish>(&in.packet)) {
      protocol::Pubrec rec;
      rec.packet_id = p->packet_id;
      STARLING_OK(c.send(rec));
    } else if (auto* rec = std::get_if<protocol::Pubrec>(&in.packet)) {
      protocol::Pubrel rel;
      rel.packet_id = rec->packet_id;
      STARLING_OK(c.send(rel));
    } else if (auto* rel = std::get_if<protocol::Pubrel>(&in.packet)) {
      protocol::Pubcomp comp;
      comp.packet_id = rel->packet_id;
      STARLING_OK(c.send(comp));
    }
  }
  STARLING_OK(c.send_bytes(unsubscribe_bytes(v, 4, topic)));
  Incoming unsuback = c.next();
  firsts += unsuback.raw.substr(0, 1);
  STARLING_OK(c.send_bytes(std::string("\xC0\x00", 2)));
  Incoming pong = c.next();
  firsts += pong.raw.substr(0, 1);
  for (char f : firsts) {
    const auto b = static_cast<std::uint8_t>(f);
    const auto type = b >> 4;
    if (type == 3) continue;
    const std::uint8_t want = type == 6 ? 2 : 0;
    STARLING_REQUIRE((b & 0x0F) == want, "packet type " + std::to_string(type) +
                                             " sent with flags " + std::to_string(b & 0x0F));
  }
  return Outcome::pass();
}

Outcome bad_flags_closed(Context& ctx, Version v) {
  return expect_closed_after(ctx, v, std::string("\xC1\x00", 2), "PINGREQ with flags 0001", 0x81);
}

Outcome disconnect_flags_malformed(Context& ctx, Version v) {
  Connect c = make_connect(ctx, v, "will");
  c.will = protocol::Will{ctx.topic("will"), "malformed disconnect", 0, false, {}};
  STARLING_TRY(sub, subscriber(ctx, v, c.will->topic));
  STARLING_TRY(client, connect(ctx, c));
  STARLING_OK(client.send_bytes(std::string("\xE1\x00", 2)));
  STARLING_TRY(info, client.expect_close("DISCONNECT with flags 0001"));
  STARLING_TRY(will, sub.receive_and_ack(
                         "the will (a DISCONNECT with bad flags is malformed, not a normal one)"));
  return Outcome::pass();
}

Outcome will_discarded(Context& ctx, Version v) {
  Connect c = make_connect(ctx, v, "will");
  c.will = protocol::Will{ctx.topic("will"), "w", 0, false, {}};
  STARLING_TRY(sub, subscriber(ctx, v, c.will->topic));
  STARLING_TRY(client, connect(ctx, c));
  STARLING_OK(client.send_bytes(protocol::is_v5(v) ? std::string("\xE0\x01\x00", 3)
                                                   : std::string("\xE0\x00", 2)));
  STARLING_TRY(info, client.expect_close("after the client's DISCONNECT"));
  STARLING_OK(sub.expect_nothing("no will after DISCONNECT"));
  return Outcome::pass();
}

// Provokes a server DISCONNECT (v5) by a malformed PUBLISH and returns it.
Result<Incoming> provoke_disconnect(Context& ctx, std::uint32_t max_packet_size = 0) {
  Connect c = make_connect(ctx, kV5);
  if (max_packet_size) c.properties.maximum_packet_size = max_packet_size;
  Result<Client> client = connect(ctx, c);
  if (!client) return client.error();
  if (Status s = client->send_bytes(publish_bytes(kV5, 0x36, ctx.topic(), "q3")); !s)
    return s.error();
  Incoming in = client->next();
  return in;
}

Outcome server_disconnect_valid(Context& ctx, Version, bool check_expiry) {
  STARLING_TRY(in, provoke_disconnect(ctx));
  if (in.kind == Arrival::kClosed) return Outcome::pass("closed without DISCONNECT (allowed)");
  STARLING_REQUIRE(in.is_packet(), "expected DISCONNECT or close, got " + describe(in));
  auto* d = std::get_if<protocol::Disconnect>(&in.packet);
  STARLING_REQUIRE(d, "expected DISCONNECT, got " + describe(in));
  STARLING_REQUIRE(static_cast<std::uint8_t>(d->reason) >= 0x80,
                   "DISCONNECT reason " + reason_hex(d->reason) + " for a malformed packet");
  if (check_expiry) {
    STARLING_REQUIRE(!d->properties.session_expiry_interval,
                     "the server's DISCONNECT carries a Session Expiry Interval");
  }
  return Outcome::pass();
}

// `user_property` selects which optional property the check is about.
Outcome server_disconnect_small(Context& ctx, bool user_property) {
  STARLING_TRY(in, provoke_disconnect(ctx, 16));
  if (in.raw.size() <= 16) return Outcome::pass();
  auto* d = in.is_packet() ? std::get_if<protocol::Disconnect>(&in.packet) : nullptr;
  STARLING_REQUIRE(d, describe(in) + " exceeds Maximum Packet Size 16");
  const bool has = user_property ? !d->properties.user_properties.empty()
                                 : d->properties.reason_string.has_value();
  STARLING_REQUIRE(!has, "DISCONNECT of " + std::to_string(in.raw.size()) +
                             " bytes (Maximum Packet Size 16) carries a " +
                             (user_property ? "User Property" : "Reason String") + ": " +
                             hex(in.raw));
  return Outcome::pass("oversized for other properties only");
}

Outcome nothing_after_disconnect(Context& ctx, Version) {
  STARLING_TRY(sub, connect(ctx, kV5));
  const std::string topic = ctx.topic();
  STARLING_OK(sub.subscribe_ok(topic, 0));
  STARLING_TRY(pub, connect(ctx, kV5, "pub"));
  for (int i = 0; i < 20; ++i) STARLING_OK(pub.publish(topic, std::to_string(i), 0));
  STARLING_OK(sub.send_bytes(publish_bytes(kV5, 0x36, topic, "q3")));
  bool seen_disconnect = false;
  for (;;) {
    Incoming in = sub.next();
    if (in.kind == Arrival::kClosed) break;
    STARLING_REQUIRE(in.kind == Arrival::kPacket, "expected a close, got " + describe(in));
    STARLING_REQUIRE(!seen_disconnect, "the server sent " + describe(in) + " after DISCONNECT");
    if (std::holds_alternative<protocol::Disconnect>(in.packet)) seen_disconnect = true;
  }
  return Outcome::pass(seen_disconnect ? "" : "closed without DISCONNECT");
}

Outcome no_disconnect_before_connack(Context& ctx, Version) {
  STARLING_TRY(client,
               open_raw(ctx, kV5, connect_bytes(kV5, kCleanFlag | 0x01, str(ctx.client_id()))));
  STARLING_TRY(info, client.expect_close("reserved CONNECT flag"));
  for (const Incoming& in : info.before) {
    STARLING_REQUIRE(!(in.is_packet() && std::holds_alternative<protocol::Disconnect>(in.packet)),
                     "DISCONNECT sent without a successful CONNACK: " + info.summary());
  }
  return Outcome::pass(info.summary());
}

Outcome minimal_varint(Context& ctx, Version v) {
  STARLING_TRY(sub, subscriber(ctx, v, ctx.topic(), 0));
  const std::string topic = ctx.topic();
  STARLING_OK(sub.subscribe_ok(topic, 0));
  for (std::size_t size : {10u, 200u, 20000u}) {
    STARLING_OK(sub.publish(topic, std::string(size, 'p'), 0));
    Incoming in = sub.next();
    STARLING_REQUIRE(in.is_packet(), "expected PUBLISH, got " + describe(in));
    const std::size_t length_bytes = in.raw.size() > 16384 + 3 ? 3 : in.raw.size() > 129 ? 2 : 1;
    std::size_t used = 1;
    while (static_cast<std::uint8_t>(in.raw[used]) & 0x80) ++used;
    STARLING_REQUIRE(used == length_bytes,
                     "remaining length of a " + std::to_string(in.raw.size()) +
                         "-byte packet uses " + std::to_string(used) + " bytes");
  }
  return Outcome::pass();
}

Outcome empty_properties_zero(Context& ctx, Version) {
  STARLING_TRY(c, connect(ctx, kV5));
  STARLING_OK(c.send_bytes(subscribe_bytes(kV5, 1, ctx.topic(), 0)));
  Incoming in = c.next();
  auto* s = in.is_packet() ? std::get_if<protocol::Suback>(&in.packet) : nullptr;
  STARLING_REQUIRE(s, "expected SUBACK, got " + describe(in));
  if (s->properties == Properties{}) {
    STARLING_REQUIRE(in.raw.size() == 6 && in.raw[4] == 0,
                     "SUBACK without properties is " + hex(in.raw));
  }
  return Outcome::pass();
}

}  // namespace

void register_control(Registry& r) {
  r.add_both("MQTT-1.5.3-1", "MQTT-1.5.4-1", "UTF-8 with an encoded surrogate is closed",
             [](Context& ctx, Version v) {
               return topic_closed(ctx, v, ctx.topic() + "/\xED\xA0\x80", "U+D800 in topic");
             });
  r.add_both("MQTT-1.5.3-2", "MQTT-1.5.4-2", "a string with U+0000 is closed",
             [](Context& ctx, Version v) {
               return topic_closed(ctx, v, ctx.topic() + std::string("/\0x", 3), "U+0000 in topic");
             });
  r.add_both("MQTT-1.5.3-3", "MQTT-1.5.4-3", "U+FEFF is neither skipped nor stripped", bom_kept);
  r.add(kV5, "MQTT-1.5.5-1", "the server encodes Variable Byte Integers minimally",
        [](Context& ctx) { return minimal_varint(ctx, kV5); });
  r.add(kV5, "MQTT-1.5.7-1", "a user property name that is not UTF-8 is closed", [](Context& ctx) {
    std::string props = std::string(1, '\x26') + str("k\xFF") + str("v");
    std::string body =
        str(ctx.topic()) + varint(static_cast<std::uint32_t>(props.size())) + props + "x";
    return expect_closed_after(ctx, kV5, packet(0x30, body), "ill-formed user property");
  });
  r.add_both("MQTT-2.2.2-1", "MQTT-2.1.3-1",
             "the server's packets carry the fixed-header flags the table lists", server_flags);
  r.add(kV3, "MQTT-2.2.2-2", "a packet with invalid fixed-header flags is closed",
        [](Context& ctx) { return bad_flags_closed(ctx, kV3); });
  r.add(kV5, "MQTT-2.2.2-1", "a packet without properties has Property Length 0",
        [](Context& ctx) { return empty_properties_zero(ctx, kV5); });
  r.add_both("MQTT-3.12.4-1", "MQTT-3.12.4-1", "PINGREQ is answered with PINGRESP", pingresp);
  r.add_both("MQTT-3.14.1-1", "MQTT-3.14.1-1",
             "a DISCONNECT with non-zero flags is malformed (the will is published)",
             disconnect_flags_malformed);
  r.add_both("MQTT-3.14.4-3", "MQTT-3.14.4-3", "DISCONNECT discards the will", will_discarded);
  r.add(kV5, "MQTT-3.14.0-1", "no DISCONNECT before a successful CONNACK",
        [](Context& ctx) { return no_disconnect_before_connack(ctx, kV5); });
  r.add(kV5, "MQTT-3.14.2-1", "the server's DISCONNECT uses a DISCONNECT reason code",
        [](Context& ctx) { return server_disconnect_valid(ctx, kV5, false); });
  r.add(kV5, "MQTT-3.14.2-2", "the server's DISCONNECT has no Session Expiry Interval",
        [](Context& ctx) { return server_disconnect_valid(ctx, kV5, true); });
  r.add(kV5, "MQTT-3.14.2-3", "DISCONNECT adds no Reason String past Maximum Packet Size",
        [](Context& ctx) { return server_disconnect_small(ctx, false); });
  r.add(kV5, "MQTT-3.14.2-4", "DISCONNECT adds no User Property past Maximum Packet Size",
        [](Context& ctx) { return server_disconnect_small(ctx, true); });
  r.add(kV5, "MQTT-3.14.4-1", "the server sends nothing after its DISCONNECT",
        [](Context& ctx) { return nothing_after_disconnect(ctx, kV5); });
  r.add(kV5, "MQTT-3.14.4-2", "the server closes the connection after its DISCONNECT",
        [](Context& ctx) { return nothing_after_disconnect(ctx, kV5); });
  r.add(kV5, "MQTT-3.15.1-1", "an AUTH with non-zero flags is closed", [](Context& ctx) {
    return expect_closed_after(ctx, kV5, std::string("\xF1\x00", 2), "AUTH flags 0001");
  });
  r.add(kV5, "MQTT-4.13.1-1", "a malformed packet closes the connection",
        [](Context& ctx) { return bad_flags_closed(ctx, kV5); });
  r.add(kV5, "MQTT-4.13.2-1", "after a DISCONNECT of 0x80 or above the connection is closed",
        [](Context& ctx) { return nothing_after_disconnect(ctx, kV5); });
  r.add(kV3, "MQTT-4.8.0-1", "a protocol violation closes the connection", [](Context& ctx) {
    return expect_closed_after(ctx, kV3, publish_bytes(kV3, 0x32, ctx.topic(), "x", 0),
                               "QoS 1 PUBLISH with packet id 0");
  });
}

}  // namespace starling::conformance
