// Chapters 3.1 (CONNECT) and 3.2 (CONNACK).
#include <thread>

#include "statements/common.hpp"

namespace starling::conformance {
namespace {

using namespace std::chrono_literals;

std::string id_payload(std::string_view id) {
  return str(id);
}

// Drops a client that has a will on `topic`; returns what a subscriber saw.
Result<Publish> will_after_drop(Context& ctx, Connect with_will, std::uint8_t sub_qos = 1) {
  const Version v = with_will.version;
  Result<Client> sub = subscriber(ctx, v, with_will.will->topic, sub_qos);
  if (!sub) return sub.error();
  Result<Client> dying = connect(ctx, with_will);
  if (!dying) return dying.error();
  dying->drop();
  Result<Publish> will = sub->receive_and_ack("the will message");
  return will;
}

Connect with_will(Context& ctx, Version v, std::uint8_t qos = 0, bool retain = false) {
  Connect c = make_connect(ctx, v, "will");
  c.will = protocol::Will{ctx.topic("will"), "gone", qos, retain, {}};
  return c;
}

Outcome persistent_resume(Context& ctx, Version v) {
  Connect c = persistent_connect(ctx, v);
  const std::string topic = ctx.topic();
  STARLING_OK(offline_session(ctx, c, topic, 1));
  STARLING_TRY(again, connect(ctx, c));
  STARLING_REQUIRE(again.connack().session_present, "session present is 0 on resuming");
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "resumed", 1));
  STARLING_TRY(got, again.receive_publish("a message for the resumed subscription"));
  STARLING_REQUIRE(got.payload == "resumed", "wrong payload");
  return Outcome::pass();
}

Outcome stores_while_offline(Context& ctx, Version v) {
  Connect c = persistent_connect(ctx, v);
  const std::string topic = ctx.topic();
  STARLING_OK(offline_session(ctx, c, topic, 2));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "q1", 1));
  STARLING_OK(pub.publish(topic, "q2", 2));
  STARLING_TRY(again, connect(ctx, c));
  STARLING_TRY(m1, again.receive_and_ack("the QoS 1 message stored while offline"));
  STARLING_TRY(m2, again.receive_and_ack("the QoS 2 message stored while offline"));
  STARLING_REQUIRE(m1.payload == "q1" && m2.payload == "q2",
                   "stored messages arrived as '" + m1.payload + "', '" + m2.payload + "'");
  return Outcome::pass();
}

Outcome clean_discards(Context& ctx, Version v) {
  Connect c = persistent_connect(ctx, v);
  const std::string topic = ctx.topic();
  STARLING_OK(offline_session(ctx, c, topic, 1));
  c.clean_start = true;
  STARLING_TRY(again, connect(ctx, c));
  STARLING_REQUIRE(!again.connack().session_present, "session present is 1 with clean start");
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "old subscription", 1));
  STARLING_OK(again.expect_nothing("no message for the discarded subscription"));
  return Outcome::pass();
}

Outcome new_session_when_none(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, persistent_connect(ctx, v)));
  STARLING_REQUIRE(!c.connack().session_present, "session present is 1 for an unknown client id");
  const std::string topic = ctx.topic();
  STARLING_OK(c.subscribe_ok(topic, 0));
  STARLING_OK(c.publish(topic, "x", 0));
  STARLING_TRY(got, c.receive_publish("own message through the new session"));
  return Outcome::pass();
}

Outcome will_published(Context& ctx, Version v) {
  STARLING_TRY(will, will_after_drop(ctx, with_will(ctx, v)));
  STARLING_REQUIRE(will.payload == "gone", "will payload is '" + will.payload + "'");
  return Outcome::pass();
}

Outcome will_not_on_disconnect(Context& ctx, Version v) {
  Connect c = with_will(ctx, v);
  STARLING_TRY(sub, subscriber(ctx, v, c.will->topic));
  STARLING_TRY(leaving, connect(ctx, c));
  leaving.disconnect();
  return sub.expect_nothing("no will after a normal DISCONNECT").ok()
             ? Outcome::pass()
             : Outcome::fail("the will was published after DISCONNECT (reason 0x00)");
}

Outcome will_retain_flag(Context& ctx, Version v, bool retain) {
  Connect c = with_will(ctx, v, 0, retain);
  STARLING_TRY(will, will_after_drop(ctx, c));
  Result<Publish> kept = fetch_retained(ctx, v, c.will->topic);
  if (retain && !kept) return Outcome::fail("the will with Will Retain 1 was not retained");
  if (!retain && kept) return Outcome::fail("the will with Will Retain 0 was retained");
  if (retain) (void)connect(ctx, v).value().publish(c.will->topic, "", 0, true);
  return Outcome::pass();
}

