// The logging options in the config file, putting them into effect, and
// what a reread config changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "config/config_changes.hpp"
#include "config/config_file.hpp"
#include "config/log_settings.hpp"
#include "util/log.hpp"

namespace starling {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::string error_of(const std::string& text) {
  Result<Options> result = parse_config(text, "starling.toml");
  if (result.ok()) {
    ADD_FAILURE() << "expected an error for:\n" << text;
    return "";
  }
  return result.error().message;
}

TEST(LogOptions, TheFileSetsFormatAndPerSubsystemLevels) {
  Result<Options> options = parse_config(
      "log_level = \"warn\"\nlog_format = \"json\"\n[log_levels]\nstorage = \"debug\"\nnet = \"error\"\n",
      "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->log_level, "warn");
  EXPECT_EQ(options->log_format, "json");
  EXPECT_THAT(options->log_levels,  // a TOML table has no order
              UnorderedElementsAre(std::pair<std::string, std::string>{"storage", "debug"},
                          std::pair<std::string, std::string>{"net", "error"}));
}

TEST(LogOptions, BadValuesAreNamedWithTheirLine) {
  EXPECT_THAT(error_of("log_format = \"xml\"\n"),
              HasSubstr("starling.toml:1: log_format: expected \"text\" or \"json\", got 'xml'"));
  EXPECT_THAT(error_of("[log_levels]\ndisk = \"debug\"\n"),
              HasSubstr("starling.toml:2: log_levels.disk: unknown log subsystem 'disk' (one of "
                        "broker, net, mqtt"));
  EXPECT_THAT(error_of("[log_levels]\nnet = \"loud\"\n"),
              HasSubstr("starling.toml:2: log_levels.net: expected one of trace"));
  EXPECT_THAT(error_of("log_levels = \"debug\"\n"), HasSubstr("log_levels: expected a table"));
}

class LogSettingsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    log::set_level(log::Level::kWarn);
    log::set_format(log::Format::kText);
  }
};

TEST_F(LogSettingsTest, ApplyingSetsTheGeneralThenEachSubsystemLevel) {
  Options options;
  options.log_level = "error";
  options.log_levels = {{"storage", "debug"}};
  ASSERT_TRUE(apply_log_settings(options).ok());
  EXPECT_EQ(log::level(log::Subsystem::kNet), log::Level::kError);
  EXPECT_EQ(log::level(log::Subsystem::kStorage), log::Level::kDebug);
}

TEST_F(LogSettingsTest, ABadValueChangesNothing) {
  log::set_level(log::Level::kInfo);
  Options options;
  options.log_level = "error";
  options.log_levels = {{"storage", "debug"}, {"nowhere", "info"}};
  Status status = apply_log_settings(options);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("unknown log subsystem 'nowhere'"));
  EXPECT_EQ(log::level(log::Subsystem::kNet), log::Level::kInfo);
  EXPECT_EQ(log::level(log::Subsystem::kStorage), log::Level::kInfo);
}

TEST(ConfigChanges, LoggingAppliesAndTheRestNeedsARestart) {
  Options running;
  Options reread = running;
  reread.log_level = "debug";
  reread.log_levels = {{"net", "trace"}};
  reread.limits.max_connections = 7;
  reread.listeners.push_back(ListenerOptions{});
  reread.storage.durability = "memory";
  ConfigChanges changes = compare_options(running, reread);
  EXPECT_THAT(changes.applied,
              ElementsAre("log_level info -> debug", "log_levels {} -> {net = trace}"));
  EXPECT_THAT(changes.need_restart, ElementsAre("listeners", "limits", "storage"));
}

TEST(ConfigChanges, AnUnchangedConfigChangesNothing) {
  Options running;
  running.log_levels = {{"storage", "debug"}};
  ConfigChanges changes = compare_options(running, running);
  EXPECT_TRUE(changes.applied.empty());
  EXPECT_TRUE(changes.need_restart.empty());
}

}  // namespace
}  // namespace starling
