#include "config/config_changes.hpp"

#include <gtest/gtest.h>

namespace starling {
namespace {

Options with_plugin(std::vector<std::pair<std::string, std::string>> plugin_options) {
  Options options;
  PluginOptions plugin;
  plugin.path = "/plugins/libstarling_auth_file.so";
  plugin.options = std::move(plugin_options);
  options.plugins.push_back(plugin);
  return options;
}

TEST(ConfigChanges, ChangedPluginOptionsAloneCanBeAppliedWithoutARestart) {
  ConfigChanges changes = compare_options(with_plugin({{"password_file", "/a"}}),
                                          with_plugin({{"password_file", "/b"}}));
  EXPECT_TRUE(changes.plugin_options_changed);
  EXPECT_TRUE(changes.need_restart.empty());
}

TEST(ConfigChanges, AChangedPluginPathOrSettingNeedsARestart) {
  Options running = with_plugin({{"password_file", "/a"}});
  Options moved = with_plugin({{"password_file", "/b"}});
  moved.plugins[0].path = "/elsewhere/libstarling_auth_file.so";
  ConfigChanges changes = compare_options(running, moved);
  EXPECT_FALSE(changes.plugin_options_changed);
  EXPECT_EQ(changes.need_restart, std::vector<std::string>{"plugins"});

  Options retimed = running;
  retimed.plugins[0].on_error = "next";
  EXPECT_EQ(compare_options(running, retimed).need_restart, std::vector<std::string>{"plugins"});
  Options longer = running;
  longer.plugins.push_back(longer.plugins[0]);
  EXPECT_EQ(compare_options(running, longer).need_restart, std::vector<std::string>{"plugins"});
  EXPECT_FALSE(compare_options(running, running).plugin_options_changed);
}

}  // namespace
}  // namespace starling
