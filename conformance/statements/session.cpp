// Session state (4.1) and message receipt (4.5).
#include <thread>

#include "statements/common.hpp"

namespace starling::conformance {
namespace {

Outcome state_kept_while_connected(Context& ctx, Version v) {
  const std::string topic = ctx.topic();
  STARLING_TRY(sub, subscriber(ctx, v, topic, 1));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  for (int round = 0; round < 3; ++round) {
    STARLING_OK(sub.expect_alive("between rounds"));
    STARLING_OK(pub.publish(topic, "r" + std::to_string(round), 1));
    STARLING_TRY(got, sub.receive_and_ack("message of round " + std::to_string(round)));
  }
  return Outcome::pass();
}

Outcome session_expires(Context& ctx, Version) {
  Connect c = persistent_connect(ctx, kV5, 1);
  STARLING_OK(offline_session(ctx, c, ctx.topic(), 1));
  std::this_thread::sleep_for(Millis{2500});
  STARLING_TRY(again, connect(ctx, c));
  STARLING_REQUIRE(!again.connack().session_present,
                   "the session outlived its 1 s Session Expiry Interval by 1.5 s");
  return Outcome::pass();
}

Outcome expiry_zero_ends_with_connection(Context& ctx, Version) {
  Connect c = make_connect(ctx, kV5);
  c.clean_start = false;  // no Session Expiry Interval: 0
  STARLING_OK(offline_session(ctx, c, ctx.topic(), 1));
  STARLING_TRY(again, connect(ctx, c));
  STARLING_REQUIRE(!again.connack().session_present,
                   "a session with expiry 0 survived its connection");
  return Outcome::pass();
}

Outcome all_matching_subscribers(Context& ctx, Version v) {
  const std::string base = ctx.topic();
  STARLING_TRY(a, subscriber(ctx, v, base + "/x", 1));
  STARLING_TRY(b, subscriber(ctx, v, base + "/+", 2));
  STARLING_TRY(c, subscriber(ctx, v, base + "/#", 0));
  STARLING_TRY(pub, connect(ctx, v, "pub"));
  STARLING_OK(pub.publish(base + "/x", "all", 2));
  for (Client* s : {&a, &b, &c}) {
    STARLING_TRY(got, s->receive_and_ack("the message at each matching subscriber"));
    STARLING_REQUIRE(got.payload == "all", "payload '" + got.payload + "'");
  }
  return Outcome::pass();
}

// Packets on a connection are processed in order: a PUBLISH that follows a
// SUBSCRIBE on the same connection finds the subscription in place, so the
// server, taking ownership of the message, must add it to that session.
Outcome subscription_in_place_for_next_packet(Context& ctx, Version v) {
  STARLING_TRY(c, connect(ctx, v));
  const std::string topic = ctx.topic();
  STARLING_OK(
      c.send_bytes(subscribe_bytes(v, 1, topic, 0) + publish_bytes(v, 0x30, topic, "pipelined")));
  bool suback = false, message = false;
  for (int i = 0; i < 2; ++i) {
    Incoming in = c.next(i == 0 ? ctx.wait() : ctx.quiet());
    if (!in.is_packet()) break;
    suback = suback || std::holds_alternative<protocol::Suback>(in.packet);
    message = message || std::holds_alternative<Publish>(in.packet);
  }
  STARLING_REQUIRE(suback, "no SUBACK");
  STARLING_REQUIRE(message,
                   "a PUBLISH sent right after SUBSCRIBE (same write, same connection) did not "
                   "reach the subscription the SUBSCRIBE created");
  return Outcome::pass();
}

}  // namespace

void register_session(Registry& r) {
  r.add_both("MQTT-4.1.0-1", "MQTT-4.1.0-1",
             "session state is kept for as long as the connection is open",
             state_kept_while_connected);
  r.add(kV3, "MQTT-4.1.0-2", "a session lasts at least as long as its network connection",
        [](Context& ctx) { return state_kept_while_connected(ctx, kV3); });
  r.add(kV5, "MQTT-4.1.0-2", "the session is discarded once its expiry interval has passed",
        [](Context& ctx) {
          Outcome o = session_expires(ctx, kV5);
          if (o.verdict != Verdict::kPass) return o;
          return expiry_zero_ends_with_connection(ctx, kV5);
        });
  r.add_both("MQTT-4.5.0-1", "MQTT-4.5.0-1",
             "a message goes to every session with a matching subscription, including one "
             "made by the packet just before",
             [](Context& ctx, Version v) {
               Outcome o = all_matching_subscribers(ctx, v);
               if (o.verdict != Verdict::kPass) return o;
               return subscription_in_place_for_next_packet(ctx, v);
             });
}

}  // namespace starling::conformance