Outcome keep_alive_enforced(Context& ctx, Version v) {
  Connect c = make_connect(ctx, v, "ka");
  c.keep_alive = 2;
  STARLING_TRY(client, connect(ctx, c));
  if (client.connack().properties.server_keep_alive &&
      *client.connack().properties.server_keep_alive != 1) {
    const auto k = *client.connack().properties.server_keep_alive;
    if (k == 0 || k > 4) {
      return Outcome::pass("the broker replaced keep alive with Server Keep Alive " +
                           std::to_string(k) + "; not waited for");
    }
    c.keep_alive = k;
  }
  const auto start = std::chrono::steady_clock::now();
  // A second of slack over 1.5 x Keep Alive for timer granularity.
  const Millis limit = Millis{c.keep_alive * 1500 + 1000};
  (void)client.send_bytes(std::string("\xC0\x00", 2));  // start the period from a packet
  Incoming pong = client.next();
  STARLING_REQUIRE(pong.is_packet(), "no PINGRESP: " + describe(pong));
  STARLING_TRY(info, client.expect_close("keep alive expired", limit));
  const auto took = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
  STARLING_REQUIRE(took >= Millis{c.keep_alive * 1000 - 100},
                   "closed after " + std::to_string(took.count()) + " ms, before the keep alive");
  return Outcome::pass("closed after " + std::to_string(took.count()) + " ms");
}

Outcome takeover(Context& ctx, Version v) {
  Connect c = make_connect(ctx, v, "dup");
  STARLING_TRY(first, connect(ctx, c));
  STARLING_TRY(second, connect(ctx, c));
  STARLING_TRY(info, first.expect_close("the older connection with the same client id"));
  if (protocol::is_v5(v)) {
    STARLING_REQUIRE(info.disconnect_reason == ReasonCode::kSessionTakenOver,
                     "expected DISCONNECT 0x8e before the close, got: " + info.summary());
  }
  STARLING_OK(second.expect_alive("the new connection"));
  return Outcome::pass();
}

Outcome rejected_not_processed(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  std::string bytes = connect_bytes(v, kCleanFlag, id_payload(ctx.client_id()), {}, 60, "MQTT", 9);
  bytes += publish_bytes(v, 0x31, topic, "must not be processed");
  STARLING_TRY(client, open_raw(ctx, v, bytes));
  STARLING_TRY(info, client.expect_close("the refused connection"));
  Result<Publish> kept = fetch_retained(ctx, v, topic);
  STARLING_REQUIRE(!kept, "a PUBLISH after a refused CONNECT was processed (retained)");
  return Outcome::pass(info.summary());
}

Outcome connack_first_on_resume(Context& ctx, Version v) {
  Connect c = persistent_connect(ctx, v);
  const std::string topic = ctx.topic();
  STARLING_OK(offline_session(ctx, c, topic, 1));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(topic, "queued", 1));
  STARLING_TRY(raw, open_raw(ctx, v, encode(c, v)));
  Incoming in = raw.next();
  STARLING_REQUIRE(in.is_packet() && std::holds_alternative<protocol::Connack>(in.packet),
                   "first packet from the broker is " + describe(in));
  return Outcome::pass();
}

// A CONNECT the broker must refuse with a CONNACK: v3, a zero-length client id
// with clean session 0 (0x02); v5, an Authentication Method no broker knows
// (0x8C, or 0x87 per 4.12).
std::string refused_connect(Context& ctx, Version v) {
  if (!protocol::is_v5(v)) return connect_bytes(v, 0, id_payload(""));
  return connect_bytes(v, kCleanFlag, id_payload(ctx.client_id()),
                       std::string(1, '\x15') + str("cf-no-such-method-" + ctx.run_id()));
}

Outcome refused_session_present_zero(Context& ctx, Version v) {
  std::string bytes = refused_connect(ctx, v);
  STARLING_TRY(client, open_raw(ctx, v, bytes));
  Incoming in = client.next();
  if (in.kind == Arrival::kClosed) return Outcome::pass("closed without CONNACK");
  STARLING_REQUIRE(in.raw.size() >= 4 && static_cast<std::uint8_t>(in.raw[0]) == 0x20,
                   "expected a CONNACK or a close, got " + describe(in));
  STARLING_REQUIRE(in.raw[2] == 0, "session present is set in a refusing CONNACK: " + hex(in.raw));
  STARLING_REQUIRE(in.raw[3] != 0, "the CONNACK accepted the connection");
  return Outcome::pass();
}

Outcome refused_then_closed(Context& ctx, Version v) {
  std::string bytes = refused_connect(ctx, v);
  STARLING_TRY(client, open_raw(ctx, v, bytes));
  STARLING_TRY(info, client.expect_close("after a refusing CONNACK"));
  return Outcome::pass(info.summary());
}

