// The acl_file plugin's rules, read from a Mosquitto-style ACL file.
#include "acl_file/acl_rules.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace starling::plugins::acl_file {
namespace {

AclRules deployment_rules() {
  const std::string path =
      std::string(STARLING_SOURCE_DIR) + "/tests/fixtures/plugins/mosquitto.acl";
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  auto rules = parse_acl_file(contents.str(), path);
  if (!rules.ok()) ADD_FAILURE() << rules.error().message;
  return rules.ok() ? std::move(*rules) : AclRules();
}

AclClient anonymous(std::string_view id = "lobby-1") {
  return {id, std::nullopt};
}
AclClient user(std::string_view name, std::string_view id = "c1") {
  return {id, name};
}

class AclRulesTest : public ::testing::Test {
 protected:
  AclRules rules = deployment_rules();
};

TEST_F(AclRulesTest, AnonymousClientsReadPublicTopicsButCannotWriteThem) {
  EXPECT_TRUE(rules.may_receive(anonymous(), "public/hall/temperature"));
  EXPECT_FALSE(rules.may_publish(anonymous(), "public/hall/temperature"));
  EXPECT_FALSE(rules.may_receive(anonymous(), "plant/line1/status"));
}

TEST_F(AclRulesTest, RulesBeforeTheFirstUserDoNotApplyToNamedUsers) {
  EXPECT_FALSE(rules.may_receive(user("bob"), "public/hall/temperature"));
  EXPECT_TRUE(rules.may_receive(user("alice"), "public/hall/temperature"));
}

TEST_F(AclRulesTest, AUserReadsAndWritesWhatItsBlockGrants) {
  EXPECT_TRUE(rules.may_publish(user("alice"), "plant/line2/setpoint"));
  EXPECT_TRUE(rules.may_receive(user("bob"), "plant/line1/status"));
  EXPECT_FALSE(rules.may_publish(user("bob"), "plant/line1/status"));
  EXPECT_TRUE(rules.may_publish(user("bob"), "plant/line1/commands"));
  EXPECT_FALSE(rules.may_receive(user("bob"), "plant/line2/status"));
}

TEST_F(AclRulesTest, DenyWinsOverAnAllowWrittenBeforeIt) {
  EXPECT_FALSE(rules.may_receive(user("alice"), "plant/secrets/recipe"));
  EXPECT_FALSE(rules.may_publish(user("alice"), "plant/secrets/recipe"));
  EXPECT_FALSE(rules.may_receive(user("bob"), "plant/line1/maintenance"));
}

TEST_F(AclRulesTest, AUserWithoutABlockGetsOnlyThePatterns) {
  EXPECT_FALSE(rules.may_receive(user("carol"), "public/x"));
  EXPECT_TRUE(rules.may_publish(user("carol"), "sensors/carol/telemetry"));
  EXPECT_FALSE(rules.may_receive(user("carol"), "sensors/carol/telemetry"));  // write only
  EXPECT_TRUE(rules.may_receive(user("carol"), "sensors/carol/commands/reboot"));
  EXPECT_FALSE(rules.may_publish(user("carol"), "sensors/dave/telemetry"));
}

TEST_F(AclRulesTest, PatternsSubstituteTheClientIdForEveryClient) {
  EXPECT_TRUE(rules.may_publish(anonymous("dev-7"), "clients/dev-7/state"));
  EXPECT_TRUE(rules.may_receive(user("bob", "bob-laptop"), "clients/bob-laptop/inbox"));
  EXPECT_FALSE(rules.may_publish(anonymous("dev-7"), "clients/dev-8/state"));
}

TEST_F(AclRulesTest, UserNamePatternsSkipClientsWithoutAUserName) {
  EXPECT_FALSE(rules.may_publish(anonymous(), "sensors/%u/telemetry"));
  EXPECT_FALSE(rules.may_publish(anonymous(), "sensors//telemetry"));
}

TEST_F(AclRulesTest, AWildcardInTheClientIdOrUserNameGetsNoPatternAccess) {
  EXPECT_FALSE(rules.may_receive(anonymous("#"), "clients/anything"));
  EXPECT_FALSE(rules.may_publish(user("+", "c"), "sensors/x/telemetry"));
}

TEST_F(AclRulesTest, ALeadingWildcardDoesNotReachDollarTopics) {
  EXPECT_TRUE(rules.may_receive(user("monitor"), "plant/line1/status"));
  EXPECT_TRUE(rules.may_receive(user("monitor"), "$SYS/broker/clients"));
  EXPECT_FALSE(rules.may_receive(user("alice"), "$SYS/broker/uptime"));
  EXPECT_TRUE(rules.may_receive(anonymous(), "$SYS/broker/uptime"));
}

TEST_F(AclRulesTest, ASubscriptionIsAllowedWhenAReadRuleCoversTheWholeFilter) {
  EXPECT_TRUE(rules.may_subscribe(user("bob"), "plant/line1/#"));
  EXPECT_TRUE(rules.may_subscribe(user("bob"), "plant/line1/+/temperature"));
  EXPECT_FALSE(rules.may_subscribe(user("bob"), "plant/#"));
  EXPECT_FALSE(rules.may_subscribe(user("bob"), "plant/+/status"));
  EXPECT_FALSE(rules.may_subscribe(user("carol"), "sensors/carol/telemetry"));  // write only
  EXPECT_TRUE(rules.may_subscribe(anonymous("dev-7"), "clients/dev-7/#"));
}

TEST_F(AclRulesTest, ASubscriptionInsideADeniedTreeIsRefused) {
  EXPECT_FALSE(rules.may_subscribe(user("alice"), "plant/secrets/#"));
  EXPECT_FALSE(rules.may_subscribe(user("alice"), "plant/secrets/recipe"));
}

TEST_F(AclRulesTest, ASubscriptionOverlappingADeniedTreeIsAllowedButItsMessagesAreNot) {
  EXPECT_TRUE(rules.may_subscribe(user("alice"), "plant/#"));
  EXPECT_FALSE(rules.may_receive(user("alice"), "plant/secrets/recipe"));
}

TEST_F(AclRulesTest, ASharedSubscriptionIsCheckedWithoutItsSharePrefix) {
  EXPECT_TRUE(rules.may_subscribe(user("bob"), "$share/workers/plant/line1/#"));
  EXPECT_FALSE(rules.may_subscribe(user("bob"), "$share/workers/plant/line2/#"));
}

TEST(AclFileParsing, ATopicWithoutAccessWordIsReadWrite) {
  auto rules = parse_acl_file("topic a/b\n", "acl");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_TRUE(rules->may_publish({"c", std::nullopt}, "a/b"));
  EXPECT_TRUE(rules->may_receive({"c", std::nullopt}, "a/b"));
}

TEST(AclFileParsing, TheRestOfTheLineAfterTheAccessWordIsTheTopic) {
  auto rules = parse_acl_file("user some one\ntopic read room 101/#\n", "acl");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_TRUE(rules->may_receive({"c", "some one"}, "room 101/lights"));
}

TEST(AclFileParsing, ErrorsNameTheFileAndLine) {
  struct Case {
    const char* contents;
    const char* line;
  } cases[] = {
      {"topic read a\nbogus a\n", "acl:2:"},
      {"# c\ntopic maybe a/b\n", "acl:2:"},
      {"topic read a/#/b\n", "acl:1:"},
      {"topic\n", "acl:1:"},
      {"user\n", "acl:1:"},
  };
  for (const Case& c : cases) {
    auto rules = parse_acl_file(c.contents, "acl");
    ASSERT_FALSE(rules.ok()) << c.contents;
    EXPECT_NE(rules.error().message.find(c.line), std::string::npos) << rules.error().message;
  }
}

TEST(AclFileParsing, AnEmptyFileDeniesEverything) {
  auto rules = parse_acl_file("# nothing\n", "acl");
  ASSERT_TRUE(rules.ok());
  EXPECT_FALSE(rules->may_receive({"c", std::nullopt}, "a"));
  EXPECT_FALSE(rules->may_subscribe({"c", "u"}, "a"));
}

}  // namespace
}  // namespace starling::plugins::acl_file
