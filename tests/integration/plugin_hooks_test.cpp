// The plugin hook points end to end: the real broker loads the scripted
// fixture plugin and real clients see what its answers mean on the wire.
#include "broker_test.hpp"
#include "starling/plugin.h"

#include <gmock/gmock.h>

#include <map>

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

PluginOptions scripted(std::vector<std::pair<std::string, std::string>> options) {
  PluginOptions plugin;
  plugin.path = STARLING_FIXTURE_SCRIPTED;
  plugin.options = std::move(options);
  return plugin;
}

class PluginHooksTest : public BrokerTest {
 protected:
  void SetUp() override { STARLING_SKIP_ON_MOSQUITTO("Starling's plugin ABI"); }

  void start_with(std::vector<PluginOptions> plugins, bool allow_anonymous = true) {
    start_broker([&](Options& options) {
      options.plugins = std::move(plugins);
      options.listeners.front().allow_anonymous = allow_anonymous;
    });
  }

  std::optional<raw::Connack> connect_raw(RawClient& client, Version version,
                                          std::optional<std::string> username = std::nullopt,
                                          std::optional<std::string> password = std::nullopt,
                                          std::chrono::milliseconds timeout = 5s) {
    raw::Connect connect;
    connect.version = version;
    connect.client_id = client_id("raw");
    connect.username = std::move(username);
    connect.password = std::move(password);
    return client.handshake(connect, timeout);
  }

};

TEST_F(PluginHooksTest, ADeniedConnectIsRefusedWithThePluginsReasonInV5AndV311) {
  start_with({scripted({{"authenticate", "deny:0x86"}})});
  RawClient v5(broker().port());
  auto connack = connect_raw(v5, Version::kV5, "alice", "wrong");
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->reason_code, 0x86);
  EXPECT_TRUE(v5.wait_closed(5s));

  RawClient v3(broker().port());
  connack = connect_raw(v3, Version::kV311, "alice", "wrong");
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->reason_code, 4);  // bad user name or password
}

TEST_F(PluginHooksTest, AnAllowingPluginLetsClientsInWhereAnonymousClientsAreNot) {
  start_with({scripted({{"authenticate", "allow"}})}, /*allow_anonymous=*/false);
  RawClient client(broker().port());
  auto connack = connect_raw(client, Version::kV5, "alice", "secret");
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->reason_code, 0);
}

TEST_F(PluginHooksTest, WhenEveryPluginSaysNextTheListenersAnonymousRuleDecides) {
  start_with({scripted({{"authenticate", "next"}})}, /*allow_anonymous=*/false);
  RawClient client(broker().port());
  auto connack = connect_raw(client, Version::kV5);
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->reason_code, 0x87);
}

TEST_F(PluginHooksTest, AnAnswerGivenLaterFromAnotherThreadCompletesTheConnect) {
  start_with({scripted({{"authenticate", "pending:allow:200"}})});
  auto client = connected_client("late", kV5);  // throws if refused
  const std::string t = topic("after-late-auth");
  client->subscribe(t, 1);
  client->publish(t, "works", 1);
  ASSERT_TRUE(client->received().wait_for(1));
}

TEST_F(PluginHooksTest, PacketsSentRightAfterAPendingConnectWaitForTheAnswer) {
  start_with({scripted({{"authenticate", "pending:allow:300"}})});
  RawClient client(broker().port());
  raw::Connect connect;
  connect.client_id = client_id("eager");
  raw::Bytes bytes = raw::connect(connect);
  raw::Bytes subscribe = raw::subscribe(Version::kV5, 1, topic("eager"), 1);
  bytes.insert(bytes.end(), subscribe.begin(), subscribe.end());
  ASSERT_TRUE(client.send(bytes));
  auto first = client.read_packet(5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type(), raw::kConnack);
  auto second = client.read_packet(5s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->type(), raw::kSuback);
}

TEST_F(PluginHooksTest, AnAnswerThatNeverComesAppliesTheTimeoutFallback) {
  PluginOptions never = scripted({{"authenticate", "pending:never"}});
  never.pending_timeout_ms = 200;
  start_with({never});
  RawClient client(broker().port());
  auto connack = connect_raw(client, Version::kV5, std::nullopt, std::nullopt, 5s);
  ASSERT_TRUE(connack) << "the broker must answer once the plugin's time is up";
  EXPECT_EQ(connack->reason_code, 0x80);
}

