// The topic_rewrite plugin (plugins/topic_rewrite) in the real broker:
// subscribers see messages under the rewritten topic.
#include "bundled_plugin_test.hpp"

namespace starling::test {
namespace {

class TopicRewritePluginTest : public BundledPluginTest {
 protected:
  void start_rewriting(std::vector<std::pair<std::string, std::string>> rules) {
    start_with(plugin(STARLING_TOPIC_REWRITE_PLUGIN, std::move(rules)));
  }
};

TEST_F(TopicRewritePluginTest, SubscribersSeeTheRewrittenTopic) {
  const std::string legacy = topic("legacy");
  const std::string sites = topic("sites");
  start_rewriting({{"rule_1", legacy + "/+/temp -> " + sites + "/{1}/temperature"}});
  auto old_subscriber = connected_client("old", kV311);
  old_subscriber->subscribe(legacy + "/#", 1);
  auto subscriber = connected_client("new", kV5);
  subscriber->subscribe(sites + "/#", 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(legacy + "/dev7/temp", "21.5", 1);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), sites + "/dev7/temperature");
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "21.5");
  EXPECT_TRUE(old_subscriber->received().stays_at(0));
}

TEST_F(TopicRewritePluginTest, ATopicNoRuleMatchesIsDeliveredUnchanged) {
  const std::string legacy = topic("legacy");
  start_rewriting({{"rule_1", legacy + "/+/temp -> " + topic("sites") + "/{1}"}});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(legacy + "/#", 1);
  auto publisher = connected_client("pub", kV311);
  publisher->publish(legacy + "/dev7/humidity", "40", 1);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), legacy + "/dev7/humidity");
}

TEST_F(TopicRewritePluginTest, RulesApplyInNumericOrder) {
  const std::string in = topic("in");
  const std::string out = topic("out");
  start_rewriting({{"rule_10", in + "/# -> " + out + "/other/{1}"},
                   {"rule_2", in + "/special -> " + out + "/special"}});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(out + "/#", 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(in + "/special", "s", 1);
  publisher->publish(in + "/x/y", "x", 1);

  ASSERT_TRUE(subscriber->received().wait_for(2));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), out + "/special");
  EXPECT_EQ(subscriber->received().at(1)->get_topic(), out + "/other/x/y");
}

TEST_F(TopicRewritePluginTest, RulesInUpdatedOptionsRewriteTheNextMessages) {
  const std::string first = topic("first");
  const std::string second = topic("second");
  const std::string out = topic("out");
  start_rewriting({{"rule_1", first + "/# -> " + out + "/one/{1}"}});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(out + "/#", 1);
  subscriber->subscribe(first + "/#", 1);
  auto publisher = connected_client("pub", kV5);

  std::vector<PluginOptions> plugins = broker().options().plugins;
  plugins[0].options = {{"rule_1", second + "/# -> " + out + "/two/{1}"}};
  auto update = broker().starling().update_plugin_options(plugins);
  ASSERT_TRUE(update.ok()) << update.error().message;
  ASSERT_EQ(update->applied.size(), 1u);
  // The new FROM is a topic the plugin was not called for before.
  publisher->publish(second + "/x", "a", 1);
  publisher->publish(first + "/x", "b", 1);
  ASSERT_TRUE(subscriber->received().wait_for(2));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), out + "/two/x");
  EXPECT_EQ(subscriber->received().at(1)->get_topic(), first + "/x");

  // A bad rule is refused; the rules in force stay.
  plugins[0].options = {{"rule_1", "a/# -> b/{2}"}};
  update = broker().starling().update_plugin_options(plugins);
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update->rejected.size(), 1u);
  publisher->publish(second + "/y", "c", 1);
  ASSERT_TRUE(subscriber->received().wait_for(3));
  EXPECT_EQ(subscriber->received().at(2)->get_topic(), out + "/two/y");
}

TEST_F(TopicRewritePluginTest, TheBrokerDoesNotStartWithABadRule) {
  EXPECT_THROW(start_rewriting({{"rule_1", "a/+ -> b/{2}"}}), std::runtime_error);
  EXPECT_THROW(start_rewriting({{"subscribe_rule_1", "a/+ -> b/{2}"}}), std::runtime_error);
  EXPECT_THROW(start_rewriting({{"subscribe_rule_x", "a -> b"}}), std::runtime_error);
}

TEST_F(TopicRewritePluginTest, AClientSubscribingToALegacyFilterIsSubscribedUnderTheSite) {
  const std::string legacy = topic("legacy");
  const std::string site = topic("site1");
  start_rewriting({{"subscribe_rule_1", legacy + "/# -> " + site + "/legacy/{1}"}});
  auto subscriber = connected_client("old", kV311);
  subscriber->subscribe(legacy + "/#", 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(legacy + "/dev7", "old name", 1);
  publisher->publish(site + "/legacy/dev7/temp", "21.5", 1);

  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), site + "/legacy/dev7/temp");
  EXPECT_TRUE(subscriber->received().stays_at(1)) << "published topics are not rewritten";
}

TEST_F(TopicRewritePluginTest, UnsubscribingTheLegacyFilterEndsTheRewrittenSubscription) {
  const std::string legacy = topic("legacy");
  const std::string site = topic("site1");
  start_rewriting({{"subscribe_rule_1", legacy + "/# -> " + site + "/legacy/{1}"}});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, raw::Version::kV5, std::nullopt));
  ASSERT_EQ(client.subscribe(raw::Version::kV5, legacy + "/#", 1), 1);
  EXPECT_EQ(client.unsubscribe(raw::Version::kV5, legacy + "/#"), 0x00);
  EXPECT_EQ(client.unsubscribe(raw::Version::kV5, legacy + "/#"), 0x11);
}

TEST_F(TopicRewritePluginTest, ASharedSubscriptionKeepsItsGroupAroundTheRewrittenFilter) {
  const std::string legacy = topic("legacy");
  const std::string site = topic("site1");
  start_rewriting({{"subscribe_rule_1", legacy + "/+ -> " + site + "/{1}"},
                   {"rule_1", topic("in") + " -> " + legacy + "/from-in"}});
  auto worker = connected_client("worker", kV5);
  worker->subscribe("$share/workers/" + legacy + "/+", 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(site + "/job", "j", 1);
  ASSERT_TRUE(worker->received().wait_for(1));
  EXPECT_EQ(worker->received().at(0)->get_topic(), site + "/job");
}

}  // namespace
}  // namespace starling::test
