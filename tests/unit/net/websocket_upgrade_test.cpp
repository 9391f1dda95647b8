#include "net/websocket_upgrade.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace starling {
namespace {

namespace http = boost::beast::http;

UpgradeRequest upgrade_request(std::string_view target, std::string_view protocols) {
  UpgradeRequest request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::connection, "Upgrade");
  request.set(http::field::upgrade, "websocket");
  request.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  request.set(http::field::sec_websocket_version, "13");
  if (!protocols.empty()) request.set(http::field::sec_websocket_protocol, protocols);
  return request;
}

TEST(WebSocketUpgradeTest, MqttSubprotocolOnTheListenersPathIsAccepted) {
  auto decision = decide_upgrade(upgrade_request("/mqtt", "mqtt"), "/mqtt");
  EXPECT_FALSE(decision.refusal.has_value());
  EXPECT_EQ(decision.subprotocol, "mqtt");
}

TEST(WebSocketUpgradeTest, QueryStringDoesNotChangeThePath) {
  EXPECT_FALSE(
      decide_upgrade(upgrade_request("/mqtt?token=x", "mqtt"), "/mqtt").refusal.has_value());
}

TEST(WebSocketUpgradeTest, OtherPathIsRefusedWith404) {
  auto decision = decide_upgrade(upgrade_request("/other", "mqtt"), "/mqtt");
  ASSERT_EQ(decision.refusal, WebSocketError::kWrongPath);
  EXPECT_EQ(refusal_status(*decision.refusal), http::status::not_found);
}

TEST(WebSocketUpgradeTest, PlainHttpGetIsRefusedWith400) {
  UpgradeRequest request{http::verb::get, "/mqtt", 11};
  request.set(http::field::host, "127.0.0.1");
  auto decision = decide_upgrade(request, "/mqtt");
  ASSERT_EQ(decision.refusal, WebSocketError::kNotUpgrade);
  EXPECT_EQ(refusal_status(*decision.refusal), http::status::bad_request);
}

TEST(WebSocketUpgradeTest, UpgradeWithoutMqttSubprotocolIsRefused) {
  EXPECT_EQ(decide_upgrade(upgrade_request("/mqtt", ""), "/mqtt").refusal,
            WebSocketError::kNoMqttSubprotocol);
  EXPECT_EQ(decide_upgrade(upgrade_request("/mqtt", "chat, superchat"), "/mqtt").refusal,
            WebSocketError::kNoMqttSubprotocol);
}

TEST(WebSocketUpgradeTest, MqttIsPreferredOverMqttv31InAList) {
  EXPECT_EQ(choose_mqtt_subprotocol(upgrade_request("/mqtt", "mqttv3.1, chat ,mqtt")), "mqtt");
}

TEST(WebSocketUpgradeTest, Mqttv31AloneIsAcceptedForOldClients) {
  EXPECT_EQ(choose_mqtt_subprotocol(upgrade_request("/mqtt", "mqttv3.1")), "mqttv3.1");
}

TEST(WebSocketUpgradeTest, SubprotocolIsEchoedAsTheClientSpeltIt) {
  EXPECT_EQ(choose_mqtt_subprotocol(upgrade_request("/mqtt", "MQTT")), "MQTT");
}

TEST(WebSocketUpgradeTest, RepeatedProtocolHeadersAreAllConsidered) {
  UpgradeRequest request = upgrade_request("/mqtt", "chat");
  request.insert(http::field::sec_websocket_protocol, "mqtt");
  EXPECT_EQ(choose_mqtt_subprotocol(request), "mqtt");
}

}  // namespace
}  // namespace starling