void register_v311(Registry& r) {
  auto add = [&](const char* id, const char* text, auto fn) {
    r.add(kV3, id, text, [fn](Context& ctx) { return fn(ctx, kV3); });
  };
  add("MQTT-3.1.2-4", "clean session 0 resumes the stored session", persistent_resume);
  add("MQTT-3.1.2-5", "QoS 1 and 2 messages are stored for a disconnected clean-session-0 client",
      stores_while_offline);
  add("MQTT-3.1.2-6", "clean session 1 discards the previous session", clean_discards);
  add("MQTT-3.1.2-7", "retained messages survive the end of the publisher's session",
      [](Context& ctx, Version) {
        const std::string topic = ctx.topic();
        {
          STARLING_TRY(pub, connect(ctx, kV3, "pub"));
          STARLING_OK(pub.publish(topic, "kept", 1, true));
          pub.disconnect();
        }
        STARLING_TRY(kept, fetch_retained(ctx, kV3, topic));
        STARLING_REQUIRE(kept.payload == "kept", "wrong retained payload");
        (void)connect(ctx, kV3).value().publish(topic, "", 0, true);
        return Outcome::pass();
      });
  add("MQTT-3.1.2-8", "the will is published when the connection closes without DISCONNECT",
      will_published);
  add("MQTT-3.1.2-10", "the will is removed on DISCONNECT", will_not_on_disconnect);
  add("MQTT-3.1.2-12", "no will is published for a connection with Will Flag 0",
      [](Context& ctx, Version) {
        const std::string topic = ctx.topic();
        STARLING_TRY(sub, subscriber(ctx, kV3, topic));
        STARLING_TRY(c, connect(ctx, kV3));
        c.drop();
        STARLING_OK(sub.expect_nothing("no message after a will-less client dropped"));
        return Outcome::pass();
      });
  add("MQTT-3.1.2-16", "Will Retain 0 publishes the will non-retained",
      [](Context& ctx, Version v) { return will_retain_flag(ctx, v, false); });
  add("MQTT-3.1.2-17", "Will Retain 1 publishes the will retained",
      [](Context& ctx, Version v) { return will_retain_flag(ctx, v, true); });
  add("MQTT-3.1.2-22", "Password Flag 1 with User Name Flag 0 is refused",
      [](Context& ctx, Version) {
        return expect_refused(
            ctx, kV3,
            connect_bytes(kV3, kCleanFlag | kPasswordFlag, str(ctx.client_id()) + str("pw")),
            "password without user name");
      });
  add("MQTT-3.1.2-24", "the server closes the connection after 1.5 x Keep Alive of silence",
      keep_alive_enforced);
  add("MQTT-3.1.3-6",
      "a zero-length client id with clean session 1 is accepted or refused with 0x02",
      [](Context& ctx, Version) {
        STARLING_TRY(client, open_raw(ctx, kV3, connect_bytes(kV3, kCleanFlag, str(""))));
        STARLING_TRY(ack, client.expect<protocol::Connack>("CONNACK"));
        if (ack.reason == ReasonCode::kSuccess) return Outcome::pass("accepted");
        STARLING_REQUIRE(ack.reason == ReasonCode::kClientIdentifierNotValid,
                         "refused with " + reason_hex(ack.reason));
        return Outcome::pass("refused with 0x02 (allowed)");
      });
  add("MQTT-3.1.3-8", "a zero-length client id with clean session 0 gets CONNACK 0x02 and a close",
      [](Context& ctx, Version) {
        STARLING_TRY(client, open_raw(ctx, kV3, connect_bytes(kV3, 0, str(""))));
        STARLING_TRY(ack, client.expect<protocol::Connack>("CONNACK 0x02"));
        STARLING_REQUIRE(ack.reason == ReasonCode::kClientIdentifierNotValid,
                         "CONNACK " + reason_hex(ack.reason));
        STARLING_TRY(info, client.expect_close("after CONNACK 0x02"));
        return Outcome::pass();
      });
  add("MQTT-3.2.2-1", "clean session 1: CONNACK session present 0", clean_discards);
  add("MQTT-3.2.2-2", "clean session 0 with a stored session: session present 1",
      persistent_resume);
  add("MQTT-3.2.2-3", "clean session 0 without a stored session: session present 0",
      new_session_when_none);
  add("MQTT-3.2.2-4", "a refusing CONNACK has session present 0", refused_session_present_zero);
  add("MQTT-3.2.2-5", "after a refusing CONNACK the server closes the connection",
      refused_then_closed);
  add("MQTT-3.2.2-6", "a CONNECT no return code fits (reserved flag set) is closed without CONNACK",
      [](Context& ctx, Version) {
        STARLING_TRY(client, open_raw(ctx, kV3,
                                      connect_bytes(kV3, kCleanFlag | 0x01, str(ctx.client_id()))));
        STARLING_TRY(info, client.expect_close("reserved flag set"));
        STARLING_REQUIRE(!info.connack_reason, "sent a CONNACK: " + info.summary());
        return Outcome::pass();
      });
}

