#include "plugin_host/plugin_host.hpp"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "plugin_host/message_edit.hpp"
#include "plugin_host/subscription_edit.hpp"

namespace starling::plugin_host {
namespace {

using Kind = Verdict::Kind;

class RecordingServices : public HostServices {
 public:
  bool publish(std::string topic, std::string payload, int, bool) override {
    published.emplace_back(std::move(topic), std::move(payload));
    return true;
  }
  bool disconnect_client(const std::string& client_id, bool) override {
    disconnected.push_back(client_id);
    return true;
  }
  int read_retained(std::string_view filter,
                    const std::function<void(std::string_view, std::string_view, int)>& visit) override {
    if (filter != "#") return -1;
    visit("kept/a", "1", 1);
    visit("kept/b", "2", 0);
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> published;
  std::vector<std::string> disconnected;
};

PluginOptions scripted(std::vector<std::pair<std::string, std::string>> options) {
  PluginOptions plugin;
  plugin.path = STARLING_FIXTURE_SCRIPTED;
  plugin.options = std::move(options);
  return plugin;
}

PluginOptions fixture(const char* path) {
  PluginOptions plugin;
  plugin.path = path;
  return plugin;
}

std::string load_error(std::vector<PluginOptions> plugins) {
  RecordingServices services;
  auto host = PluginHost::load(plugins, services);
  return host.ok() ? std::string("(loaded)") : host.error().message;
}

struct Events {
  starling_client client{};
  starling_auth_event auth{};
  starling_publish_event publish{};
  starling_subscribe_event subscribe{};
  std::string topic = "a/b";
  std::string filter = "a/#";
  Events() {
    client.struct_size = sizeof client;
    client.client_id = {"c1", 2};
    auth.struct_size = sizeof auth;
    auth.client = &client;
    publish.struct_size = sizeof publish;
    publish.client = &client;
    publish.topic = {topic.data(), topic.size()};
    subscribe.struct_size = sizeof subscribe;
    subscribe.client = &client;
    subscribe.filter = {filter.data(), filter.size()};
  }
};

TEST(PluginLoading, AVersionOneCPluginLoads) {
  RecordingServices services;
  auto host = PluginHost::load({fixture(STARLING_FIXTURE_V1_ALLOW_ALL)}, services);
  ASSERT_TRUE(host.ok()) << host.error().message;
  EXPECT_TRUE(host.value()->has_authenticate());
  EXPECT_TRUE(host.value()->has_authorize_delivery());
  Events e;
  EXPECT_EQ(host.value()->authenticate(e.auth).kind, Kind::kAllow);
}

TEST(PluginLoading, AMissingFileIsRefusedNamingIt) {
  std::string error = load_error({fixture("/nonexistent/libnothing.so")});
  EXPECT_NE(error.find("/nonexistent/libnothing.so"), std::string::npos) << error;
  EXPECT_NE(error.find("cannot load"), std::string::npos) << error;
}

TEST(PluginLoading, ALibraryWithoutEntryPointsIsRefused) {
  std::string error = load_error({fixture(STARLING_FIXTURE_NOT_A_PLUGIN)});
  EXPECT_NE(error.find("starling_plugin_version"), std::string::npos) << error;
}

TEST(PluginLoading, AMissingInitSymbolIsRefused) {
  std::string error = load_error({fixture(STARLING_FIXTURE_MISSING_INIT)});
  EXPECT_NE(error.find("starling_plugin_init"), std::string::npos) << error;
}

TEST(PluginLoading, AnUnofferedAbiVersionIsRefused) {
  std::string error = load_error({fixture(STARLING_FIXTURE_WRONG_VERSION)});
  EXPECT_NE(error.find("ABI version"), std::string::npos) << error;
  EXPECT_NE(error.find("99"), std::string::npos) << error;
}

TEST(PluginLoading, AFailingInitIsRefusedWithItsCode) {
  std::string error = load_error({fixture(STARLING_FIXTURE_FAILING_INIT)});
  EXPECT_NE(error.find("init failed (returned 7)"), std::string::npos) << error;
  EXPECT_NE(error.find(STARLING_FIXTURE_FAILING_INIT), std::string::npos) << error;
}

TEST(PluginLoading, AConstructorThatThrowsRefusesToStart) {
  std::string error = load_error({scripted({{"throw_in_constructor", "true"}})});
  EXPECT_NE(error.find("init failed"), std::string::npos) << error;
}

TEST(PluginLoading, AnInvalidFallbackSettingIsRefused) {
  PluginOptions plugin = scripted({});
  plugin.on_timeout = "maybe";
  EXPECT_NE(load_error({plugin}).find("on_timeout"), std::string::npos);
}

TEST(PluginLoading, OneBadPluginInTheListStopsTheWholeLoad) {
  std::string error =
      load_error({scripted({}), fixture(STARLING_FIXTURE_WRONG_VERSION), scripted({})});
  EXPECT_NE(error.find(STARLING_FIXTURE_WRONG_VERSION), std::string::npos) << error;
}

TEST(PluginChain, TheFirstAnswerOtherThanNextDecides) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({{"authenticate", "next"}}),
                                scripted({{"authenticate", "deny:0x86"}}),
                                scripted({{"authenticate", "allow"}})},
                               services);
  ASSERT_TRUE(host.ok()) << host.error().message;
  Events e;
  Verdict v = host.value()->authenticate(e.auth);
  EXPECT_EQ(v.kind, Kind::kDeny);
  EXPECT_EQ(v.reason_code, 0x86);
}

