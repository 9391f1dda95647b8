// The acl_file plugin (plugins/acl_file) in the real broker, with a
// Mosquitto-style ACL file (tests/fixtures/plugins/mosquitto.acl): who may
// subscribe, publish and receive.
#include <filesystem>
#include <fstream>

#include "bundled_plugin_test.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

class AclFilePluginTest : public BundledPluginTest {
 protected:
  void SetUp() override {
    BundledPluginTest::SetUp();
    if (IsSkipped()) return;
    start_with(plugin(STARLING_ACL_FILE_PLUGIN, {{"acl_file", fixture("mosquitto.acl")}}));
  }

  // The SUBACK reason code for one filter, as user `username`.
  std::optional<std::uint8_t> suback_code(Version version, const std::string& username,
                                          const std::string& filter) {
    RawClient client(broker().port());
    if (!connect_raw(client, version, username)) return std::nullopt;
    return client.subscribe(version, filter, 1);
  }

  // bob publishes where he may not, then where he may: the first PUBACK
  // carries `denied_puback`, and a subscriber to everything gets only the second.
  void expect_only_the_allowed_publish_arrives(Version version, int paho_version,
                                               std::uint8_t denied_puback) {
    auto monitor = user_client("monitor", paho_version, "monitor");
    monitor->subscribe("plant/#", 1);
    RawClient bob(broker().port());
    ASSERT_TRUE(connect_raw(bob, version, "bob"));
    EXPECT_EQ(bob.publish_qos1(version, "plant/line2/commands"), denied_puback);
    EXPECT_EQ(bob.publish_qos1(version, "plant/line1/commands"), 0);

    ASSERT_TRUE(monitor->received().wait_for(1));
    EXPECT_EQ(monitor->received().at(0)->get_topic(), "plant/line1/commands");
    EXPECT_TRUE(monitor->received().stays_at(1));
  }
};

TEST_F(AclFilePluginTest, ADeniedSubscriptionGetsNotAuthorizedInV5) {
  EXPECT_EQ(suback_code(Version::kV5, "bob", "plant/#"), 0x87);
  EXPECT_EQ(suback_code(Version::kV5, "bob", "plant/line1/#"), 1);
}

TEST_F(AclFilePluginTest, AnotherAclFileInUpdatedOptionsDecidesTheNextChecks) {
  const auto dir = std::filesystem::temp_directory_path() / ("starling-acl-" + client_id("dir"));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "open.acl").string();
  std::ofstream(file) << "user bob\ntopic readwrite plant/#\n";
  EXPECT_EQ(suback_code(Version::kV5, "bob", "plant/#"), 0x87);
  std::vector<PluginOptions> plugins = broker().options().plugins;
  plugins[0].options = {{"acl_file", file}};
  auto update = broker().starling().update_plugin_options(plugins);
  ASSERT_TRUE(update.ok()) << update.error().message;
  EXPECT_EQ(update->applied.size(), 1u);
  EXPECT_EQ(suback_code(Version::kV5, "bob", "plant/#"), 1);

  // A missing file is refused and the rules in force stay.
  plugins[0].options = {{"acl_file", (dir / "missing.acl").string()}};
  update = broker().starling().update_plugin_options(plugins);
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update->rejected.size(), 1u);
  EXPECT_EQ(suback_code(Version::kV5, "bob", "plant/#"), 1);
  std::filesystem::remove_all(dir);
}

TEST_F(AclFilePluginTest, ADeniedSubscriptionGetsFailureInV311) {
  EXPECT_EQ(suback_code(Version::kV311, "bob", "plant/#"), 0x80);
  EXPECT_EQ(suback_code(Version::kV311, "bob", "plant/line1/#"), 1);
}

TEST_F(AclFilePluginTest, ADeniedPublishIsRefusedInV5AndNobodyReceivesIt) {
  expect_only_the_allowed_publish_arrives(Version::kV5, kV5, /*denied_puback=*/0x87);
}

TEST_F(AclFilePluginTest, ADeniedPublishIsAcknowledgedAndDroppedInV311) {
  expect_only_the_allowed_publish_arrives(Version::kV311, kV311, /*denied_puback=*/0);
}

TEST_F(AclFilePluginTest, AMessageOnAReadDeniedTopicIsNotDelivered) {
  auto bob = user_client("bob", kV5, "bob");
  bob->subscribe("plant/line1/#", 1);  // allowed, but plant/line1/maintenance is denied
  auto alice = user_client("alice", kV5, "alice");
  alice->publish("plant/line1/maintenance", "hidden", 1);
  alice->publish("plant/line1/status", "visible", 1);

  ASSERT_TRUE(bob->received().wait_for(1));
  EXPECT_EQ(bob->received().at(0)->get_topic(), "plant/line1/status");
  EXPECT_TRUE(bob->received().stays_at(1));
}

TEST_F(AclFilePluginTest, ClientIdPatternsGiveEachClientItsOwnTree) {
  auto device = connected_client("dev", kV311);  // anonymous
  const std::string own = "clients/" + device->client_id();
  EXPECT_EQ(suback_code(Version::kV5, "carol", own + "/#"), 0x87);  // carol's id differs
  device->subscribe(own + "/#", 1);
  device->publish(own + "/state", "up", 1);
  ASSERT_TRUE(device->received().wait_for(1));
  EXPECT_EQ(device->received().at(0)->get_topic(), own + "/state");
}

TEST_F(AclFilePluginTest, UserNamePatternsLetAUserPublishOnlyItsOwnTelemetry) {
  auto monitor = user_client("monitor", kV5, "monitor");
  monitor->subscribe("sensors/#", 1);
  RawClient carol(broker().port());
  ASSERT_TRUE(connect_raw(carol, Version::kV5, "carol"));
  EXPECT_EQ(carol.publish_qos1(Version::kV5, "sensors/dave/telemetry"), 0x87);
  EXPECT_EQ(carol.publish_qos1(Version::kV5, "sensors/carol/telemetry"), 0);

  ASSERT_TRUE(monitor->received().wait_for(1));
  EXPECT_EQ(monitor->received().at(0)->get_topic(), "sensors/carol/telemetry");
  EXPECT_TRUE(monitor->received().stays_at(1));
}

TEST_F(AclFilePluginTest, AnonymousClientsOnlyReadThePublicTree) {
  EXPECT_EQ(suback_code(Version::kV5, "", "public/#"), 0x87);  // "" is a user name
  RawClient anonymous(broker().port());
  ASSERT_TRUE(connect_raw(anonymous, Version::kV5, std::nullopt));
  EXPECT_EQ(anonymous.subscribe(Version::kV5, "public/#", 0), 0);
  EXPECT_EQ(anonymous.publish_qos1(Version::kV5, "public/hall"), 0x87);
}

}  // namespace
}  // namespace starling::test
