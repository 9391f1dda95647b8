#include "util/log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace starling::log {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

static_assert(subsystem_of_file("/x/broker/src/net/listener.cpp") == Subsystem::kNet);
static_assert(subsystem_of_file("/x/broker/src/net/broker_runtime.cpp") == Subsystem::kBroker);
static_assert(subsystem_of_file("/x/broker/src/core/client_connection.cpp") == Subsystem::kMqtt);
static_assert(subsystem_of_file("/x/broker/src/storage/writer_thread.cpp") == Subsystem::kStorage);
static_assert(subsystem_of_file("/x/broker/src/plugin_host/plugin_host.cpp") == Subsystem::kPlugins);
static_assert(subsystem_of_file("/x/broker/src/config/config_file.cpp") == Subsystem::kConfig);
static_assert(subsystem_of_file("/x/broker/src/core/sys_topics.cpp") == Subsystem::kSys);
static_assert(subsystem_of_file("/x/broker/src/net/http_server.cpp") == Subsystem::kHttp);
static_assert(subsystem_of_file("/x/broker/src/admin/session_view.cpp") == Subsystem::kHttp);
static_assert(subsystem_of_file("/x/broker/src/main.cpp") == Subsystem::kBroker);
// A checkout under a folder called src: the innermost src/ decides.
static_assert(subsystem_of_file("/home/me/src/starling/broker/src/routing/x.cpp") == Subsystem::kRouting);

// Restores the process-wide logger after each test.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_level(Level::kInfo);
    set_format(Format::kText);
  }
  void TearDown() override {
    set_sink({});
    set_level(Level::kWarn);
    set_format(Format::kText);
  }

  void capture_lines() {
    lines_.clear();
    set_sink([this](Level, std::string_view line) { lines_.emplace_back(line); });
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, NamesAndLevelsParseBothWays) {
  for (std::size_t i = 0; i < kSubsystemCount; ++i) {
    Subsystem parsed;
    ASSERT_TRUE(parse_subsystem(subsystem_name(static_cast<Subsystem>(i)), &parsed));
    EXPECT_EQ(parsed, static_cast<Subsystem>(i));
  }
  Subsystem unknown;
  EXPECT_FALSE(parse_subsystem("disk", &unknown));
  Format format;
  EXPECT_TRUE(parse_format("json", &format));
  EXPECT_EQ(format, Format::kJson);
  EXPECT_FALSE(parse_format("JSON", &format));
}

TEST_F(LogTest, ASubsystemLevelOverridesTheGeneralOne) {
  set_level(Level::kWarn);
  set_level(Subsystem::kStorage, Level::kDebug);
  EXPECT_TRUE(enabled(Level::kDebug, Subsystem::kStorage));
  EXPECT_FALSE(enabled(Level::kInfo, Subsystem::kNet));
  EXPECT_TRUE(enabled(Level::kWarn, Subsystem::kNet));
  set_level(Level::kError);  // the general level resets every subsystem
  EXPECT_FALSE(enabled(Level::kWarn, Subsystem::kStorage));
}

TEST_F(LogTest, TheMacroSkipsLinesOfADisabledSubsystemWithoutEvaluatingThem) {
  capture_lines();
  set_level(Level::kInfo);
  set_level(Subsystem::kBroker, Level::kError);  // this file maps to kBroker
  int evaluated = 0;
  STARLING_LOG(kInfo) << "hidden " << ++evaluated;
  EXPECT_EQ(evaluated, 0);
  EXPECT_TRUE(lines_.empty());
  STARLING_LOG(kError) << "shown";
  EXPECT_EQ(lines_, std::vector<std::string>{"shown"});
}

TEST_F(LogTest, LinesInAClientContextNameTheConnectionAndClient) {
  capture_lines();
  std::string client_id;  // not known yet, as before CONNECT
  {
    ClientContext context(7, &client_id);
    STARLING_LOG(kInfo) << "before connect";
    client_id = "sensor-1";
    STARLING_LOG(kInfo) << "after connect";
    {
      const std::string other = "offline-session";
      ClientContext inner(0, &other);
      STARLING_LOG(kInfo) << "about another session";
    }
    STARLING_LOG(kInfo) << "back";
  }
  STARLING_LOG(kInfo) << "no client";
  EXPECT_EQ(lines_, (std::vector<std::string>{
                        "conn 7: before connect", "conn 7 client 'sensor-1': after connect",
                        "client 'offline-session': about another session",
                        "conn 7 client 'sensor-1': back", "no client"}));
}

TEST_F(LogTest, TextLinesCarryTimeLevelSubsystemAndClient) {
  std::string client_id = "c1";
  ::testing::internal::CaptureStderr();
  {
    ClientContext context(3, &client_id);
    write(Level::kWarn, Subsystem::kStorage, "disk is full");
  }
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, ::testing::MatchesRegex(
                       "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z warn +storage "
                       "conn 3 client 'c1': disk is full\n"));
}

TEST_F(LogTest, JsonLinesAreOneEscapedObjectEach) {
  set_format(Format::kJson);
  std::string client_id = "quote\"and\\slash";
  ::testing::internal::CaptureStderr();
  {
    ClientContext context(12, &client_id);
    write(Level::kError, Subsystem::kMqtt, "bad\npacket\x01");
  }
  write(Level::kInfo, Subsystem::kBroker, "plain");
  std::string out = ::testing::internal::GetCapturedStderr();
  std::size_t newline = out.find('\n');
  ASSERT_NE(newline, std::string::npos);
  std::string first = out.substr(0, newline);
  std::string second = out.substr(newline + 1);
  EXPECT_THAT(first, StartsWith("{\"time\":\""));
  EXPECT_THAT(first, HasSubstr("\"level\":\"error\",\"subsystem\":\"mqtt\",\"conn\":12,"
                               "\"client\":\"quote\\\"and\\\\slash\","
                               "\"message\":\"bad\\npacket\\u0001\"}"));
  EXPECT_THAT(second, HasSubstr("\"level\":\"info\",\"subsystem\":\"broker\",\"message\":\"plain\"}\n"));
  EXPECT_THAT(second, ::testing::Not(HasSubstr("conn")));
}

}  // namespace
}  // namespace starling::log
