#include "config/option_values.hpp"

#include <gtest/gtest.h>

#include "util/log.hpp"

namespace starling {
namespace {

TEST(OptionValues, TheLogLevelNamesAreExactlyTheOnesTheLoggerAccepts) {
  for (std::string_view name : kLogLevels) {
    log::Level level;
    EXPECT_TRUE(log::parse_level(name, &level)) << name;
    EXPECT_TRUE(check_log_level(name).ok()) << name;
  }
  // One name per level, from kTrace to kOff.
  EXPECT_EQ(kLogLevels.size(), static_cast<std::size_t>(log::Level::kOff) + 1);
}

TEST(OptionValues, LogLevelsAreCaseSensitive) {
  EXPECT_FALSE(check_log_level("INFO").ok());
  EXPECT_FALSE(check_log_level("").ok());
}

TEST(OptionValues, OnlyTcpListenersAreSupportedSoFar) {
  EXPECT_TRUE(check_listener_type("tcp").ok());
  EXPECT_EQ(check_listener_type("ws").error().message,
            "unknown listener type 'ws' (supported: tcp)");
}

TEST(OptionValues, TheDataDirMustNotBeEmpty) {
  EXPECT_TRUE(check_data_dir("/var/lib/starling").ok());
  EXPECT_EQ(check_data_dir("").error().message, "must not be empty");
}

}  // namespace
}  // namespace starling
