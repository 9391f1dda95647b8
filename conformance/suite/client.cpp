#include "suite/client.hpp"

#include <cstdio>

namespace starling::conformance {

using namespace protocol;

std::string reason_hex(ReasonCode code) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02x", static_cast<unsigned>(code));
  return buffer;
}

std::string CloseInfo::summary() const {
  std::string out;
  for (const Incoming& in : before) out += (out.empty() ? "" : ", ") + describe(in);
  return out.empty() ? "no packet" : out;
}

Incoming Client::next(Millis timeout) {
  if (!pending_.empty()) {
    Incoming in = std::move(pending_.front());
    pending_.pop_front();
    return in;
  }
  return raw_.receive(timeout);
}

Status Client::expect_nothing(std::string_view what) {
  Incoming in = next(ctx_->quiet());
  if (in.kind == Arrival::kTimeout) return {};
  return Error{0, "expected " + std::string(what) + ", got " + describe(in)};
}

Result<CloseInfo> Client::expect_close(std::string_view what, Millis timeout) {
  if (timeout.count() == 0) timeout = ctx_->wait();
  CloseInfo info;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) left = Millis{0};
    Incoming in = next(left);
    if (in.kind == Arrival::kClosed) return info;
    if (in.kind == Arrival::kTimeout) {
      return Error{0, "expected the broker to close the connection (" + std::string(what) +
                          "), but it stayed open; received: " + info.summary()};
    }
    if (in.is_packet()) {
      if (auto* d = std::get_if<Disconnect>(&in.packet)) info.disconnect_reason = d->reason;
      if (auto* c = std::get_if<Connack>(&in.packet)) info.connack_reason = c->reason;
    }
    info.before.push_back(std::move(in));
    if (info.before.size() > 1000) return Error{0, "too many packets before close"};
  }
}

Status Client::expect_alive(std::string_view what) {
  if (Status s = raw_.send(std::string("\xC0\x00", 2)); !s) {
    return Error{0, std::string(what) + ": could not send PINGREQ: " + s.error().message};
  }
  for (;;) {
    Incoming in = next();
    if (in.is_packet() && std::holds_alternative<Pingresp>(in.packet)) return {};
    if (in.is_packet() && std::holds_alternative<Publish>(in.packet)) continue;
    return Error{0, "expected the connection to stay open (" + std::string(what) +
                        "), PINGREQ got " + describe(in)};
  }
}

Result<Suback> Client::subscribe(const std::string& filter, std::uint8_t qos,
                                 SubscribeEntry options, Properties properties) {
  Subscribe s;
  s.packet_id = next_packet_id();
  options.filter = filter;
  options.qos = qos;
  s.entries.push_back(options);
  s.properties = std::move(properties);
  return subscribe(std::move(s));
}

Result<Suback> Client::subscribe(Subscribe subscribe) {
  if (subscribe.packet_id == 0) subscribe.packet_id = next_packet_id();
  if (Status s = send(subscribe); !s) return s.error();
  // A server may send matching PUBLISH packets before the SUBACK (3.8.4).
  std::deque<Incoming> early;
  Incoming in = raw_.receive(ctx_->wait());
  while (in.is_packet() && std::holds_alternative<Publish>(in.packet) && early.size() < 10000) {
    early.push_back(std::move(in));
    in = raw_.receive(ctx_->wait());
  }
  for (auto& e : early) pending_.push_back(std::move(e));
  auto* got = in.is_packet() ? std::get_if<Suback>(&in.packet) : nullptr;
  if (!got) return Error{0, "expected SUBACK, got " + describe(in)};
  Result<Suback> suback = std::move(*got);
  if (suback->packet_id != subscribe.packet_id) {
    return Error{0, "SUBACK packet id " + std::to_string(suback->packet_id) + " for SUBSCRIBE " +
                        std::to_string(subscribe.packet_id)};
  }
  return suback;
}

Status Client::subscribe_ok(const std::string& filter, std::uint8_t qos, SubscribeEntry options) {
  Result<Suback> suback = subscribe(filter, qos, options);
  if (!suback) return suback.error();
  if (suback->reasons.size() != 1 || is_failure(suback->reasons[0])) {
    return Error{0, "subscription to '" + filter + "' refused: " +
                        (suback->reasons.empty() ? "no code" : reason_hex(suback->reasons[0]))};
  }
  return {};
}

