#include "config/log_settings.hpp"

#include <string>
#include <utility>
#include <vector>

#include "util/log.hpp"

namespace starling {

Status apply_log_settings(const Options& options) {
  log::Level level;
  if (!log::parse_level(options.log_level, &level)) {
    return Error{1, "unknown log level '" + options.log_level + "'"};
  }
  log::Format format;
  if (!log::parse_format(options.log_format, &format)) {
    return Error{1, "unknown log format '" + options.log_format + "'"};
  }
  std::vector<std::pair<log::Subsystem, log::Level>> overrides;
  for (const auto& [name, value] : options.log_levels) {
    log::Subsystem subsystem;
    if (!log::parse_subsystem(name, &subsystem)) {
      return Error{1, "unknown log subsystem '" + name + "'"};
    }
    log::Level subsystem_level;
    if (!log::parse_level(value, &subsystem_level)) {
      return Error{1, "log_levels." + name + ": unknown log level '" + value + "'"};
    }
    overrides.emplace_back(subsystem, subsystem_level);
  }
  log::set_level(level);
  for (const auto& [subsystem, subsystem_level] : overrides) log::set_level(subsystem, subsystem_level);
  log::set_format(format);
  return {};
}

}  // namespace starling
