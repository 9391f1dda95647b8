#pragma once
// Whether an HTTP request may become an MQTT WebSocket connection (MQTT 5.0
// chapter 6): it asks for the listener's path, is a WebSocket upgrade, and
// offers the "mqtt" subprotocol ("mqttv3.1" for old MQTT 3.1 clients). Pure.
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "net/websocket_error.hpp"

namespace starling {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::empty_body>;

struct UpgradeDecision {
  std::optional<WebSocketError> refusal;  // nullopt: accept
  std::string subprotocol;                // when accepted: the one to echo, as the client spelt it
};

// `path` is the listener's ("/mqtt"); a query string on the request's
// target is ignored.
UpgradeDecision decide_upgrade(const UpgradeRequest& request, std::string_view path);

// The subprotocol to select from Sec-WebSocket-Protocol values ("a, mqtt"):
// "mqtt" over "mqttv3.1", case-insensitively; "" when neither is offered.
std::string choose_mqtt_subprotocol(const UpgradeRequest& request);

// The HTTP status that answers a refused upgrade.
boost::beast::http::status refusal_status(WebSocketError refusal);

}  // namespace starling
