// The bundled plugins as a user runs them: the starling executable loads
// auth_file from its config file, users made with starling-passwd log in
// with mosquitto_pub, and a broken password file stops the broker.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "raw_client.hpp"
#include "starling_process.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;

// A private directory for one test's files, removed at the end.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/starling-plugins-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

int port_from_log(const std::string& line) {
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(listening on tcp://127\.0\.0\.1:(\d+))"))) return 0;
  return std::stoi(m[1]);
}

// Runs a shell command; its exit status, and its output in `output`.
int run(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string auth_file_config(const std::string& password_file) {
  return "[[listeners]]\nbind = \"127.0.0.1:0\"\nallow_anonymous = false\n\n"
         "[[plugins]]\npath = \"" STARLING_AUTH_FILE_PLUGIN
         "\"\n"
         "[plugins.options]\npassword_file = \"" +
         password_file + "\"\n";
}

TEST(PluginsExecutable, MosquittoPubLogsInWithAStarlingPasswdUserAndNotWithAWrongPassword) {
  if (std::system("command -v mosquitto_pub > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "mosquitto_pub is not installed";
  }
  TempDir dir;
  std::string output;
  ASSERT_EQ(
      run(std::string(STARLING_PASSWD) + " -c -b " + dir.file("passwd") + " alice s3cret", output),
      0)
      << output;
  std::ofstream(dir.file("starling.toml")) << auth_file_config(dir.file("passwd"));
  StarlingProcess broker({"--config", dir.file("starling.toml")});
  const int port = port_from_log(broker.wait_for_line("listening on", 10s));
  ASSERT_GT(port, 0) << broker.output();

  const std::string pub = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(port) + " -t t -m x ";
  EXPECT_NE(run(pub + "-u alice -P wrong", output), 0);
  EXPECT_NE(output.find("bad user name or password"), std::string::npos) << output;
  EXPECT_NE(run(pub + "-V 5 -u alice -P wrong", output), 0);
  EXPECT_NE(run(pub, output), 0) << "an anonymous client got in";
  EXPECT_EQ(run(pub + "-u alice -P s3cret", output), 0) << output;
  EXPECT_EQ(run(pub + "-V 5 -u alice -P s3cret", output), 0) << output;
}

// The CONNACK reason code a v5 client with this user name and password gets.
std::optional<std::uint8_t> login(int port, const std::string& id, const std::string& username,
                                  const std::string& password) {
  RawClient client(static_cast<std::uint16_t>(port));
  raw::Connect connect;
  connect.client_id = id;
  connect.username = username;
  connect.password = password;
  auto connack = client.handshake(connect, 10s);
  if (!connack) return std::nullopt;
  return connack->reason_code;
}

TEST(PluginsExecutable, SighupHandsAuthFileItsNewPasswordFileAndConnectedClientsStay) {
  TempDir dir;
  std::string output;
  ASSERT_EQ(run(std::string(STARLING_PASSWD) + " -c -b " + dir.file("old") + " alice one", output),
            0)
      << output;
  ASSERT_EQ(run(std::string(STARLING_PASSWD) + " -c -b " + dir.file("new") + " bob two", output), 0)
      << output;
  std::ofstream(dir.file("starling.toml")) << auth_file_config(dir.file("old"));
  StarlingProcess broker({"--config", dir.file("starling.toml")});
  const int port = port_from_log(broker.wait_for_line("listening on", 10s));
  ASSERT_GT(port, 0) << broker.output();

  RawClient alice(static_cast<std::uint16_t>(port));
  raw::Connect connect;
  connect.client_id = "alice-stays";
  connect.username = "alice";
  connect.password = "one";
  auto connack = alice.handshake(connect, 10s);
  ASSERT_TRUE(connack) << broker.output();
  ASSERT_EQ(connack->reason_code, 0) << broker.output();
  EXPECT_EQ(login(port, "bob-early", "bob", "two"), 0x86);

  std::ofstream(dir.file("starling.toml"), std::ios::trunc) << auth_file_config(dir.file("new"));
  broker.signal(SIGHUP);
  EXPECT_NE(broker.wait_for_line("new plugin options applied: libstarling_auth_file.so", 10s), "")
      << broker.output();
  EXPECT_EQ(broker.output().find("need a restart"), std::string::npos) << broker.output();

  EXPECT_EQ(login(port, "bob-late", "bob", "two"), 0) << broker.output();
  EXPECT_EQ(login(port, "alice-late", "alice", "one"), 0x86) << "the old file is still in force";
  // The client that logged in with the old file is still served.
  EXPECT_EQ(alice.subscribe(raw::Version::kV5, "still/here", 1), 1);
  EXPECT_FALSE(alice.peer_closed());

  // A broken new file is refused: the plugin keeps the users it has.
  std::ofstream(dir.file("broken")) << "bob:plaintext\n";
  std::ofstream(dir.file("starling.toml"), std::ios::trunc) << auth_file_config(dir.file("broken"));
  broker.signal(SIGHUP);
  EXPECT_NE(broker.wait_for_line("new plugin options rejected (the old ones stay): "
                                 "libstarling_auth_file.so",
                                 10s),
            "")
      << broker.output();
  EXPECT_EQ(login(port, "bob-after", "bob", "two"), 0) << broker.output();
  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait_exit(10s), 0) << broker.output();
}

TEST(PluginsExecutable, AMalformedPasswordFileStopsTheBrokerNamingFileAndLine) {
  TempDir dir;
  std::ofstream(dir.file("passwd")) << "# users\nalice:plaintext\n";
  std::ofstream(dir.file("starling.toml")) << auth_file_config(dir.file("passwd"));
  StarlingProcess broker({"--config", dir.file("starling.toml")});
  EXPECT_NE(broker.wait_exit(10s), 0);
  EXPECT_NE(broker.output().find(dir.file("passwd") + ":2"), std::string::npos) << broker.output();
}

TEST(PluginsExecutable, StarlingPasswdRefusesBadUseWithANonZeroExit) {
  TempDir dir;
  std::string output;
  EXPECT_EQ(run(std::string(STARLING_PASSWD), output), 2);
  EXPECT_NE(output.find("usage:"), std::string::npos) << output;
  EXPECT_EQ(run(std::string(STARLING_PASSWD) + " -b " + dir.file("none") + " alice pw", output), 1);
  EXPECT_NE(output.find("use -c"), std::string::npos) << output;
  EXPECT_EQ(run(std::string(STARLING_PASSWD) + " -c -b " + dir.file("pw") + " a:b pw", output), 2);
  EXPECT_EQ(run(std::string(STARLING_PASSWD) + " -c -b " + dir.file("pw") + " alice pw", output),
            0);
  EXPECT_EQ(run(std::string(STARLING_PASSWD) + " -D " + dir.file("pw") + " bob", output), 1);
  EXPECT_EQ(run(std::string(STARLING_PASSWD) + " -D " + dir.file("pw") + " alice", output), 0);
}

TEST(PluginsExecutable, StarlingPasswdReadsThePasswordTwiceAndRefusesAMismatch) {
  TempDir dir;
  std::string output;
  const std::string tool = std::string(STARLING_PASSWD) + " -c " + dir.file("pw") + " alice";
  EXPECT_EQ(run("printf 'one\\ntwo\\n' | " + tool, output), 1);
  EXPECT_NE(output.find("do not match"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("pw")));
  EXPECT_EQ(run("printf 'same\\nsame\\n' | " + tool, output), 0) << output;
  EXPECT_TRUE(std::filesystem::exists(dir.file("pw")));
}

}  // namespace
}  // namespace starling::test