TEST(PluginChain, AllNextLeavesTheDecisionToTheBroker) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({{"publish", "next"}}), scripted({})}, services);
  ASSERT_TRUE(host.ok());
  Events e;
  EXPECT_EQ(host.value()->authorize_publish(e.publish).kind, Kind::kNext);
}

TEST(PluginChain, AnErrorDeniesUnlessThePluginSaysNext) {
  RecordingServices services;
  PluginOptions failing = scripted({{"subscribe", "error"}});
  auto denying = PluginHost::load({failing, scripted({{"subscribe", "allow"}})}, services);
  ASSERT_TRUE(denying.ok());
  Events e;
  EXPECT_EQ(denying.value()->authorize_subscribe(e.subscribe).kind, Kind::kDeny);

  failing.on_error = "next";
  auto passing = PluginHost::load({failing, scripted({{"subscribe", "allow"}})}, services);
  ASSERT_TRUE(passing.ok());
  EXPECT_EQ(passing.value()->authorize_subscribe(e.subscribe).kind, Kind::kAllow);
}

TEST(PluginChain, AHookThatThrowsCountsAsAnError) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({{"publish", "throw"}})}, services);
  ASSERT_TRUE(host.ok());
  Events e;
  Verdict v = host.value()->authorize_publish(e.publish);
  EXPECT_EQ(v.kind, Kind::kDeny);
  EXPECT_EQ(v.reason_code, 0x80);
}

TEST(PluginChain, APendingHookNamesItselfAndResumesAfterIt) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({{"authenticate", "pending:never"}}),
                                scripted({{"authenticate", "deny:0x87"}})},
                               services);
  ASSERT_TRUE(host.ok());
  Events e;
  Verdict v = host.value()->authenticate(e.auth);
  ASSERT_EQ(v.kind, Kind::kPending);
  EXPECT_EQ(v.plugin, 0u);
  EXPECT_NE(v.ticket, 0u);
  // The plugin answers "next": the chain goes on with the second plugin.
  EXPECT_EQ(host.value()->resolve_answer(0, Answer{STARLING_NEXT, 0}).kind, Kind::kNext);
  EXPECT_EQ(host.value()->authenticate(e.auth, v.plugin + 1).kind, Kind::kDeny);
}

TEST(PluginChain, APendingAnswerArrivesThroughTheHostTable) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({{"publish", "pending:deny:0x97:10"}})}, services);
  ASSERT_TRUE(host.ok());
  Events e;
  Verdict v = host.value()->authorize_publish(e.publish);
  ASSERT_EQ(v.kind, Kind::kPending);
  std::promise<Answer> answered;
  host.value()->pending().await(v.ticket, [&](Answer a) { answered.set_value(a); });
  auto future = answered.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  Verdict resolved = host.value()->resolve_answer(v.plugin, future.get());
  EXPECT_EQ(resolved.kind, Kind::kDeny);
  EXPECT_EQ(resolved.reason_code, 0x97);
}

