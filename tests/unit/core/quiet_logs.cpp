// Core tests connect and disconnect clients by the hundred; the broker's
// info lines would bury gtest's output. Warnings and errors still show.
#include <gtest/gtest.h>

#include "util/log.hpp"

namespace {

class QuietLogs : public ::testing::Environment {
 public:
  void SetUp() override { starling::log::set_level(starling::log::Level::kWarn); }
};

[[maybe_unused]] const auto* const kQuietLogs = ::testing::AddGlobalTestEnvironment(new QuietLogs);

}  // namespace