TEST_F(PluginHooksTest, ATimeoutFallbackOfAllowLetsTheClientIn) {
  PluginOptions never = scripted({{"authenticate", "pending:never"}});
  never.pending_timeout_ms = 200;
  never.on_timeout = "allow";
  start_with({never});
  RawClient client(broker().port());
  auto connack = connect_raw(client, Version::kV5, std::nullopt, std::nullopt, 5s);
  ASSERT_TRUE(connack);
  EXPECT_EQ(connack->reason_code, 0);
}

TEST_F(PluginHooksTest, ADeniedPublishGetsPuback0x87AndReachesNoSubscriber) {
  const std::string denied = "blocked/topic";
  start_with({scripted({{"publish", "deny"}, {"publish_topics", "blocked/#"}})});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe("blocked/#", 1);
  const std::string allowed = topic("open");
  subscriber->subscribe(allowed, 1);

  RawClient publisher(broker().port());
  ASSERT_TRUE(connect_raw(publisher, Version::kV5));
  EXPECT_EQ(publisher.publish_qos1(Version::kV5, denied), 0x87);
  EXPECT_EQ(publisher.publish_qos1(Version::kV5, allowed), 0x00);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), allowed);
  EXPECT_TRUE(subscriber->received().stays_at(1));
}

TEST_F(PluginHooksTest, ADeniedPublishFromAV311ClientIsAcknowledgedAndDropped) {
  start_with({scripted({{"publish", "deny"}, {"publish_topics", "blocked/#"}})});
  auto subscriber = connected_client("sub", kV311);
  subscriber->subscribe("blocked/#", 1);
  RawClient publisher(broker().port());
  ASSERT_TRUE(connect_raw(publisher, Version::kV311));
  EXPECT_EQ(publisher.publish_qos1(Version::kV311, "blocked/x"), 0);
  EXPECT_TRUE(subscriber->received().stays_at(0));
}

TEST_F(PluginHooksTest, APublishAuthorizedLaterIsRoutedInOrder) {
  start_with({scripted({{"publish", "pending:allow:100"}})});
  const std::string t = topic("ordered");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 1);
  auto publisher = connected_client("pub", kV5);
  for (int i = 0; i < 5; ++i) publisher->publish(t, std::to_string(i), 1);
  ASSERT_TRUE(subscriber->received().wait_for(5, 10s));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(subscriber->received().at(i)->get_payload_str(), std::to_string(i));
  }
}

TEST_F(PluginHooksTest, ADeniedSubscribeGets0x87InV5And0x80InV311) {
  start_with({scripted({{"subscribe", "deny"}, {"subscribe_filters", "private/#"}})});
  RawClient v5(broker().port());
  ASSERT_TRUE(connect_raw(v5, Version::kV5));
  EXPECT_EQ(v5.subscribe(Version::kV5, "private/#", 1), 0x87);
  EXPECT_EQ(v5.subscribe(Version::kV5, topic("public"), 1), 1);

  RawClient v3(broker().port());
  ASSERT_TRUE(connect_raw(v3, Version::kV311));
  EXPECT_EQ(v3.subscribe(Version::kV311, "private/#", 1), 0x80);
  EXPECT_EQ(v3.subscribe(Version::kV311, topic("public"), 1), 1);
}

