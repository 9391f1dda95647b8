#pragma once
// A test's view of one MQTT connection: the raw client plus the steps most
// tests repeat (connect and check CONNACK, subscribe, publish with the whole
// acknowledgement flow, expect a packet, expect silence, expect a close).
// Every step returns a Result whose error says what arrived instead, so a
// failing test prints what the broker actually did.
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "client/raw_client.hpp"
#include "client/wire.hpp"
#include "protocol/packets.hpp"
#include "suite/context.hpp"
#include "suite/registry.hpp"

namespace starling::conformance {

using protocol::Version;

// What came before the broker closed a connection.
struct CloseInfo {
  std::vector<Incoming> before;  // packets that arrived first (CONNACK, DISCONNECT, ...)
  // The reason of a DISCONNECT (v5) or a failed CONNACK among `before`.
  std::optional<protocol::ReasonCode> disconnect_reason;
  std::optional<protocol::ReasonCode> connack_reason;
  std::string summary() const;
};

class Client {
 public:
  Client(Context& ctx, RawClient raw, Version version)
      : ctx_(&ctx), raw_(std::move(raw)), version_(version) {}

  Version version() const { return version_; }
  RawClient& raw() { return raw_; }
  const protocol::Connack& connack() const { return connack_; }
  void set_connack(protocol::Connack connack) { connack_ = std::move(connack); }

  Status send(const protocol::Packet& packet) { return raw_.send(encode(packet, version_)); }
  Status send_bytes(std::string_view bytes) { return raw_.send(bytes); }
  // The next packet: one set aside by ack() first, then from the network.
  Incoming next(Millis timeout);
  Incoming next() { return next(ctx_->wait()); }

  // The next packet, which must be a T.
  template <typename T>
  Result<T> expect(std::string_view what);
  // Nothing arrives within the quiet period (and the connection stays open).
  Status expect_nothing(std::string_view what = "nothing");
  // The broker closes the connection within `timeout` (default: the wait time).
  Result<CloseInfo> expect_close(std::string_view what, Millis timeout = Millis{0});
  // The connection is still open: a PINGREQ is answered by PINGRESP.
  Status expect_alive(std::string_view what);

  std::uint16_t next_packet_id() { return next_id_ = next_id_ == 65535 ? 1 : next_id_ + 1; }

  // SUBSCRIBE one filter and return the SUBACK.
  Result<protocol::Suback> subscribe(const std::string& filter, std::uint8_t qos,
                                     protocol::SubscribeEntry options = {},
                                     protocol::Properties properties = {});
  Result<protocol::Suback> subscribe(protocol::Subscribe subscribe);
  // SUBSCRIBE and require the granted QoS (or any success when `qos` is 0).
  Status subscribe_ok(const std::string& filter, std::uint8_t qos,
                      protocol::SubscribeEntry options = {});
  Result<protocol::Unsuback> unsubscribe(std::vector<std::string> filters);

  // Publishes and runs the sender's side of the QoS flow to its end.
  Status publish(const std::string& topic, std::string payload, std::uint8_t qos,
                 bool retain = false, protocol::Properties properties = {});
  Status publish(protocol::Publish publish);
  // The next packet must be a PUBLISH; it is not acknowledged.
  Result<protocol::Publish> receive_publish(std::string_view what);
  // The receiver's side of the QoS flow for `publish`.
  Status ack(const protocol::Publish& publish);
  Result<protocol::Publish> receive_and_ack(std::string_view what);
  // A normal DISCONNECT, then close.
  void disconnect();
  void drop() { raw_.close(); }

 private:
  Context* ctx_;
  RawClient raw_;
  Version version_;
  protocol::Connack connack_;
  std::uint16_t next_id_ = 0;
  // PUBLISH packets that arrived while ack() waited for a PUBREL.
  std::deque<Incoming> pending_;
};

// A CONNECT with a fresh client id, clean start, keep alive 60 s.
protocol::Connect make_connect(Context& ctx, Version version, std::string_view tag = "c");
// Opens a connection and sends `connect`; the CONNACK must be a success.
Result<Client> connect(Context& ctx, const protocol::Connect& connect);
Result<Client> connect(Context& ctx, Version version, std::string_view tag = "c");
// Opens a connection and writes `bytes` (a CONNECT of the test's making);
// nothing is read.
Result<Client> open_raw(Context& ctx, Version version, std::string_view bytes);

std::string reason_hex(protocol::ReasonCode code);

template <typename T>
Result<T> Client::expect(std::string_view what) {
  Incoming in = next();
  if (in.is_packet()) {
    if (auto* packet = std::get_if<T>(&in.packet)) return std::move(*packet);
  }
  return Error{0, "expected " + std::string(what) + ", got " + describe(in)};
}

}  // namespace starling::conformance

// Test-body helpers: each returns a failing Outcome from the enclosing test.
#define STARLING_TRY(var, expr)                                                  \
  auto var##_result = (expr);                                                    \
  if (!var##_result.ok())                                                        \
    return ::starling::conformance::Outcome::fail(var##_result.error().message); \
  [[maybe_unused]] auto& var = var##_result.value()

#define STARLING_OK(expr)                                                                      \
  do {                                                                                         \
    auto status_ = (expr);                                                                     \
    if (!status_.ok()) return ::starling::conformance::Outcome::fail(status_.error().message); \
  } while (0)

#define STARLING_REQUIRE(cond, message)                                  \
  do {                                                                   \
    if (!(cond)) return ::starling::conformance::Outcome::fail(message); \
  } while (0)
