// The starling executable as a user runs it: flags, config errors, the
// listening log line, and graceful shutdown on signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "starling_process.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;

std::string temp_file(const std::string& contents) {
  char path[] = "/tmp/starling-test-XXXXXX.toml";
  int fd = mkstemps(path, 5);
  std::ofstream(path) << contents;
  close(fd);
  return path;
}

// CONNECT: MQTT 3.1.1 or 5, clean start, keep-alive 60, client id "exe".
std::string connect_packet(bool v5) {
  std::string variable = std::string("\x00\x04MQTT", 6) + (v5 ? '\x05' : '\x04') + '\x02' +
                         std::string("\x00\x3c", 2);
  if (v5) variable += '\x00';  // no properties
  std::string payload = std::string("\x00\x03", 2) + "exe";
  std::string body = variable + payload;
  return std::string(1, '\x10') + static_cast<char>(body.size()) + body;
}

TEST(Executable, PortZeroPicksAFreePortAndLogsTheRealOne) {
  StarlingProcess broker({"--listen", "127.0.0.1:0", "--threads", "2"});
  int port = port_from_log(broker.wait_for_line("listening on", 10s));
  ASSERT_GT(port, 0) << broker.output();
  int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  send_all(fd, connect_packet(false));
  EXPECT_EQ(read_bytes(fd, 4, 5s), std::string("\x20\x02\x00\x00", 4));
  close(fd);
}

TEST(Executable, SigtermSendsV5ClientsServerShuttingDownAndExitsZero) {
  StarlingProcess broker({"--listen", "127.0.0.1:0"});
  int port = port_from_log(broker.wait_for_line("listening on", 10s));
  ASSERT_GT(port, 0) << broker.output();
  int fd = connect_loopback(port);
  send_all(fd, connect_packet(true));
  std::string connack = read_bytes(fd, 2, 5s);
  ASSERT_EQ(connack.size(), 2u);
  ASSERT_EQ(connack[0], '\x20');
  read_bytes(fd, static_cast<unsigned char>(connack[1]), 5s);  // the rest of CONNACK

  broker.signal(SIGTERM);
  std::string disconnect = read_bytes(fd, 3, 5s);
  ASSERT_GE(disconnect.size(), 3u);
  EXPECT_EQ(static_cast<unsigned char>(disconnect[0]), 0xE0);
  EXPECT_EQ(static_cast<unsigned char>(disconnect[2]), 0x8B);  // server shutting down
  EXPECT_EQ(broker.wait_exit(10s), 0) << broker.output();
  close(fd);
}

TEST(Executable, SigintAlsoShutsDownCleanly) {
  StarlingProcess broker({"--listen", "127.0.0.1:0"});
  ASSERT_GT(port_from_log(broker.wait_for_line("listening on", 10s)), 0);
  broker.signal(SIGINT);
  EXPECT_EQ(broker.wait_exit(10s), 0) << broker.output();
}

TEST(Executable, BadConfigValueExitsNonZeroNamingFileLineAndKey) {
  std::string path = temp_file("threads = 2\n[limits]\nmax_packet_size = -1\n");
  StarlingProcess broker({"--config", path});
  EXPECT_EQ(broker.wait_exit(10s), 2);
  EXPECT_NE(broker.output().find(path + ":3"), std::string::npos) << broker.output();
  EXPECT_NE(broker.output().find("limits.max_packet_size"), std::string::npos) << broker.output();
  std::remove(path.c_str());
}

TEST(Executable, APluginThatFailsToInitialiseStopsTheBrokerNamingIt) {
  std::string path = temp_file(std::string("[[plugins]]\npath = \"") + STARLING_FIXTURE_FAILING_INIT +
                               "\"\n[plugins.options]\nneeded = \"no\"\n");
  StarlingProcess broker({"--config", path, "--listen", "127.0.0.1:0"});
  EXPECT_NE(broker.wait_exit(10s), 0);
  EXPECT_NE(broker.output().find(STARLING_FIXTURE_FAILING_INIT), std::string::npos) << broker.output();
  EXPECT_NE(broker.output().find("init failed"), std::string::npos) << broker.output();
  EXPECT_EQ(broker.output().find("listening on"), std::string::npos) << broker.output();
  std::remove(path.c_str());
}

TEST(Executable, APluginWithTheWrongAbiVersionStopsTheBroker) {
  std::string path = temp_file(std::string("[[plugins]]\npath = \"") + STARLING_FIXTURE_WRONG_VERSION +
                               "\"\n");
  StarlingProcess broker({"--config", path, "--listen", "127.0.0.1:0"});
  EXPECT_NE(broker.wait_exit(10s), 0);
  EXPECT_NE(broker.output().find("ABI version"), std::string::npos) << broker.output();
  std::remove(path.c_str());
}

TEST(Executable, APluginEntryWithoutPathIsAConfigError) {
  std::string path = temp_file("[[plugins]]\n[plugins.options]\nx = 1\n");
  StarlingProcess broker({"--config", path});
  EXPECT_EQ(broker.wait_exit(10s), 2);
  EXPECT_NE(broker.output().find("plugins[0]: needs a path"), std::string::npos) << broker.output();
  std::remove(path.c_str());
}

TEST(Executable, UnknownFlagExitsNonZeroNamingIt) {
  StarlingProcess broker({"--lissten", "127.0.0.1:0"});
  EXPECT_EQ(broker.wait_exit(10s), 2);
  EXPECT_NE(broker.output().find("--lissten"), std::string::npos) << broker.output();
}

TEST(Executable, PortAlreadyInUseFailsWithTheAddress) {
  StarlingProcess first({"--listen", "127.0.0.1:0"});
  int port = port_from_log(first.wait_for_line("listening on", 10s));
  ASSERT_GT(port, 0);
  std::string bind = "127.0.0.1:" + std::to_string(port);
  StarlingProcess second({"--listen", bind});
  EXPECT_EQ(second.wait_exit(10s), 1);
  EXPECT_NE(second.output().find("cannot listen on tcp://" + bind), std::string::npos)
      << second.output();
}

TEST(Executable, HelpAndVersionPrintAndExitZero) {
  StarlingProcess help({"--help"});
  EXPECT_EQ(help.wait_exit(10s), 0);
  StarlingProcess version({"--version"});
  EXPECT_EQ(version.wait_exit(10s), 0);
}

TEST(Executable, ConfigFileListenersAreUsed) {
  std::string path = temp_file("[[listeners]]\ntype = \"tcp\"\nbind = \"127.0.0.1:0\"\n");
  StarlingProcess broker({"--config", path});
  EXPECT_GT(port_from_log(broker.wait_for_line("listening on", 10s)), 0) << broker.output();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace starling::test
