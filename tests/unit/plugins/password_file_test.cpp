// Reading and editing Mosquitto-style password files.
#include "auth_file/password_file.hpp"

#include <gtest/gtest.h>

namespace starling::plugins::auth_file {
namespace {

const std::string kAlice =
    "alice:$7$101$+oFpBtAMOwgLDuWO$wfpxSjr9+P/0RLnDaW4Dxe+m4MKxqRnUc0gc0NRghNfExeFmpLgm0aDXboJqgJc4"
    "l0STFED2lHT/TQXOE/QERQ==";
const std::string kLegacyBob =
    "bob:$6$AQIDBAUGBwgJCgsM$ZmINScnf4jTYNeH2ZDlcOt8ckLx5BKWeKCa5L8DKndBAdvK0U/l4AThKb9kq1/"
    "XPl28Dz+OZI6xzeqPXFzFnTA==";

TEST(PasswordFile, FindsEveryUserAndSkipsCommentsAndBlankLines) {
  const std::string contents = "# users\n\n" + kAlice + "\r\n  # indented comment\n" + kLegacyBob;
  auto table = parse_password_file(contents, "pw");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->size(), 2u);
  ASSERT_NE(table->find("alice"), nullptr);
  EXPECT_TRUE(verify_password(*table->find("alice"), "secret"));
  ASSERT_NE(table->find("bob"), nullptr);
  EXPECT_TRUE(verify_password(*table->find("bob"), "legacy"));
  EXPECT_EQ(table->find("carol"), nullptr);
  EXPECT_EQ(table->typical_iterations(), 101u);
}

TEST(PasswordFile, AMalformedLineIsReportedWithFileNameAndLineNumber) {
  auto table = parse_password_file(kAlice + "\n\ncarol:plaintext\n", "/etc/starling/pw");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("/etc/starling/pw:3:"), std::string::npos)
      << table.error().message;
  EXPECT_NE(table.error().message.find("carol"), std::string::npos) << table.error().message;
}

TEST(PasswordFile, ALineWithoutColonIsAnError) {
  auto table = parse_password_file("alice\n", "pw");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("pw:1:"), std::string::npos) << table.error().message;
}

TEST(PasswordFile, AUserListedTwiceIsAnError) {
  auto table = parse_password_file(kAlice + "\n" + kAlice + "\n", "pw");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("pw:2:"), std::string::npos) << table.error().message;
}

TEST(PasswordFile, SettingAUserReplacesItsLineInPlaceAndKeepsTheOthers) {
  const std::string before = "# head\n" + kAlice + "\n# between\n" + kLegacyBob + "\n";
  EXPECT_EQ(with_user(before, "alice", "$7$NEW"),
            "# head\nalice:$7$NEW\n# between\n" + kLegacyBob + "\n");
}

TEST(PasswordFile, SettingANewUserAppendsIt) {
  EXPECT_EQ(with_user(kAlice + "\n", "carol", "$7$C"), kAlice + "\ncarol:$7$C\n");
  EXPECT_EQ(with_user("", "carol", "$7$C"), "carol:$7$C\n");
}

TEST(PasswordFile, DeletingAUserRemovesOnlyItsLine) {
  auto after = without_user("# head\n" + kAlice + "\n" + kLegacyBob + "\n", "alice");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, "# head\n" + kLegacyBob + "\n");
}

TEST(PasswordFile, DeletingAnAbsentUserIsAnError) {
  EXPECT_FALSE(without_user(kAlice + "\n", "carol").ok());
}

TEST(PasswordFile, UserNamesWithColonsOrControlCharactersAreRefused) {
  EXPECT_TRUE(check_username("alice smith").ok());
  EXPECT_FALSE(check_username("").ok());
  EXPECT_FALSE(check_username("a:b").ok());
  EXPECT_FALSE(check_username("a\nb").ok());
}

}  // namespace
}  // namespace starling::plugins::auth_file