TEST(PluginChain, ATimeoutAppliesThePluginsFallback) {
  RecordingServices services;
  PluginOptions plugin = scripted({{"authenticate", "pending:never"}});
  plugin.on_timeout = "allow";
  auto host = PluginHost::load({plugin, scripted({})}, services);
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host.value()->timed_out(0).kind, Kind::kAllow);
  EXPECT_EQ(host.value()->timed_out(1).kind, Kind::kDeny);
}

TEST(PluginChain, HooksWithTopicFiltersSkipOtherTopics) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({{"publish", "deny"}, {"topic_filters", "secret/#"}})},
                               services);
  ASSERT_TRUE(host.ok());
  Events e;
  EXPECT_EQ(host.value()->authorize_publish(e.publish).kind, Kind::kNext);
  e.topic = "secret/x";
  e.publish.topic = {e.topic.data(), e.topic.size()};
  EXPECT_EQ(host.value()->authorize_publish(e.publish).kind, Kind::kDeny);
}

TEST(PluginChain, OnPublishChangesAreSeenByLaterPlugins) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({{"rewrite_from", "a/b"}, {"rewrite_to", "c/d"}}),
                                scripted({{"drop_topic", "c/d"}, {"drop_reason", "0x10"}})},
                               services);
  ASSERT_TRUE(host.ok());
  protocol::Publish publish;
  publish.topic = "a/b";
  publish.payload = "x";
  starling_message message{&publish, 2, true};
  Events e;
  e.publish.message = &message;
  Verdict v = host.value()->on_publish(e.publish);
  EXPECT_EQ(publish.topic, "c/d");
  EXPECT_EQ(v.kind, Kind::kDeny);
  EXPECT_EQ(v.reason_code, 0x10);
}

TEST(PluginChain, AnInvalidTopicFromAPluginIsNotApplied) {
  protocol::Publish publish;
  publish.topic = "a/b";
  starling_message message{&publish, 1, false};
  EXPECT_EQ(message_set_topic(&message, "a/+", 3), -1);
  EXPECT_EQ(message_set_qos(&message, 2), -1);  // above the broker's maximum
  EXPECT_EQ(message_set_retain(&message, 1), -1);  // retain unavailable
  EXPECT_EQ(publish.topic, "a/b");
  EXPECT_EQ(message_set_qos(&message, 1), 0);
  EXPECT_EQ(publish.qos, 1);
}

TEST(PluginChain, OnSubscribeChangesAreSeenByLaterPlugins) {
  RecordingServices services;
  auto host =
      PluginHost::load({scripted({{"sub_from", "a/#"}, {"sub_to", "b/#"}, {"sub_qos", "2"}}),
                        scripted({{"sub_deny", "b/#"}, {"sub_deny_reason", "0x9E"}})},
                       services);
  ASSERT_TRUE(host.ok());
  ASSERT_TRUE(host.value()->has_on_subscribe());
  std::string filter = "a/#";
  std::uint8_t qos = 0;
  starling_subscription subscription{&filter, &qos};
  Events e;
  e.subscribe.subscription = &subscription;
  Verdict v = host.value()->on_subscribe(e.subscribe);
  EXPECT_EQ(filter, "b/#");
  EXPECT_EQ(qos, 2);
  EXPECT_EQ(std::string(e.subscribe.filter.data, e.subscribe.filter.size), "b/#");
  EXPECT_EQ(v.kind, Kind::kDeny);
  EXPECT_EQ(v.reason_code, 0x9E);
}

TEST(PluginChain, AnInvalidFilterOrQosFromAPluginIsNotApplied) {
  std::string filter = "a/b";
  std::uint8_t qos = 1;
  starling_subscription subscription{&filter, &qos};
  EXPECT_EQ(subscription_set_filter(&subscription, "a/#/b", 5), -1);
  EXPECT_EQ(subscription_set_filter(&subscription, "$share//x", 9), -1);
  EXPECT_EQ(subscription_set_filter(&subscription, "", 0), -1);
  EXPECT_EQ(subscription_set_qos(&subscription, 3), -1);
  EXPECT_EQ(filter, "a/b");
  EXPECT_EQ(qos, 1);
  EXPECT_EQ(subscription_set_filter(&subscription, "$share/g/x/+", 12), 0);
  EXPECT_EQ(filter, "$share/g/x/+");
  starling_subscription unsubscribe{&filter, nullptr};
  EXPECT_EQ(subscription_set_qos(&unsubscribe, 0), -1) << "an UNSUBSCRIBE has no QoS";
}

