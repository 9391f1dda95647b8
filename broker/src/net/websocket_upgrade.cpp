#include "net/websocket_upgrade.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace starling {

namespace http = boost::beast::http;

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string choose_mqtt_subprotocol(const UpgradeRequest& request) {
  std::string fallback;
  // The header may repeat; each holds a comma-separated list.
  auto [begin, end] = request.equal_range(http::field::sec_websocket_protocol);
  for (auto field = begin; field != end; ++field) {
    std::string_view list(field->value().data(), field->value().size());
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string_view offered = trim(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      if (boost::beast::iequals(offered, "mqtt")) return std::string(offered);
      if (fallback.empty() && boost::beast::iequals(offered, "mqttv3.1")) fallback = offered;
    }
  }
  return fallback;
}

UpgradeDecision decide_upgrade(const UpgradeRequest& request, std::string_view path) {
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));
  if (target != path) return {WebSocketError::kWrongPath, {}};
  if (!boost::beast::websocket::is_upgrade(request)) return {WebSocketError::kNotUpgrade, {}};
  std::string subprotocol = choose_mqtt_subprotocol(request);
  if (subprotocol.empty()) return {WebSocketError::kNoMqttSubprotocol, {}};
  return {std::nullopt, std::move(subprotocol)};
}

http::status refusal_status(WebSocketError refusal) {
  return refusal == WebSocketError::kWrongPath ? http::status::not_found
                                               : http::status::bad_request;
}

}  // namespace starling
