#pragma once
// What rereading the config on SIGHUP changes: the parts that take effect at
// once (logging), and the parts that only a restart applies.
#include <string>
#include <vector>

#include "starling/options.hpp"

namespace starling {

struct ConfigChanges {
  std::vector<std::string> applied;       // e.g. "log_level info -> debug"
  std::vector<std::string> need_restart;  // e.g. "listeners", "storage"
  // Only plugins' [plugins.options] changed (same list, paths and
  // settings): Broker::update_plugin_options may apply them.
  bool plugin_options_changed = false;
};

ConfigChanges compare_options(const Options& running, const Options& reread);

}  // namespace starling