TEST(PluginTimers, TheTimerHookRunsAtItsInterval) {
  RecordingServices services;
  {
    auto host = PluginHost::load({scripted({{"timer_ms", "20"}, {"timer_topic", "t"}})}, services);
    ASSERT_TRUE(host.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  // Destroyed: the timer thread has stopped, nothing races the vector.
  EXPECT_GE(services.published.size(), 3u);
  EXPECT_LE(services.published.size(), 16u);
}

TEST(PluginHostTable, RetainedMessagesAreVisitedThroughTheHostTable) {
  RecordingServices services;
  auto host = PluginHost::load({scripted({})}, services);
  ASSERT_TRUE(host.ok());
  const starling_host& table = host.value()->host_table();
  starling_plugin self{host.value().get(), 0, "test"};
  std::vector<std::string> seen;
  auto visit = [](void* arg, starling_bytes topic, starling_bytes payload, int qos) {
    static_cast<std::vector<std::string>*>(arg)->push_back(
        std::string(topic.data, topic.size) + "=" + std::string(payload.data, payload.size) + "@" +
        std::to_string(qos));
  };
  EXPECT_EQ(table.retained_read(&self, "#", 1, visit, &seen), 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"kept/a=1@1", "kept/b=2@0"}));
  EXPECT_EQ(table.retained_read(&self, "a/+/#/b", 7, visit, &seen), -1);
}

TEST(PluginHostTable, ScheduledWorkRunsOnceAfterItsDelay) {
  RecordingServices services;
  std::promise<std::chrono::steady_clock::time_point> ran;
  auto start = std::chrono::steady_clock::now();
  auto host = PluginHost::load({scripted({})}, services);
  ASSERT_TRUE(host.ok());
  const starling_host& table = host.value()->host_table();
  starling_plugin self{host.value().get(), 0, "test"};
  auto fn = [](void* arg) {
    static_cast<std::promise<std::chrono::steady_clock::time_point>*>(arg)->set_value(
        std::chrono::steady_clock::now());
  };
  ASSERT_EQ(table.schedule(&self, 100, fn, &ran), 0);
  auto future = ran.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_GE(future.get() - start, std::chrono::milliseconds(100));
}

TEST(PluginOptionsUpdate, ChangedOptionsReachTheRunningPluginThroughOnOptions) {
  RecordingServices services;
  std::vector<PluginOptions> running = {scripted({}), scripted({{"options_topic", "seen"}})};
  auto host = PluginHost::load(running, services);
  ASSERT_TRUE(host.ok()) << host.error().message;
  std::vector<PluginOptions> changed = running;
  changed[1].options.emplace_back("greeting", "hi");
  auto update = host.value()->update_options(changed);
  ASSERT_TRUE(update.ok()) << update.error().message;
  EXPECT_EQ(update->applied, std::vector<std::string>{host.value()->name(1)});
  EXPECT_TRUE(update->rejected.empty());
  EXPECT_EQ(update->in_force, (std::vector<bool>{true, true}));
  ASSERT_EQ(services.published.size(), 1u) << "only the plugin whose options changed is asked";
  EXPECT_EQ(services.published[0],
            std::make_pair(std::string("seen"), std::string("greeting=hi;options_topic=seen")));
  // Now in force: the same options again ask nobody.
  ASSERT_TRUE(host.value()->update_options(changed).ok());
  EXPECT_EQ(services.published.size(), 1u);
}

TEST(PluginOptionsUpdate, APluginThatRefusesIsNamedAndAskedAgainNextTime) {
  RecordingServices services;
  std::vector<PluginOptions> running = {scripted({{"options_topic", "seen"}})};
  auto host = PluginHost::load(running, services);
  ASSERT_TRUE(host.ok());
  std::vector<PluginOptions> changed = running;
  changed[0].options.emplace_back("options_reject", "true");
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto update = host.value()->update_options(changed);
    ASSERT_TRUE(update.ok());
    EXPECT_EQ(update->rejected, std::vector<std::string>{host.value()->name(0)});
    EXPECT_TRUE(update->applied.empty());
    EXPECT_EQ(update->in_force, std::vector<bool>{false});
  }
  EXPECT_EQ(services.published.size(), 2u) << "the old options stayed, so it was asked again";
}

