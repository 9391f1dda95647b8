// examples/starling.toml documents every key with its default value; this
// test keeps it from drifting away from the code.
#include <gtest/gtest.h>

#include "config/config_file.hpp"
#include "options_equal.hpp"

namespace starling {
namespace {

TEST(ExampleConfig, TheShippedExampleParsesToTheDefaults) {
  Result<Options> options = load_config_file(STARLING_SOURCE_DIR "/examples/starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  testing::expect_same_settings(*options, Options{});
  // The example spells out the default listener that an absent list implies.
  testing::expect_same_listeners(options->listeners, {ListenerOptions{}});
}

}  // namespace
}  // namespace starling