TEST_F(PluginHooksTest, ASubscribeAuthorizedLaterIsAnsweredAfterTheAnswer) {
  start_with({scripted({{"subscribe", "pending:deny:0x87:150"}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  EXPECT_EQ(client.subscribe(Version::kV5, topic("later"), 1), 0x87);
}

TEST_F(PluginHooksTest, AHookThatThrowsDeniesAndTheBrokerKeepsServing) {
  start_with({scripted({{"publish", "throw"}, {"publish_topics", "boom/#"}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  EXPECT_EQ(client.publish_qos1(Version::kV5, "boom/now"), 0x80);
  expect_broker_still_serves_clients();
}

TEST_F(PluginHooksTest, ReadDeniedTopicsAreNotDeliveredToThatSubscriber) {
  start_with({scripted({{"delivery_deny", "secret/#"}})});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe("secret/#", 1);
  const std::string open = topic("open");
  subscriber->subscribe(open, 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish("secret/plans", "x", 1);
  publisher->publish(open, "y", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), open);
  EXPECT_TRUE(subscriber->received().stays_at(1));
}

TEST_F(PluginHooksTest, OnPublishRewritesTopicAndPayloadBeforeRouting) {
  const std::string from = topic("from");
  const std::string to = topic("to");
  start_with({scripted({{"rewrite_from", from}, {"rewrite_to", to}, {"payload_append", "!"}})});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(to, 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(from, "hello", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), to);
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "hello!");
}

TEST_F(PluginHooksTest, OnPublishCanDropAMessageWithAReason) {
  start_with({scripted({{"drop_topic", "drop/me"}, {"drop_reason", "0x97"}})});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe("drop/#", 1);
  RawClient publisher(broker().port());
  ASSERT_TRUE(connect_raw(publisher, Version::kV5));
  EXPECT_EQ(publisher.publish_qos1(Version::kV5, "drop/me"), 0x97);
  EXPECT_TRUE(subscriber->received().stays_at(0));
}

TEST_F(PluginHooksTest, ConnectAndDisconnectEventsReachThePluginWhichPublishesThroughTheHost) {
  start_with({scripted({{"events_topic", "events"}})});
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe("events/#", 1);
  const std::string id = client_id("visitor");
  {
    TestClient visitor(broker(), id, kV5);
    visitor.connect();
    visitor.disconnect();
  }
  ASSERT_TRUE(eventually([&] { return watcher->received().size() >= 2; }));
  EXPECT_EQ(watcher->received().at(0)->get_topic(), "events/" + id);
  EXPECT_EQ(watcher->received().at(0)->get_payload_str(), "connected");
  EXPECT_EQ(watcher->received().at(1)->get_payload_str(),
            "disconnected:" + std::to_string(STARLING_DISCONNECT_NORMAL));
}

TEST_F(PluginHooksTest, APluginCanDisconnectAClient) {
  start_with({scripted({{"kick_topic", "admin/kick"}})});
  const std::string victim_id = client_id("victim");
  TestClient victim(broker(), victim_id, kV5);
  victim.connect();
  auto admin = connected_client("admin", kV5);
  admin->publish("admin/kick", victim_id, 1);
  auto reason = victim.wait_for_server_disconnect(5s);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, 0x98);  // administrative action
}

TEST_F(PluginHooksTest, TheTimerHookRunsWhileTheBrokerRuns) {
  start_with({scripted({{"timer_ms", "50"}, {"timer_topic", "ticks"}})});
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe("ticks", 0);
  ASSERT_TRUE(watcher->received().wait_for(3, 5s));
}

TEST_F(PluginHooksTest, PluginsRunInOrderAndTheFirstDecisionWins) {
  start_with({scripted({{"publish", "next"}}), scripted({{"publish", "deny:0x97"}}),
              scripted({{"publish", "allow"}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  EXPECT_EQ(client.publish_qos1(Version::kV5, topic("chain")), 0x97);
}

TEST_F(PluginHooksTest, DroppedMessagesAreReportedWithTheirReason) {
  start_broker([](Options& options) {
    options.plugins = {scripted({{"drops_topic", "drops"},
                                 {"publish", "deny"},
                                 {"publish_topics", "denied/#"}})};
    options.limits.max_queued_messages = 1;
  });
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe("drops/#", 1);
  const std::string sleeper_id = client_id("sleeper");
  const std::string queued = topic("queued");
  {
    TestClient sleeper(broker(), sleeper_id, kV5);
    ConnectSettings persistent;
    persistent.clean = false;
    persistent.session_expiry = 60;
    sleeper.connect(persistent);
    sleeper.subscribe(queued, 1);
    sleeper.disconnect();
  }
  auto publisher = connected_client("pub", kV5);
  const std::string lonely = topic("nobody-listens");
  publisher->publish(lonely, "x", 1);
  RawClient refused(broker().port());  // Paho throws on a refused PUBACK
  ASSERT_TRUE(connect_raw(refused, Version::kV5));
  EXPECT_EQ(refused.publish_qos1(Version::kV5, "denied/x"), 0x87);
  publisher->publish(queued, "first", 1);
  publisher->publish(queued, "second", 1);  // the queue holds one

  ASSERT_TRUE(watcher->received().wait_for(3));
  std::map<std::string, std::string> by_topic;
  for (std::size_t i = 0; i < watcher->received().size(); ++i) {
    by_topic[watcher->received().at(i)->get_topic()] = watcher->received().at(i)->get_payload_str();
  }
  EXPECT_EQ(by_topic["drops/" + std::to_string(STARLING_DROP_NO_SUBSCRIBERS)],
            publisher->client_id() + "|" + lonely + "|1");
  EXPECT_THAT(by_topic["drops/" + std::to_string(STARLING_DROP_DENIED)],
              ::testing::EndsWith("|denied/x|1"));
  EXPECT_EQ(by_topic["drops/" + std::to_string(STARLING_DROP_QUEUE_FULL)],
            sleeper_id + "|" + queued + "|1");
}

TEST_F(PluginHooksTest, ASubscribersAcknowledgementIsReportedAsDelivered) {
  start_with({scripted({{"delivered_topic", "delivered"}})});
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe("delivered/#", 0);
  const std::string t = topic("acked");
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(t, 2);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(t, "one", 1);
  publisher->publish(t, "two", 2);
  ASSERT_TRUE(watcher->received().wait_for(2));
  EXPECT_EQ(watcher->received().at(0)->get_topic(), "delivered/" + subscriber->client_id());
  EXPECT_EQ(watcher->received().at(0)->get_payload_str(), t + "|1");
  EXPECT_EQ(watcher->received().at(1)->get_payload_str(), t + "|2");
}

TEST_F(PluginHooksTest, AnExpiredSessionIsReported) {
  start_with({scripted({{"expired_topic", "expired"}})});
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe("expired/#", 0);
  const std::string id = client_id("brief");
  {
    TestClient brief(broker(), id, kV5);
    ConnectSettings settings;
    settings.clean = false;
    settings.session_expiry = 1;
    brief.connect(settings);
    brief.disconnect();
  }
  ASSERT_TRUE(watcher->received().wait_for(1, 10s));
  EXPECT_EQ(watcher->received().at(0)->get_topic(), "expired/" + id);
}

TEST_F(PluginHooksTest, TheVersionOnePluginAllowsEverything) {
  PluginOptions v1;
  v1.path = STARLING_FIXTURE_V1_ALLOW_ALL;
  start_with({v1}, /*allow_anonymous=*/false);
  auto subscriber = connected_client("sub", kV5);
  const std::string t = topic("v1");
  subscriber->subscribe(t, 1);
  auto publisher = connected_client("pub", kV311);
  publisher->publish(t, "ok", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
}

TEST_F(PluginHooksTest, ReloadAsksEveryPluginAndNamesTheOnesThatFailed) {
  start_with({scripted({{"reload_topic", topic("reload")}}),
              scripted({{"reload_fails", "true"}})});
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe(topic("reload"), 1);
  auto reloaded = broker().starling().reload_plugins();
  ASSERT_FALSE(reloaded.ok()) << "the second plugin reports failure";
  EXPECT_THAT(reloaded.error().message, ::testing::HasSubstr("plugin reload failed"));
  EXPECT_THAT(reloaded.error().message, ::testing::HasSubstr("scripted"));
  ASSERT_TRUE(watcher->received().wait_for(1)) << "the first plugin was asked to reload";
  EXPECT_EQ(watcher->received().at(0)->to_string(), "reloaded");
  expect_broker_still_serves_clients();
}

TEST_F(PluginHooksTest, OnSubscribeChangesTheFilterAndQosTheClientAskedFor) {
  const std::string asked = topic("asked") + "/#";
  const std::string given = topic("given") + "/#";
  start_with({scripted({{"sub_from", asked}, {"sub_to", given}, {"sub_qos", "0"}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  EXPECT_EQ(client.subscribe(Version::kV5, asked, 2), 0) << "the plugin asked for QoS 0";

  auto subscriber = connected_client("paho", kV5);
  subscriber->subscribe(asked, 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(topic("asked") + "/x", "not routed to the old name", 1);
  publisher->publish(topic("given") + "/x", "routed", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), topic("given") + "/x");
  EXPECT_EQ(subscriber->received().at(0)->get_qos(), 0);
  EXPECT_TRUE(subscriber->received().stays_at(1));
}

TEST_F(PluginHooksTest, ARewrittenSubscriptionIsRemovedByUnsubscribingItsOriginalName) {
  const std::string asked = topic("asked");
  const std::string given = topic("given");
  start_with({scripted({{"sub_from", asked}, {"sub_to", given}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  ASSERT_EQ(client.subscribe(Version::kV5, asked, 1), 1);
  EXPECT_EQ(client.unsubscribe(Version::kV5, asked), 0x00);
  EXPECT_EQ(client.unsubscribe(Version::kV5, asked), 0x11) << "no subscription existed any more";
  auto publisher = connected_client("pub", kV5);
  publisher->publish(given, "x", 1);
  auto next = client.read_packet(500ms);
  EXPECT_FALSE(next && next->type() == raw::kPublish) << "still subscribed";
}

TEST_F(PluginHooksTest, OnUnsubscribeCanKeepASubscriptionWithItsReason) {
  const std::string kept = topic("kept");
  start_with({scripted({{"unsub_keep", kept}, {"unsub_keep_reason", "0x87"}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  ASSERT_EQ(client.subscribe(Version::kV5, kept, 0), 0);
  EXPECT_EQ(client.unsubscribe(Version::kV5, kept), 0x87);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(kept, "still", 0);
  auto message = client.read_until(raw::kPublish, 5s);
  ASSERT_TRUE(message) << "the subscription stayed";
}

TEST_F(PluginHooksTest, OnSubscribeRefusesAFilterWithItsReasonInV5AndFailureInV311) {
  start_with({scripted({{"sub_deny", "closed/#"}, {"sub_deny_reason", "0x97"}})});
  RawClient v5(broker().port());
  ASSERT_TRUE(connect_raw(v5, Version::kV5));
  EXPECT_EQ(v5.subscribe(Version::kV5, "closed/#", 1), 0x97);
  EXPECT_EQ(v5.subscribe(Version::kV5, topic("open"), 1), 1);
  RawClient v3(broker().port());
  ASSERT_TRUE(connect_raw(v3, Version::kV311));
  EXPECT_EQ(v3.subscribe(Version::kV311, "closed/#", 1), 0x80);
}

TEST_F(PluginHooksTest, AReasonCodeThatIsNoSubackCodeBecomesNotAuthorized) {
  start_with({scripted({{"sub_deny", "closed/#"}, {"sub_deny_reason", "0x05"}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  EXPECT_EQ(client.subscribe(Version::kV5, "closed/#", 1), 0x87);
}

TEST_F(PluginHooksTest, AnOnSubscribeAnswerThatIsNoDecisionRefusesTheFilterAndTheBrokerServesOn) {
  start_with({scripted({{"sub_garbage", "true"}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  EXPECT_EQ(client.subscribe(Version::kV5, topic("any"), 1), 0x80);
  EXPECT_FALSE(client.peer_closed());
}

TEST_F(PluginHooksTest, AnInvalidRewrittenFilterIsNotAppliedAndTheOriginalStands) {
  const std::string asked = topic("asked");
  start_with({scripted({{"sub_from", asked}, {"sub_to", "bad/#/filter"}})});
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(asked, 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(asked, "x", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
}

TEST_F(PluginHooksTest, AFilterRewrittenIntoASharedOneWithNoLocalIsRefusedNotTheClient) {
  const std::string asked = topic("asked");
  start_with({scripted({{"sub_from", asked}, {"sub_to", "$share/g/" + asked}})});
  RawClient client(broker().port());
  ASSERT_TRUE(connect_raw(client, Version::kV5));
  EXPECT_EQ(client.subscribe(Version::kV5, asked, 1 | 0x04), 0x83);  // QoS 1, No Local
  EXPECT_FALSE(client.peer_closed());
  EXPECT_EQ(client.subscribe(Version::kV5, asked, 1), 1);
}

TEST_F(PluginHooksTest, UpdatedOptionsReachOnlyThePluginWhoseOptionsChanged) {
  const std::string seen = topic("options");
  start_with({scripted({{"options_topic", seen + "/first"}}),
              scripted({{"options_topic", seen + "/second"}})});
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe(seen + "/#", 1);
  std::vector<PluginOptions> plugins = broker().options().plugins;
  plugins[1].options.emplace_back("greeting", "hi");
  auto update = broker().starling().update_plugin_options(plugins);
  ASSERT_TRUE(update.ok()) << update.error().message;
  EXPECT_EQ(update->applied, std::vector<std::string>{"libfixture_scripted.so"});
  ASSERT_TRUE(watcher->received().wait_for(1));
  EXPECT_EQ(watcher->received().at(0)->get_topic(), seen + "/second");
  EXPECT_EQ(watcher->received().at(0)->to_string(),
            "greeting=hi;options_topic=" + seen + "/second");
  EXPECT_TRUE(watcher->received().stays_at(1));

  plugins.pop_back();
  EXPECT_FALSE(broker().starling().update_plugin_options(plugins).ok())
      << "a changed plugin list takes a restart";
  expect_broker_still_serves_clients();
}

}  // namespace
}  // namespace starling::test
