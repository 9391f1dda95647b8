#include "statements/common.hpp"

namespace starling::conformance {

std::string connect_bytes(Version version, std::uint8_t flags, std::string_view payload,
                          std::string_view properties, std::uint16_t keep_alive,
                          std::string_view protocol_name, int level) {
  std::string body = str(protocol_name);
  body += static_cast<char>(level >= 0 ? level : static_cast<int>(version));
  body += static_cast<char>(flags);
  body += u16(keep_alive);
  if (protocol::is_v5(version)) {
    body += varint(static_cast<std::uint32_t>(properties.size()));
    body += properties;
  }
  body += payload;
  return packet(0x10, body);
}

std::string will_fields(Version version, std::string_view topic, std::string_view message) {
  return (protocol::is_v5(version) ? std::string(1, '\0') : std::string()) + str(topic) +
         str(message);
}

Outcome expect_refused(Context& ctx, Version version, std::string_view bytes,
                       std::string_view what) {
  STARLING_TRY(client, open_raw(ctx, version, bytes));
  STARLING_TRY(info, client.expect_close(what));
  if (info.connack_reason && *info.connack_reason == ReasonCode::kSuccess) {
    return Outcome::fail("the broker accepted the connection (" + std::string(what) +
                         "): " + info.summary());
  }
  return Outcome::pass(info.before.empty() ? "" : info.summary());
}

Outcome expect_closed_after(Client& client, std::string_view bytes, std::string_view what,
                            std::uint8_t reason) {
  STARLING_OK(client.send_bytes(bytes));
  STARLING_TRY(info, client.expect_close(what));
  if (info.disconnect_reason) {
    const auto code = static_cast<std::uint8_t>(*info.disconnect_reason);
    if (code < 0x80 || (reason != 0 && code != reason)) {
      return Outcome::fail(
          "DISCONNECT reason " + reason_hex(*info.disconnect_reason) +
          (reason ? ", expected " + reason_hex(ReasonCode{reason}) : std::string()));
    }
  }
  return Outcome::pass(info.before.empty() ? "" : info.summary());
}

Outcome expect_closed_after(Context& ctx, Version version, std::string_view bytes,
                            std::string_view what, std::uint8_t reason) {
  STARLING_TRY(client, connect(ctx, version));
  return expect_closed_after(client, bytes, what, reason);
}

Result<Client> subscriber(Context& ctx, Version version, const std::string& filter,
                          std::uint8_t qos) {
  Result<Client> client = connect(ctx, version, "sub");
  if (!client) return client;
  if (Status s = client->subscribe_ok(filter, qos); !s) return s.error();
  return client;
}

Result<Publish> fetch_retained(Context& ctx, Version version, const std::string& topic) {
  Result<Client> client = subscriber(ctx, version, topic, 1);
  if (!client) return client.error();
  Incoming in = client->next(ctx.quiet() * 2);
  if (in.is_packet()) {
    if (auto* p = std::get_if<Publish>(&in.packet)) {
      (void)client->ack(*p);  // only the content matters here
      return *p;
    }
  }
  return Error{1, "no retained message on '" + topic + "' (" + describe(in) + ")"};
}

Connect persistent_connect(Context& ctx, Version version, std::uint32_t expiry) {
  Connect c = make_connect(ctx, version, "p");
  c.clean_start = false;
  if (protocol::is_v5(version)) c.properties.session_expiry_interval = expiry;
  return c;
}

Status offline_session(Context& ctx, const Connect& connect_packet, const std::string& filter,
                       std::uint8_t qos) {
  Result<Client> client = connect(ctx, connect_packet);
  if (!client) return client.error();
  if (Status s = client->subscribe_ok(filter, qos); !s) return s;
  client->disconnect();
  return {};
}

std::string publish_bytes(Version version, std::uint8_t first_byte, std::string_view topic,
                          std::string_view payload, std::uint16_t packet_id) {
  std::string body = str(topic);
  if ((first_byte & 0x06) != 0) body += u16(packet_id);
  if (protocol::is_v5(version)) body += '\0';
  body += payload;
  return packet(first_byte, body);
}

std::string subscribe_bytes(Version version, std::uint16_t packet_id, std::string_view filter,
                            std::uint8_t options, std::uint8_t first_byte) {
  std::string body = u16(packet_id);
  if (protocol::is_v5(version)) body += '\0';
  body += str(filter);
  body += static_cast<char>(options);
  return packet(first_byte, body);
}

std::string unsubscribe_bytes(Version version, std::uint16_t packet_id, std::string_view filter,
                              std::uint8_t first_byte) {
  std::string body = u16(packet_id);
  if (protocol::is_v5(version)) body += '\0';
  body += str(filter);
  return packet(first_byte, body);
}

}  // namespace starling::conformance