Result<Unsuback> Client::unsubscribe(std::vector<std::string> filters) {
  Unsubscribe u;
  u.packet_id = next_packet_id();
  u.filters = std::move(filters);
  if (Status s = send(u); !s) return s.error();
  Result<Unsuback> unsuback = expect<Unsuback>("UNSUBACK");
  if (unsuback && unsuback->packet_id != u.packet_id) {
    return Error{0, "UNSUBACK packet id " + std::to_string(unsuback->packet_id) +
                        " for UNSUBSCRIBE " + std::to_string(u.packet_id)};
  }
  return unsuback;
}

Status Client::publish(const std::string& topic, std::string payload, std::uint8_t qos, bool retain,
                       Properties properties) {
  Publish p;
  p.topic = topic;
  p.payload = std::move(payload);
  p.qos = qos;
  p.retain = retain;
  p.properties = std::move(properties);
  return publish(std::move(p));
}

Status Client::publish(Publish p) {
  if (p.qos > 0 && p.packet_id == 0) p.packet_id = next_packet_id();
  if (Status s = send(p); !s) return s;
  if (p.qos == 0) return {};
  if (p.qos == 1) {
    Result<Puback> ack = expect<Puback>("PUBACK");
    if (!ack) return ack.error();
    if (ack->packet_id != p.packet_id) return Error{0, "PUBACK for the wrong packet id"};
    return {};
  }
  Result<Pubrec> rec = expect<Pubrec>("PUBREC");
  if (!rec) return rec.error();
  if (rec->packet_id != p.packet_id) return Error{0, "PUBREC for the wrong packet id"};
  if (is_failure(rec->reason)) return Error{0, "PUBREC reason " + reason_hex(rec->reason)};
  Pubrel rel;
  rel.packet_id = p.packet_id;
  if (Status s = send(rel); !s) return s;
  Result<Pubcomp> comp = expect<Pubcomp>("PUBCOMP");
  if (!comp) return comp.error();
  if (comp->packet_id != p.packet_id) return Error{0, "PUBCOMP for the wrong packet id"};
  return {};
}

Result<Publish> Client::receive_publish(std::string_view what) {
  return expect<Publish>(what);
}

Status Client::ack(const Publish& p) {
  if (p.qos == 0) return {};
  if (p.qos == 1) {
    Puback a;
    a.packet_id = p.packet_id;
    return send(a);
  }
  Pubrec r;
  r.packet_id = p.packet_id;
  if (Status s = send(r); !s) return s;
  // Other deliveries may come before the PUBREL; keep them for next().
  std::deque<Incoming> held;
  for (;;) {
    Incoming in = raw_.receive(ctx_->wait());
    if (in.is_packet() && std::holds_alternative<Publish>(in.packet)) {
      held.push_back(std::move(in));
      continue;
    }
    for (auto& h : held) pending_.push_back(std::move(h));
    auto* rel = in.is_packet() ? std::get_if<Pubrel>(&in.packet) : nullptr;
    if (!rel) return Error{0, "expected PUBREL, got " + describe(in)};
    if (rel->packet_id != p.packet_id) return Error{0, "PUBREL for another packet id"};
    Pubcomp c;
    c.packet_id = rel->packet_id;
    return send(c);
  }
}

Result<Publish> Client::receive_and_ack(std::string_view what) {
  Result<Publish> p = receive_publish(what);
  if (!p) return p;
  if (Status s = ack(*p); !s) return s.error();
  return p;
}

void Client::disconnect() {
  (void)send(Disconnect{});  // best effort: the test is over either way
  raw_.close();
}

Connect make_connect(Context& ctx, Version version, std::string_view tag) {
  Connect c;
  c.version = version;
  c.clean_start = true;
  c.keep_alive = 60;
  c.client_id = ctx.client_id(tag);
  return c;
}

Result<Client> open_raw(Context& ctx, Version version, std::string_view bytes) {
  Result<RawClient> raw = RawClient::open(ctx.options().host, ctx.options().port, version);
  if (!raw) return raw.error();
  Client client(ctx, std::move(raw).value(), version);
  if (Status s = client.send_bytes(bytes); !s) return s.error();
  return client;
}

Result<Client> connect(Context& ctx, const Connect& connect) {
  Result<Client> client = open_raw(ctx, connect.version, encode(connect, connect.version));
  if (!client) return client;
  Result<Connack> connack = client->expect<Connack>("CONNACK");
  if (!connack) return connack.error();
  if (connack->reason != ReasonCode::kSuccess) {
    return Error{0, "CONNACK refused the connection: " + reason_hex(connack->reason)};
  }
  client->set_connack(std::move(connack).value());
  return client;
}

Result<Client> connect(Context& ctx, Version version, std::string_view tag) {
  return connect(ctx, make_connect(ctx, version, tag));
}

}  // namespace starling::conformance
