// Logging as an operator sees it from the executable: JSON lines with the
// client on every client line, and SIGHUP rereading the config (log levels
// take effect, other changes are named as needing a restart, a broken file
// leaves the running configuration alone).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "starling_process.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;

class ConfigFile {
 public:
  ConfigFile() {
    char path[] = "/tmp/starling-log-test-XXXXXX.toml";
    int fd = mkstemps(path, 5);
    ::close(fd);
    path_ = path;
  }
  ~ConfigFile() { std::remove(path_.c_str()); }
  void write(const std::string& contents) { std::ofstream(path_, std::ios::trunc) << contents; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// CONNECT, MQTT 3.1.1, clean session, keep-alive 60, client id `id` (short).
std::string connect_packet(const std::string& id) {
  std::string body = std::string("\x00\x04MQTT\x04\x02\x00\x3c", 10) + '\x00' +
                     static_cast<char>(id.size()) + id;
  return std::string(1, '\x10') + static_cast<char>(body.size()) + body;
}

TEST(LoggingExecutable, JsonFormatWritesOneObjectPerLineNamingTheClient) {
  StarlingProcess broker({"--listen", "127.0.0.1:0", "--log-format", "json"});
  const std::string listening = broker.wait_for_line("listening on", 10s);
  ASSERT_GT(port_from_log(listening), 0) << broker.output();
  EXPECT_EQ(listening.rfind("{\"time\":\"", 0), 0u) << listening;
  EXPECT_NE(listening.find("\"subsystem\":\"broker\""), std::string::npos) << listening;

  int fd = connect_loopback(port_from_log(listening));
  send_all(fd, connect_packet("json-client"));
  EXPECT_EQ(read_bytes(fd, 4, 5s), std::string("\x20\x02\x00\x00", 4));
  const std::string connected = broker.wait_for_line("connected (v3.1.1", 10s);
  ::close(fd);
  EXPECT_NE(connected.find("\"subsystem\":\"mqtt\",\"conn\":"), std::string::npos) << connected;
  EXPECT_NE(connected.find("\"client\":\"json-client\""), std::string::npos) << connected;

  // Every line of the run is a JSON object.
  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait_exit(10s), 0);
  std::istringstream lines(broker.output());
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
  }
}

TEST(LoggingExecutable, SighupAppliesLogLevelsAndNamesWhatNeedsARestart) {
  ConfigFile config;
  config.write("log_level = \"info\"\n");
  StarlingProcess broker({"--config", config.path(), "--listen", "127.0.0.1:0"});
  const int port = port_from_log(broker.wait_for_line("listening on", 10s));
  ASSERT_GT(port, 0) << broker.output();

  // mqtt at warn: a client's "connected" info line is no longer written.
  config.write("log_level = \"info\"\n[log_levels]\nmqtt = \"warn\"\n[limits]\nmax_connections = 5\n");
  broker.signal(SIGHUP);
  EXPECT_NE(broker.wait_for_line("config reread, applied: log_levels {} -> {mqtt = warn}", 10s), "")
      << broker.output();
  EXPECT_NE(broker.wait_for_line("config changes that need a restart (not applied): limits", 10s), "")
      << broker.output();
  int fd = connect_loopback(port);
  send_all(fd, connect_packet("quiet"));
  EXPECT_EQ(read_bytes(fd, 4, 5s), std::string("\x20\x02\x00\x00", 4));
  ::close(fd);

  // A broken file keeps the running configuration, and the broker runs on.
  config.write("log_level = \"loud\"\n");
  broker.signal(SIGHUP);
  EXPECT_NE(broker.wait_for_line("config reload failed, the running configuration stays", 10s), "")
      << broker.output();
  fd = connect_loopback(port);
  send_all(fd, connect_packet("still"));
  EXPECT_EQ(read_bytes(fd, 4, 5s), std::string("\x20\x02\x00\x00", 4));
  ::close(fd);

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait_exit(10s), 0) << broker.output();
  EXPECT_EQ(broker.output().find("client 'quiet'"), std::string::npos) << broker.output();
  EXPECT_EQ(broker.output().find("client 'still'"), std::string::npos) << broker.output();
}

}  // namespace
}  // namespace starling::test
