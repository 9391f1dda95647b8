// Topics beginning with '$' are not matched by filters starting with a
// wildcard, only by filters naming the '$' level explicitly.
#include "broker_test.hpp"

namespace starling::test {
namespace {

class DollarTopicTest : public BrokerTest {
 protected:
  // A '$' topic unique to this test, plus a normal topic used as a marker.
  void SetUp() override {
    level_ = "$test-" + client_id("d");
    dollar_topic_ = level_ + "/x/y";
    marker_topic_ = topic("marker");
  }

  // Publishes to the '$' topic, then to the marker topic; when the marker has
  // arrived, any match of the '$' topic would have arrived before it.
  void publish_dollar_then_marker() {
    auto publisher = connected_client("pub", kV5);
    publisher->publish(dollar_topic_, "dollar", 1);
    publisher->publish(marker_topic_, "marker", 1);
  }

  std::string level_;
  std::string dollar_topic_;
  std::string marker_topic_;
};

TEST_F(DollarTopicTest, HashFilterDoesNotMatchTopicsBeginningWithDollar) {
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe("#", 1);
  publish_dollar_then_marker();

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_TRUE(subscriber->received().stays_at(1));
  for (const auto& message : subscriber->received().snapshot()) {
    EXPECT_NE(message->get_topic().front(), '$') << message->get_topic();
  }
}

TEST_F(DollarTopicTest, PlusAtTheFirstLevelDoesNotMatchTopicsBeginningWithDollar) {
  auto subscriber = connected_client("sub", kV311);
  subscriber->subscribe("+/x/y", 1);
  subscriber->subscribe(marker_topic_, 1);
  publish_dollar_then_marker();

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_TRUE(subscriber->received().stays_at(1));
  for (const auto& message : subscriber->received().snapshot()) {
    EXPECT_EQ(message->get_topic(), marker_topic_);
  }
}

TEST_F(DollarTopicTest, ExplicitDollarFiltersMatchDollarTopics) {
  auto hash_subscriber = connected_client("hash", kV5);
  hash_subscriber->subscribe(level_ + "/#", 1);
  auto plus_subscriber = connected_client("plus", kV311);
  plus_subscriber->subscribe(level_ + "/+/y", 1);
  publish_dollar_then_marker();

  ASSERT_TRUE(hash_subscriber->received().wait_for(1));
  ASSERT_TRUE(plus_subscriber->received().wait_for(1));
  EXPECT_EQ(hash_subscriber->received().at(0)->get_topic(), dollar_topic_);
  EXPECT_EQ(plus_subscriber->received().at(0)->get_payload_str(), "dollar");
}

}  // namespace
}  // namespace starling::test
