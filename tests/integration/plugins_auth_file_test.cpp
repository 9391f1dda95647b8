// The auth_file plugin (plugins/auth_file) in the real broker: user names
// and passwords from a Mosquitto password file decide who connects.
#include <filesystem>
#include <fstream>

#include "bundled_plugin_test.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

class AuthFilePluginTest : public BundledPluginTest {
 protected:
  void start_auth_file(bool allow_anonymous, const std::string& file = fixture("mosquitto.passwd"),
                       std::vector<std::pair<std::string, std::string>> extra = {}) {
    extra.emplace_back("password_file", file);
    start_with(plugin(STARLING_AUTH_FILE_PLUGIN, std::move(extra)), allow_anonymous);
  }

  std::optional<std::uint8_t> connack_code(Version version, std::optional<std::string> username,
                                           std::optional<std::string> password) {
    RawClient client(broker().port());
    auto connack = connect_raw(client, version, std::move(username), std::move(password));
    if (!connack) return std::nullopt;
    return connack->reason_code;
  }
};

TEST_F(AuthFilePluginTest, TheRightPasswordFromAMosquittoPasswdFileIsAccepted) {
  start_auth_file(/*allow_anonymous=*/false);
  EXPECT_EQ(connack_code(Version::kV5, "alice", "secret"), 0);
  EXPECT_EQ(connack_code(Version::kV311, "alice", "secret"), 0);
}

TEST_F(AuthFilePluginTest, AMosquitto1SaltedSha512UserIsAccepted) {
  start_auth_file(/*allow_anonymous=*/false);
  EXPECT_EQ(connack_code(Version::kV5, "bob", "legacy"), 0);
}

TEST_F(AuthFilePluginTest, AWrongPasswordIsRefusedWithBadUserNameOrPassword) {
  start_auth_file(/*allow_anonymous=*/true);
  EXPECT_EQ(connack_code(Version::kV5, "alice", "wrong"), 0x86);
  EXPECT_EQ(connack_code(Version::kV311, "alice", "wrong"), 4);
}

TEST_F(AuthFilePluginTest, AnUnknownUserOrAMissingPasswordIsRefusedLikeAWrongPassword) {
  start_auth_file(/*allow_anonymous=*/true);
  EXPECT_EQ(connack_code(Version::kV5, "mallory", "secret"), 0x86);
  EXPECT_EQ(connack_code(Version::kV5, "alice", std::nullopt), 0x86);
  EXPECT_EQ(connack_code(Version::kV311, "mallory", "secret"), 4);
}

TEST_F(AuthFilePluginTest, NoUserNameIsRefusedWhereTheListenerForbidsAnonymousClients) {
  start_auth_file(/*allow_anonymous=*/false);
  EXPECT_EQ(connack_code(Version::kV5, std::nullopt, std::nullopt), 0x87);
  EXPECT_EQ(connack_code(Version::kV311, std::nullopt, std::nullopt), 5);
}

TEST_F(AuthFilePluginTest, NoUserNameIsAcceptedWhereTheListenerAllowsAnonymousClients) {
  start_auth_file(/*allow_anonymous=*/true);
  EXPECT_EQ(connack_code(Version::kV5, std::nullopt, std::nullopt), 0);
}

TEST_F(AuthFilePluginTest, APahoClientWithTheRightPasswordPublishesAndReceives) {
  start_auth_file(/*allow_anonymous=*/false);
  const std::string t = topic("hello");
  auto subscriber = user_client("sub", kV5, "alice", "secret");
  subscriber->subscribe(t, 1);
  auto publisher = user_client("pub", kV311, "bob", "legacy");
  publisher->publish(t, "hi", 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "hi");
}

TEST_F(AuthFilePluginTest, APahoClientWithAWrongPasswordCannotConnect) {
  start_auth_file(/*allow_anonymous=*/false);
  ConnectSettings settings;
  settings.username = "alice";
  settings.password = "wrong";
  TestClient client(broker(), client_id("paho"), kV5);
  EXPECT_THROW(client.connect(settings), mqtt::exception);
  EXPECT_FALSE(client.is_connected());
}

TEST_F(AuthFilePluginTest, AnEditedFileIsReloadedWhenAReloadIntervalIsSet) {
  const auto dir = std::filesystem::temp_directory_path() / ("starling-auth-" + client_id("dir"));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "passwd").string();
  std::filesystem::copy_file(fixture("mosquitto.passwd"), file);
  start_auth_file(/*allow_anonymous=*/false, file, {{"reload_interval_ms", "50"}});
  EXPECT_EQ(connack_code(Version::kV5, "carol", "secret"), 0x86);

  // carol gets alice's hash, so her password is "secret" too.
  std::string contents;
  {
    std::ifstream in(file);
    contents.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t alice = contents.find("alice:");
  const std::string alice_line = contents.substr(alice, contents.find('\n', alice) - alice);
  std::ofstream(file, std::ios::app) << "carol" << alice_line.substr(5) << "\n";

  EXPECT_TRUE(eventually([&] { return connack_code(Version::kV5, "carol", "secret") == 0; }));
  stop_broker();
  std::filesystem::remove_all(dir);
}

TEST_F(AuthFilePluginTest, TheBrokerDoesNotStartWhenThePasswordFileIsMalformed) {
  const auto dir = std::filesystem::temp_directory_path() / ("starling-auth-" + client_id("dir"));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "passwd").string();
  std::ofstream(file) << "alice:plaintext\n";
  EXPECT_THROW(start_auth_file(/*allow_anonymous=*/false, file), std::runtime_error);
  EXPECT_THROW(start_auth_file(/*allow_anonymous=*/false, (dir / "missing").string()),
               std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace starling::test
