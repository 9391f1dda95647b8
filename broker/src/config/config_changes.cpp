#include "config/config_changes.hpp"

namespace starling {
namespace {

std::string describe_levels(const std::vector<std::pair<std::string, std::string>>& levels) {
  if (levels.empty()) return "{}";
  std::string text = "{";
  for (const auto& [subsystem, level] : levels) {
    if (text.size() > 1) text += ", ";
    text += subsystem + " = " + level;
  }
  return text + "}";
}

// The plugin list with every plugin's [plugins.options] left out.
std::vector<PluginOptions> without_options(std::vector<PluginOptions> plugins) {
  for (PluginOptions& plugin : plugins) plugin.options.clear();
  return plugins;
}

}  // namespace

ConfigChanges compare_options(const Options& running, const Options& reread) {
  ConfigChanges changes;
  if (running.log_level != reread.log_level) {
    changes.applied.push_back("log_level " + running.log_level + " -> " + reread.log_level);
  }
  if (running.log_levels != reread.log_levels) {
    changes.applied.push_back("log_levels " + describe_levels(running.log_levels) + " -> " +
                              describe_levels(reread.log_levels));
  }
  if (running.log_format != reread.log_format) {
    changes.applied.push_back("log_format " + running.log_format + " -> " + reread.log_format);
  }
  auto restart_if = [&changes](bool changed, const char* what) {
    if (changed) changes.need_restart.emplace_back(what);
  };
  restart_if(running.listeners != reread.listeners, "listeners");
  restart_if(running.data_dir != reread.data_dir, "data_dir");
  restart_if(running.threads != reread.threads, "threads");
  restart_if(running.mqtt != reread.mqtt, "mqtt");
  restart_if(running.limits != reread.limits, "limits");
  restart_if(running.storage != reread.storage, "storage");
  if (without_options(running.plugins) != without_options(reread.plugins)) {
    changes.need_restart.emplace_back("plugins");
  } else {
    changes.plugin_options_changed = running.plugins != reread.plugins;
  }
  restart_if(running.sys_interval != reread.sys_interval, "sys_interval");
  restart_if(running.presence_events != reread.presence_events, "presence_events");
  restart_if(running.http != reread.http, "http");
  return changes;
}

}  // namespace starling