void register_v5(Registry& r) {
  auto add = [&](const char* id, const char* text, auto fn) {
    r.add(kV5, id, text, [fn](Context& ctx) { return fn(ctx, kV5); });
  };
  add("MQTT-3.1.2-4", "clean start 1 discards the existing session", clean_discards);
  add("MQTT-3.1.2-5", "clean start 0 resumes an existing session", persistent_resume);
  add("MQTT-3.1.2-6", "clean start 0 without a session creates a new one", new_session_when_none);
  add("MQTT-3.1.2-7", "the will is stored with the session and published when it applies",
      [](Context& ctx, Version) {
        STARLING_TRY(will, will_after_drop(ctx, with_will(ctx, kV5, 1)));
        STARLING_REQUIRE(will.qos == 1, "will delivered at QoS " + std::to_string(will.qos));
        return Outcome::pass();
      });
  add("MQTT-3.1.2-8", "the will is published after an unexpected close", will_published);
  add("MQTT-3.1.2-10", "the will is removed on DISCONNECT 0x00", will_not_on_disconnect);
  add("MQTT-3.1.2-14", "Will Retain 0 publishes the will non-retained",
      [](Context& ctx, Version v) { return will_retain_flag(ctx, v, false); });
  add("MQTT-3.1.2-15", "Will Retain 1 publishes the will retained",
      [](Context& ctx, Version v) { return will_retain_flag(ctx, v, true); });
  add("MQTT-3.1.2-22", "the server closes the connection after 1.5 x Keep Alive of silence",
      keep_alive_enforced);
  add("MQTT-3.2.2-22", "without Server Keep Alive the client's Keep Alive is enforced",
      keep_alive_enforced);
  add("MQTT-3.1.2-23", "session state is kept after the connection closes (expiry > 0)",
      stores_while_offline);
  add("MQTT-3.1.3-6", "a zero-length client id is accepted as a new unique id, or refused",
      [](Context& ctx, Version) {
        STARLING_TRY(client, open_raw(ctx, kV5, connect_bytes(kV5, kCleanFlag, str(""))));
        STARLING_TRY(ack, client.expect<protocol::Connack>("CONNACK"));
        if (ack.reason == ReasonCode::kClientIdentifierNotValid) {
          return Outcome::pass("refused with 0x85 (allowed)");
        }
        STARLING_REQUIRE(ack.reason == ReasonCode::kSuccess, "CONNACK " + reason_hex(ack.reason));
        STARLING_OK(client.expect_alive("session for the assigned id"));
        return Outcome::pass();
      });
  add("MQTT-3.1.3-7", "an accepted zero-length client id gets an Assigned Client Identifier",
      [](Context& ctx, Version) {
        STARLING_TRY(client, open_raw(ctx, kV5, connect_bytes(kV5, kCleanFlag, str(""))));
        STARLING_TRY(ack, client.expect<protocol::Connack>("CONNACK"));
        if (ack.reason != ReasonCode::kSuccess) return Outcome::pass("refused (allowed)");
        STARLING_REQUIRE(ack.properties.assigned_client_identifier &&
                             !ack.properties.assigned_client_identifier->empty(),
                         "CONNACK has no Assigned Client Identifier");
        return Outcome::pass();
      });
  add("MQTT-3.2.2-16", "assigned client identifiers are unique", [](Context& ctx, Version) {
    STARLING_TRY(a, open_raw(ctx, kV5, connect_bytes(kV5, kCleanFlag, str(""))));
    STARLING_TRY(b, open_raw(ctx, kV5, connect_bytes(kV5, kCleanFlag, str(""))));
    STARLING_TRY(ack_a, a.expect<protocol::Connack>("CONNACK"));
    STARLING_TRY(ack_b, b.expect<protocol::Connack>("CONNACK"));
    if (ack_a.reason != ReasonCode::kSuccess) {
      return Outcome::not_applicable("the broker refuses zero-length client ids");
    }
    STARLING_REQUIRE(
        ack_a.properties.assigned_client_identifier && ack_b.properties.assigned_client_identifier,
        "no Assigned Client Identifier");
    STARLING_REQUIRE(*ack_a.properties.assigned_client_identifier !=
                         *ack_b.properties.assigned_client_identifier,
                     "the same id was assigned twice");
    return Outcome::pass();
  });
  add("MQTT-3.1.3-9", "a reconnect before the Will Delay Interval ends suppresses the will",
      [](Context& ctx, Version) {
        Connect c = persistent_connect(ctx, kV5, 60);
        c.will = protocol::Will{ctx.topic("will"), "late", 0, false, {}};
        c.will->properties.will_delay_interval = 2;
        STARLING_TRY(sub, subscriber(ctx, kV5, c.will->topic));
        {
          STARLING_TRY(first, connect(ctx, c));
          first.drop();
        }
        c.will.reset();
        STARLING_TRY(again, connect(ctx, c));
        Incoming in = sub.next(Millis{2800});
        STARLING_REQUIRE(
            in.kind == Arrival::kTimeout,
            "after reconnecting within the will delay the subscriber got " + describe(in));
        again.disconnect();
        return Outcome::pass();
      });
  add("MQTT-3.1.3-10", "the will's user properties keep their order", [](Context& ctx, Version) {
    Connect c = with_will(ctx, kV5);
    c.will->properties.user_properties = {{"z", "1"}, {"a", "2"}, {"z", "3"}, {"m", "4"}};
    STARLING_TRY(will, will_after_drop(ctx, c));
    STARLING_REQUIRE(will.properties.user_properties == c.will->properties.user_properties,
                     "user properties changed or reordered");
    return Outcome::pass();
  });
  r.add_both("MQTT-3.1.3-2", "MQTT-3.1.3-2", "the client id identifies the session",
             [](Context& ctx, Version v) {
               Connect c = persistent_connect(ctx, v);
               STARLING_OK(offline_session(ctx, c, ctx.topic(), 1));
               Connect other = persistent_connect(ctx, v);
               STARLING_TRY(b, connect(ctx, other));
               STARLING_REQUIRE(!b.connack().session_present, "another client id got the session");
               STARLING_TRY(a, connect(ctx, c));
               STARLING_REQUIRE(a.connack().session_present,
                                "the session was not found by its client id");
               return Outcome::pass();
             });
  add("MQTT-3.1.4-4", "the server performs clean start processing", clean_discards);
  add("MQTT-3.1.4-6", "data after a refused CONNECT is not processed", rejected_not_processed);
  add("MQTT-3.2.0-2", "the server sends only one CONNACK", [](Context& ctx, Version) {
    STARLING_TRY(c, connect(ctx, kV5));
    Incoming in = c.next(ctx.quiet());
    STARLING_REQUIRE(in.kind == Arrival::kTimeout, "after CONNACK the broker sent " + describe(in));
    STARLING_OK(c.expect_alive("after CONNACK"));
    return Outcome::pass();
  });
  add("MQTT-3.2.2-1", "CONNACK reserved flag bits 7-1 are 0", [](Context& ctx, Version) {
    STARLING_TRY(c, open_raw(ctx, kV5, encode(make_connect(ctx, kV5), kV5)));
    Incoming in = c.next();
    STARLING_REQUIRE(in.raw.size() >= 3 && static_cast<std::uint8_t>(in.raw[0]) == 0x20,
                     "expected CONNACK, got " + describe(in));
    STARLING_REQUIRE((static_cast<std::uint8_t>(in.raw[2]) & 0xFE) == 0,
                     "acknowledge flags " + hex(in.raw.substr(2, 1)));
    return Outcome::pass();
  });
  add("MQTT-3.2.2-2", "clean start 1: session present 0", clean_discards);
  add("MQTT-3.2.2-3", "session present reflects whether a session was resumed",
      [](Context& ctx, Version v) {
        Outcome a = new_session_when_none(ctx, v);
        if (a.verdict != Verdict::kPass) return a;
        return persistent_resume(ctx, v);
      });
  add("MQTT-3.2.2-6", "a CONNACK with a non-zero reason has session present 0",
      refused_session_present_zero);
  add("MQTT-3.2.2-7", "after a CONNACK of 0x80 or above the server closes the connection",
      refused_then_closed);
  add("MQTT-3.2.2-8", "CONNACK reason codes are from the CONNACK table", [](Context& ctx, Version) {
    // The decoder refuses codes CONNACK may not carry; try a success and a refusal.
    STARLING_TRY(ok, connect(ctx, kV5));
    STARLING_TRY(c, open_raw(ctx, kV5, refused_connect(ctx, kV5)));
    Incoming in = c.next();
    STARLING_REQUIRE(in.kind != Arrival::kUndecodable, "CONNACK does not decode: " + in.error);
    return Outcome::pass();
  });
  add("MQTT-3.1.2-28", "Request Response Information 0: no Response Information in CONNACK",
      [](Context& ctx, Version) {
        Connect c = make_connect(ctx, kV5);
        c.properties.request_response_information = 0;
        STARLING_TRY(client, connect(ctx, c));
        STARLING_REQUIRE(!client.connack().properties.response_information,
                         "CONNACK carries Response Information");
        return Outcome::pass();
      });
  add("MQTT-3.2.2-19", "no Reason String that would make CONNACK exceed Maximum Packet Size",
      [](Context& ctx, Version) {
        Connect c = make_connect(ctx, kV5);
        c.properties.maximum_packet_size = 32;
        STARLING_TRY(client, open_raw(ctx, kV5, encode(c, kV5)));
        Incoming in = client.next();
        STARLING_REQUIRE(in.is_packet(), "expected CONNACK, got " + describe(in));
        auto* ack = std::get_if<protocol::Connack>(&in.packet);
        STARLING_REQUIRE(ack, "expected CONNACK, got " + describe(in));
        STARLING_REQUIRE(!ack->properties.reason_string || in.raw.size() <= 32,
                         "CONNACK of " + std::to_string(in.raw.size()) +
                             " bytes carries a Reason String beyond Maximum Packet Size 32");
        return Outcome::pass();
      });
  add("MQTT-3.2.2-20", "no User Property that would make CONNACK exceed Maximum Packet Size",
      [](Context& ctx, Version) {
        Connect c = make_connect(ctx, kV5);
        c.properties.maximum_packet_size = 32;
        STARLING_TRY(client, open_raw(ctx, kV5, encode(c, kV5)));
        Incoming in = client.next();
        auto* ack = in.is_packet() ? std::get_if<protocol::Connack>(&in.packet) : nullptr;
        STARLING_REQUIRE(ack, "expected CONNACK, got " + describe(in));
        STARLING_REQUIRE(ack->properties.user_properties.empty() || in.raw.size() <= 32,
                         "CONNACK carries User Properties beyond Maximum Packet Size 32");
        return Outcome::pass();
      });
}

