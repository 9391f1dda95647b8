#pragma once
// Why a WebSocket connection was refused or ended, as error codes (the
// handshake and read callbacks of a Stream report error_codes).
#include <boost/system/error_code.hpp>
#include <system_error>

namespace starling {

enum class WebSocketError {
  kWrongPath = 1,         // the upgrade request asked for another path (HTTP 404)
  kNotUpgrade,            // not a WebSocket upgrade request (HTTP 400)
  kNoMqttSubprotocol,     // Sec-WebSocket-Protocol offers neither "mqtt" nor "mqttv3.1" (HTTP 400)
  kBytesBeforeHandshake,  // data sent before the server accepted the upgrade (HTTP 400)
  kTextMessage,           // MQTT travels in binary messages only (MQTT-6.0.0-1)
};

boost::system::error_code make_error_code(WebSocketError error);

}  // namespace starling

template <>
struct boost::system::is_error_code_enum<starling::WebSocketError> : std::true_type {};
