#include "net/websocket_error.hpp"

#include <string>

namespace starling {

namespace {

class WebSocketErrorCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "starling.websocket"; }
  std::string message(int value) const override {
    switch (static_cast<WebSocketError>(value)) {
      case WebSocketError::kWrongPath:
        return "the upgrade request's path is not the listener's WebSocket path";
      case WebSocketError::kNotUpgrade:
        return "not a WebSocket upgrade request";
      case WebSocketError::kNoMqttSubprotocol:
        return "the client offered no \"mqtt\" WebSocket subprotocol";
      case WebSocketError::kBytesBeforeHandshake:
        return "the client sent data before the WebSocket upgrade was accepted";
      case WebSocketError::kTextMessage:
        return "a text message (MQTT needs binary WebSocket messages)";
    }
    return "unknown WebSocket error";
  }
};

}  // namespace

boost::system::error_code make_error_code(WebSocketError error) {
  static const WebSocketErrorCategory category;
  return {static_cast<int>(error), category};
}

}  // namespace starling