// Statements whose check is the same in both versions.
void register_shared(Registry& r) {
  r.add_both("MQTT-3.1.0-1", "MQTT-3.1.0-1", "a first packet other than CONNECT is closed",
             [](Context& ctx, Version v) {
               return expect_refused(ctx, v, std::string("\xC0\x00", 2), "PINGREQ before CONNECT");
             });
  r.add_both("MQTT-3.1.0-2", "MQTT-3.1.0-2", "a second CONNECT is a protocol violation",
             [](Context& ctx, Version v) {
               return expect_closed_after(ctx, v, encode(make_connect(ctx, v), v),
                                          "second CONNECT");
             });
  r.add_both("MQTT-3.1.2-1", "MQTT-3.1.2-1", "a wrong protocol name is not accepted",
             [](Context& ctx, Version v) {
               return expect_refused(
                   ctx, v, connect_bytes(v, kCleanFlag, str(ctx.client_id()), {}, 60, "MQTX"),
                   "protocol name MQTX");
             });
  r.add_both("MQTT-3.1.2-2", "MQTT-3.1.2-2",
             "an unsupported protocol level is refused (v3: CONNACK 0x01) and closed",
             [](Context& ctx, Version v) {
               STARLING_TRY(client, open_raw(ctx, v,
                                             connect_bytes(v, kCleanFlag, str(ctx.client_id()), {},
                                                           60, "MQTT", 9)));
               STARLING_TRY(info, client.expect_close("protocol level 9"));
               if (v == kV3) {
                 STARLING_REQUIRE(info.connack_reason == ReasonCode::kUnsupportedProtocolVersion,
                                  "expected CONNACK 0x01 before the close, got " + info.summary());
               } else if (info.connack_reason) {
                 STARLING_REQUIRE(*info.connack_reason == ReasonCode::kUnsupportedProtocolVersion,
                                  "CONNACK " + reason_hex(*info.connack_reason));
               }
               return Outcome::pass(info.summary());
             });
  r.add_both("MQTT-3.1.2-3", "MQTT-3.1.2-3", "the reserved CONNECT flag must be 0",
             [](Context& ctx, Version v) {
               return expect_refused(ctx, v,
                                     connect_bytes(v, kCleanFlag | 0x01, str(ctx.client_id())),
                                     "reserved flag set");
             });
  r.add_both("MQTT-3.1.2-9", "MQTT-3.1.2-9", "Will Flag 1 without will fields is refused",
             [](Context& ctx, Version v) {
               return expect_refused(ctx, v,
                                     connect_bytes(v, kCleanFlag | kWillFlag, str(ctx.client_id())),
                                     "will flag without will topic");
             });
  r.add_both("MQTT-3.1.2-11", "MQTT-3.1.2-11", "Will Flag 0 with Will QoS 1 is refused",
             [](Context& ctx, Version v) {
               return expect_refused(ctx, v,
                                     connect_bytes(v, kCleanFlag | kWillQos1, str(ctx.client_id())),
                                     "will QoS without will flag");
             });
  r.add(kV3, "MQTT-3.1.2-13", "Will Flag 0 with Will QoS 2 is refused", [](Context& ctx) {
    const Version v = kV3;
    return expect_refused(ctx, v, connect_bytes(v, kCleanFlag | kWillQos2, str(ctx.client_id())),
                          "will QoS 2 without will flag");
  });
  r.add_both("MQTT-3.1.2-14", "MQTT-3.1.2-12", "Will QoS 3 is refused",
             [](Context& ctx, Version v) {
               return expect_refused(
                   ctx, v,
                   connect_bytes(v, kCleanFlag | kWillFlag | kWillQos1 | kWillQos2,
                                 str(ctx.client_id()) + will_fields(v, ctx.topic(), "x")),
                   "will QoS 3");
             });
  r.add_both("MQTT-3.1.2-15", "MQTT-3.1.2-13", "Will Flag 0 with Will Retain 1 is refused",
             [](Context& ctx, Version v) {
               return expect_refused(
                   ctx, v, connect_bytes(v, kCleanFlag | kWillRetain, str(ctx.client_id())),
                   "will retain without will flag");
             });
  r.add_both("MQTT-3.1.2-18", "MQTT-3.1.2-16",
             "User Name Flag 0: the payload ends after the client id (and will) and is accepted",
             [](Context& ctx, Version v) {
               STARLING_TRY(c,
                            open_raw(ctx, v, connect_bytes(v, kCleanFlag, str(ctx.client_id()))));
               STARLING_TRY(ack, c.expect<protocol::Connack>("CONNACK"));
               STARLING_REQUIRE(ack.reason == ReasonCode::kSuccess, "refused");
               return Outcome::pass();
             });
  r.add_both("MQTT-3.1.2-19", "MQTT-3.1.2-17", "User Name Flag 1 without a user name is refused",
             [](Context& ctx, Version v) {
               return expect_refused(ctx, v,
                                     connect_bytes(v, kCleanFlag | kUserFlag, str(ctx.client_id())),
                                     "user name flag, no user name");
             });
  r.add_both("MQTT-3.1.2-20", "MQTT-3.1.2-18",
             "Password Flag 0 with a user name: CONNECT without password is read correctly",
             [](Context& ctx, Version v) {
               STARLING_TRY(c, open_raw(ctx, v,
                                        connect_bytes(v, kCleanFlag | kUserFlag,
                                                      str(ctx.client_id()) + str("user"))));
               STARLING_TRY(ack, c.expect<protocol::Connack>("CONNACK"));
               if (ack.reason != ReasonCode::kSuccess) {
                 return Outcome::pass("refused with " + reason_hex(ack.reason) +
                                      " (authentication policy); the packet was parsed");
               }
               return Outcome::pass();
             });
  r.add_both("MQTT-3.1.2-21", "MQTT-3.1.2-19", "Password Flag 1 without a password is refused",
             [](Context& ctx, Version v) {
               return expect_refused(ctx, v,
                                     connect_bytes(v, kCleanFlag | kUserFlag | kPasswordFlag,
                                                   str(ctx.client_id()) + str("user")),
                                     "password flag, no password");
             });
  r.add_both("MQTT-3.1.3-1", "MQTT-3.1.3-1",
             "a payload with every field in order (id, will, user, password) is accepted",
             [](Context& ctx, Version v) {
               const std::string topic = ctx.topic("will");
               STARLING_TRY(sub, subscriber(ctx, v, topic));
               STARLING_TRY(
                   c, open_raw(ctx, v,
                               connect_bytes(v, kCleanFlag | kWillFlag | kUserFlag | kPasswordFlag,
                                             str(ctx.client_id()) + will_fields(v, topic, "w") +
                                                 str("u") + str("p"))));
               STARLING_TRY(ack, c.expect<protocol::Connack>("CONNACK"));
               if (ack.reason != ReasonCode::kSuccess) {
                 return Outcome::pass("refused with " + reason_hex(ack.reason) +
                                      " (authentication policy)");
               }
               c.drop();
               STARLING_TRY(will, sub.receive_and_ack("the will"));
               STARLING_REQUIRE(will.payload == "w", "will payload '" + will.payload + "'");
               return Outcome::pass();
             });
  r.add_both("MQTT-3.1.3-3", "MQTT-3.1.3-3", "a CONNECT without a client id is refused",
             [](Context& ctx, Version v) {
               return expect_refused(ctx, v, connect_bytes(v, kCleanFlag, ""), "no client id");
             });
  r.add_both("MQTT-3.1.3-4", "MQTT-3.1.3-4", "a client id that is not UTF-8 is refused",
             [](Context& ctx, Version v) {
               return expect_refused(
                   ctx, v, connect_bytes(v, kCleanFlag, str(ctx.client_id() + "\xC0\xAF")),
                   "ill-formed UTF-8 client id");
             });
  r.add_both("MQTT-3.1.3-5", "MQTT-3.1.3-5", "a 23-byte alphanumeric client id is accepted",
             [](Context& ctx, Version v) {
               std::string id = ctx.client_id("Z");
               std::string alnum;
               for (char ch : id) {
                 if (std::isalnum(static_cast<unsigned char>(ch))) alnum += ch;
               }
               alnum = (alnum + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
                           .substr(0, 23);
               STARLING_TRY(c, open_raw(ctx, v, connect_bytes(v, kCleanFlag, str(alnum))));
               STARLING_TRY(ack, c.expect<protocol::Connack>("CONNACK"));
               STARLING_REQUIRE(ack.reason == ReasonCode::kSuccess,
                                "client id " + alnum + " refused with " + reason_hex(ack.reason));
               return Outcome::pass();
             });
  r.add_both("MQTT-3.1.3-9", "MQTT-3.1.3-8",
             "a refused client id gets CONNACK 0x02/0x85 and a close (acceptance allowed)",
             [](Context& ctx, Version v) {
               std::string id = ctx.client_id() + std::string(200, 'x') + " +#/";
               STARLING_TRY(c, open_raw(ctx, v, connect_bytes(v, kCleanFlag, str(id))));
               STARLING_TRY(ack, c.expect<protocol::Connack>("CONNACK"));
               if (ack.reason == ReasonCode::kSuccess) {
                 return Outcome::pass("the broker accepts this client id (allowed)");
               }
               STARLING_REQUIRE(ack.reason == ReasonCode::kClientIdentifierNotValid,
                                "refused with " + reason_hex(ack.reason));
               STARLING_TRY(info, c.expect_close("after refusing the client id"));
               return Outcome::pass("refused");
             });
  r.add_both("MQTT-3.1.3-10", "MQTT-3.1.3-11", "a will topic that is not UTF-8 is refused",
             [](Context& ctx, Version v) {
               return expect_refused(
                   ctx, v,
                   connect_bytes(v, kCleanFlag | kWillFlag,
                                 str(ctx.client_id()) + will_fields(v, "a/\xED\xA0\x80", "x")),
                   "will topic with a surrogate");
             });
  r.add_both("MQTT-3.1.3-11", "MQTT-3.1.3-12", "a user name that is not UTF-8 is refused",
             [](Context& ctx, Version v) {
               return expect_refused(
                   ctx, v,
                   connect_bytes(v, kCleanFlag | kUserFlag, str(ctx.client_id()) + str("u\xFF")),
                   "user name with 0xFF");
             });
  r.add_both(
      "MQTT-3.1.4-1", "MQTT-3.1.4-1", "a truncated CONNECT is closed", [](Context& ctx, Version v) {
        std::string body = str("MQTT") + static_cast<char>(v) + static_cast<char>(kCleanFlag);
        return expect_refused(ctx, v, packet(0x10, body), "CONNECT without keep alive");
      });
  r.add_both("MQTT-3.1.4-2", "MQTT-3.1.4-3",
             "a new connection with an existing client id closes the existing one", takeover);
  r.add(kV3, "MQTT-3.1.4-3", "clean session processing on CONNECT",
        [](Context& ctx) { return clean_discards(ctx, kV3); });
  r.add_both("MQTT-3.1.4-4", "MQTT-3.1.4-5", "an accepted CONNECT gets CONNACK 0x00",
             [](Context& ctx, Version v) {
               STARLING_TRY(c, connect(ctx, v));
               return Outcome::pass();
             });
  r.add(kV3, "MQTT-3.1.4-5",
        "after refusing CONNECT the server processes nothing more from the client",
        [](Context& ctx) { return rejected_not_processed(ctx, kV3); });
  r.add(kV5, "MQTT-3.1.4-2", "a CONNECT that fails the server's checks is closed",
        [](Context& ctx) { return refused_then_closed(ctx, kV5); });
  r.add_both("MQTT-3.2.0-1", "MQTT-3.2.0-1",
             "CONNACK comes first even when a resumed session has messages queued",
             connack_first_on_resume);
}

}  // namespace

void register_connect(Registry& registry) {
  register_shared(registry);
  register_v311(registry);
  register_v5(registry);
}

}  // namespace starling::conformance
