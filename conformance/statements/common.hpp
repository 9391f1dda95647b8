#pragma once
// Helpers the statement files share: hand-made CONNECT bytes (for the tests
// about CONNECT's own encoding) and small flows several statements reuse.
#include <string>
#include <string_view>

#include "suite/client.hpp"

namespace starling::conformance {

using protocol::Connect;
using protocol::Properties;
using protocol::Publish;
using protocol::ReasonCode;
using protocol::SubscribeEntry;

constexpr Version kV3 = Version::kV311;
constexpr Version kV5 = Version::kV5;

// CONNECT flag bits (spec 3.1.2.3).
constexpr std::uint8_t kCleanFlag = 0x02, kWillFlag = 0x04, kWillQos1 = 0x08, kWillQos2 = 0x10,
                       kWillRetain = 0x20, kPasswordFlag = 0x40, kUserFlag = 0x80;

// A CONNECT written byte by byte. `payload` follows the variable header as
// given (client id first); for v5 an empty property list is written unless
// `properties` holds encoded properties.
std::string connect_bytes(Version version, std::uint8_t flags, std::string_view payload,
                          std::string_view properties = {}, std::uint16_t keep_alive = 60,
                          std::string_view protocol_name = "MQTT", int level = -1);
// The will part of a CONNECT payload: [v5: empty will properties] topic, message.
std::string will_fields(Version version, std::string_view topic, std::string_view message);

// Sends `bytes` as the first packet and requires the broker to refuse: the
// connection must close, with no successful CONNACK first.
Outcome expect_refused(Context& ctx, Version version, std::string_view bytes,
                       std::string_view what);
// Sends `bytes` on a connected client and requires the broker to close the
// connection (a v5 DISCONNECT first is allowed; `reason` checks its code when
// one is sent, 0 meaning any code of 0x80 or above).
Outcome expect_closed_after(Client& client, std::string_view bytes, std::string_view what,
                            std::uint8_t reason = 0);
// Connects a fresh client and does the same.
Outcome expect_closed_after(Context& ctx, Version version, std::string_view bytes,
                            std::string_view what, std::uint8_t reason = 0);

// A client subscribed (at `qos`) to `filter`.
Result<Client> subscriber(Context& ctx, Version version, const std::string& filter,
                          std::uint8_t qos = 1);

// Publish then subscribe on a fresh client: the retained message delivered on
// subscription, or a timeout error when none is.
Result<Publish> fetch_retained(Context& ctx, Version version, const std::string& topic);

// A persistent session: clean start 0 and, in v5, a session expiry of
// `expiry` seconds.
Connect persistent_connect(Context& ctx, Version version, std::uint32_t expiry = 300);

// Connects with `connect` (a persistent session), subscribes to `filter` and
// disconnects normally: the session is left on the broker, offline.
Status offline_session(Context& ctx, const Connect& connect, const std::string& filter,
                       std::uint8_t qos);

// The shortest PUBLISH bytes: QoS from `first_byte`, packet id when QoS > 0,
// [v5: empty properties].
std::string publish_bytes(Version version, std::uint8_t first_byte, std::string_view topic,
                          std::string_view payload, std::uint16_t packet_id = 1);
std::string subscribe_bytes(Version version, std::uint16_t packet_id, std::string_view filter,
                            std::uint8_t options, std::uint8_t first_byte = 0x82);
std::string unsubscribe_bytes(Version version, std::uint16_t packet_id, std::string_view filter,
                              std::uint8_t first_byte = 0xA2);

}  // namespace starling::conformance