TEST(PluginOptionsUpdate, APluginWithoutOnOptionsIsNamedAsNeedingARestart) {
  RecordingServices services;
  std::vector<PluginOptions> running = {fixture(STARLING_FIXTURE_V1_ALLOW_ALL)};
  auto host = PluginHost::load(running, services);
  ASSERT_TRUE(host.ok());
  running[0].options.emplace_back("any", "thing");
  auto update = host.value()->update_options(running);
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update->need_restart, std::vector<std::string>{host.value()->name(0)});
  EXPECT_EQ(update->in_force, std::vector<bool>{false});
}

TEST(PluginOptionsUpdate, AChangedListPathOrSettingIsRefusedAsNeedingARestart) {
  RecordingServices services;
  std::vector<PluginOptions> running = {scripted({{"options_topic", "seen"}})};
  auto host = PluginHost::load(running, services);
  ASSERT_TRUE(host.ok());
  std::vector<PluginOptions> longer = {running[0], running[0]};
  EXPECT_FALSE(host.value()->update_options(longer).ok());
  std::vector<PluginOptions> moved = running;
  moved[0].path = STARLING_FIXTURE_V1_ALLOW_ALL;
  moved[0].options.emplace_back("k", "v");
  auto refused = host.value()->update_options(moved);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("restart"), std::string::npos) << refused.error().message;
  std::vector<PluginOptions> retimed = running;
  retimed[0].pending_timeout_ms = 1;
  EXPECT_FALSE(host.value()->update_options(retimed).ok());
  EXPECT_TRUE(services.published.empty()) << "no plugin was asked";
}

TEST(PluginOptionsUpdate, TopicFiltersReplacedFromOnOptionsLimitTheHooksFromThenOn) {
  RecordingServices services;
  std::vector<PluginOptions> running = {
      scripted({{"publish", "deny"}, {"topic_filters", "secret/#"}})};
  auto host = PluginHost::load(running, services);
  ASSERT_TRUE(host.ok());
  Events e;  // topic a/b
  EXPECT_EQ(host.value()->authorize_publish(e.publish).kind, Kind::kNext);
  std::vector<PluginOptions> changed = running;
  changed[0].options[1].second = "a/#";
  ASSERT_TRUE(host.value()->update_options(changed).ok());
  EXPECT_EQ(host.value()->authorize_publish(e.publish).kind, Kind::kDeny);
}

TEST(PluginHostTable, InvalidTopicFiltersAreRefusedAndTheOldOnesStay) {
  RecordingServices services;
  auto host =
      PluginHost::load({scripted({{"publish", "deny"}, {"topic_filters", "a/#"}})}, services);
  ASSERT_TRUE(host.ok());
  const starling_host& table = host.value()->host_table();
  ASSERT_GE(table.struct_size, offsetof(starling_host, set_topic_filters) + sizeof(void*));
  starling_plugin handle{host.value().get(), 0, "test"};  // as the plugin at index 0
  starling_plugin* self = &handle;
  const char* bad[] = {"x/#/y"};
  EXPECT_EQ(table.set_topic_filters(self, bad, 1), -1);
  const char* null_entry[] = {nullptr};
  EXPECT_EQ(table.set_topic_filters(self, null_entry, 1), -1);
  Events e;
  EXPECT_EQ(host.value()->authorize_publish(e.publish).kind, Kind::kDeny) << "a/# still in force";
  const char* other[] = {"z/#"};
  EXPECT_EQ(table.set_topic_filters(self, other, 1), 0);
  EXPECT_EQ(host.value()->authorize_publish(e.publish).kind, Kind::kNext);
}

TEST(PluginLoading, ThePluginsOwnExportsStayReachable) {
  RecordingServices services;
  auto host = PluginHost::load({fixture(STARLING_FIXTURE_V1_ALLOW_ALL)}, services);
  ASSERT_TRUE(host.ok());
  void* handle = dlopen(STARLING_FIXTURE_V1_ALLOW_ALL, RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr);
  auto calls = reinterpret_cast<unsigned long (*)()>(dlsym(handle, "fixture_v1_calls"));
  ASSERT_NE(calls, nullptr);
  unsigned long before = calls();
  Events e;
  (void)host.value()->authorize_publish(e.publish);
  EXPECT_EQ(calls(), before + 1);
  dlclose(handle);
}

}  // namespace
}  // namespace starling::plugin_host
