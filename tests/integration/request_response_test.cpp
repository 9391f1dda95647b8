// v5 application properties travel from publisher to subscriber unchanged,
// which is what request/response over MQTT relies on.
#include "broker_test.hpp"

namespace starling::test {
namespace {

using RequestResponseTest = BrokerTest;

TEST_F(RequestResponseTest, PublishPropertiesArePassedThroughUnchanged) {
  const std::string t = topic("props");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);

  mqtt::properties sent;
  sent.add({mqtt::property::USER_PROPERTY, "key", "first"});
  sent.add({mqtt::property::USER_PROPERTY, "key", "second"});  // duplicates are allowed
  sent.add({mqtt::property::USER_PROPERTY, "other", "value"});
  sent.add({mqtt::property::PAYLOAD_FORMAT_INDICATOR, 1});
  sent.add({mqtt::property::CONTENT_TYPE, "application/json"});
  sent.add({mqtt::property::RESPONSE_TOPIC, t + "/reply"});
  sent.add({mqtt::property::CORRELATION_DATA, std::string("\x00\x01id", 4)});
  connected_client("pub", kV5)->publish(t, "{}", 1, false, sent);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  const auto& got = subscriber->received().at(0)->get_properties();
  using mqtt::property;
  ASSERT_EQ(got.count(property::USER_PROPERTY), 3u);
  const auto pair = [&](std::size_t i) {
    return mqtt::get<mqtt::string_pair>(got, property::USER_PROPERTY, i);
  };
  EXPECT_EQ(pair(0), mqtt::string_pair("key", "first")) << "user property order changed";
  EXPECT_EQ(pair(1), mqtt::string_pair("key", "second"));
  EXPECT_EQ(pair(2), mqtt::string_pair("other", "value"));
  EXPECT_EQ(mqtt::get<int>(got, property::PAYLOAD_FORMAT_INDICATOR), 1);
  EXPECT_EQ(mqtt::get<std::string>(got, property::CONTENT_TYPE), "application/json");
  EXPECT_EQ(mqtt::get<std::string>(got, property::RESPONSE_TOPIC), t + "/reply");
  EXPECT_EQ(mqtt::get<mqtt::binary>(got, property::CORRELATION_DATA), std::string("\x00\x01id", 4));
}

TEST_F(RequestResponseTest, ResponderAnswersOnTheResponseTopicWithTheCorrelationData) {
  const std::string request_topic = topic("service/request");
  const std::string reply_topic = topic("requester/reply");
  auto responder = connected_client("responder", kV5);
  responder->subscribe(request_topic, 1);
  auto requester = connected_client("requester", kV5);
  requester->subscribe(reply_topic, 1);

  mqtt::properties request_properties;
  request_properties.add({mqtt::property::RESPONSE_TOPIC, reply_topic});
  request_properties.add({mqtt::property::CORRELATION_DATA, std::string("req-17")});
  requester->publish(request_topic, "2+2", 1, false, request_properties);

  ASSERT_TRUE(responder->received().wait_for(1));
  const auto& request = responder->received().at(0)->get_properties();
  mqtt::properties reply_properties;
  reply_properties.add({mqtt::property::CORRELATION_DATA,
                        mqtt::get<mqtt::binary>(request, mqtt::property::CORRELATION_DATA)});
  responder->publish(mqtt::get<std::string>(request, mqtt::property::RESPONSE_TOPIC), "4", 1, false,
                     reply_properties);

  ASSERT_TRUE(requester->received().wait_for(1));
  const auto reply = requester->received().at(0);
  EXPECT_EQ(reply->get_payload_str(), "4");
  EXPECT_EQ(mqtt::get<mqtt::binary>(reply->get_properties(), mqtt::property::CORRELATION_DATA),
            "req-17");
}

TEST_F(RequestResponseTest, V5PropertiesAreDroppedForV311Subscribers) {
  const std::string t = topic("downgrade");
  auto old_client = connected_client("v311", kV311);
  old_client->subscribe(t, 1);
  mqtt::properties properties;
  properties.add({mqtt::property::USER_PROPERTY, "k", "v"});
  properties.add({mqtt::property::CONTENT_TYPE, "text/plain"});
  connected_client("pub", kV5)->publish(t, "still delivered", 1, false, properties);
  ASSERT_TRUE(old_client->received().wait_for(1));
  EXPECT_EQ(old_client->received().at(0)->get_payload_str(), "still delivered");
}

}  // namespace
}  // namespace starling::test
