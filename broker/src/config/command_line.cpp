#include "config/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "config/bind_address.hpp"
#include "config/config_error.hpp"
#include "config/config_file.hpp"
#include "config/did_you_mean.hpp"
#include "config/option_values.hpp"

namespace starling {
namespace {

// Records one flag's value in the CommandLine, or says what is wrong with it
// (without the flag's name, which the caller adds).
using Apply = Status (*)(std::string_view value, CommandLine& command_line);

struct Flag {
  std::string_view long_name;   // "--config"
  std::string_view short_name;  // "-c", or empty
  std::string_view value_name;  // "FILE", or empty for a flag that takes no value
  std::string help;             // what it does and its default, for usage_text()
  Apply apply;
};

Status set_config(std::string_view value, CommandLine& command_line) {
  if (value.empty()) return config_error("expected a file name, got ''");
  command_line.config_path = std::string(value);
  return {};
}

Status add_listen(std::string_view value, CommandLine& command_line) {
  if (Result<BindAddress> bind = parse_bind_address(value); !bind) return bind.error();
  command_line.listen.emplace_back(value);
  return {};
}

Status set_data_dir(std::string_view value, CommandLine& command_line) {
  if (Status valid = check_data_dir(value); !valid) return valid;
  command_line.data_dir = std::string(value);
  return {};
}

Status set_threads(std::string_view value, CommandLine& command_line) {
  unsigned threads = 0;
  const char* end = value.data() + value.size();
  const auto [stop, error] = std::from_chars(value.data(), end, threads);
  if (value.empty() || error != std::errc{} || stop != end || threads > kMaxThreads) {
    return config_error("expected a number from 0 to " + std::to_string(kMaxThreads) + ", got '" +
                        std::string(value) + "'");
  }
  command_line.threads = threads;
  return {};
}

Status set_log_level(std::string_view value, CommandLine& command_line) {
  if (Status valid = check_log_level(value); !valid) return valid;
  command_line.log_level = std::string(value);
  return {};
}

Status set_log_format(std::string_view value, CommandLine& command_line) {
  if (Status valid = check_log_format(value); !valid) return valid;
  command_line.log_format = std::string(value);
  return {};
}

Status set_help(std::string_view, CommandLine& command_line) {
  command_line.help = true;
  return {};
}

Status set_version(std::string_view, CommandLine& command_line) {
  command_line.version = true;
  return {};
}

// Every flag, in --help order. Defaults are read from Options so the help
// text cannot drift from the code.
const std::vector<Flag>& all_flags() {
  static const std::vector<Flag> flags = [] {
    const Options defaults;
    const ListenerOptions default_listener;
    return std::vector<Flag>{
        {"--config", "-c", "FILE", "read options from this TOML file (default: none)", &set_config},
        {"--listen", "", "HOST:PORT",
         "TCP listener; repeatable; replaces the file's listeners (default: " +
             default_listener.bind + ")",
         &add_listen},
        {"--data-dir", "", "DIR",
         "directory for persistent state (default: " + defaults.data_dir + ")", &set_data_dir},
        {"--threads", "", "N",
         "worker threads, 0 to " + std::to_string(kMaxThreads) +
             "; 0 means one per core (default: " + std::to_string(defaults.threads) + ")",
         &set_threads},
        {"--log-level", "", "LEVEL",
         "one of " + log_level_list() + " (default: " + defaults.log_level + ")", &set_log_level},
        {"--log-format", "", "FORMAT",
         "text or json (default: " + defaults.log_format + ")", &set_log_format},
        {"--help", "-h", "", "print this help and exit", &set_help},
        {"--version", "", "", "print the version and exit", &set_version},
    };
  }();
  return flags;
}

const Flag* find_flag(std::string_view name) {
  for (const Flag& flag : all_flags()) {
    if (name == flag.long_name || (!flag.short_name.empty() && name == flag.short_name)) {
      return &flag;
    }
  }
  return nullptr;
}

Error unknown_flag(std::string_view name) {
  std::vector<std::string_view> long_names;
  for (const Flag& flag : all_flags()) long_names.push_back(flag.long_name);
  std::string message = "unknown option '" + std::string(name) + "'";
  if (auto suggestion = closest_match(name, long_names)) {
    message += " (did you mean '" + std::string(*suggestion) + "'?)";
  } else {
    message += " (see --help)";
  }
  return config_error(std::move(message));
}

}  // namespace

Result<CommandLine> parse_command_line(int argc, const char* const* argv) {
  CommandLine command_line;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    std::string_view name = argument;
    std::optional<std::string_view> attached_value;  // from "--flag=value"
    if (argument.starts_with("--")) {
      if (const std::size_t equals = argument.find('='); equals != std::string_view::npos) {
        name = argument.substr(0, equals);
        attached_value = argument.substr(equals + 1);
      }
    } else if (!argument.starts_with("-") || argument.size() == 1) {
      return config_error("unexpected argument '" + std::string(argument) + "' (see --help)");
    }

    const Flag* flag = find_flag(name);
    if (flag == nullptr) return unknown_flag(name);

    std::string_view value;
    if (flag->value_name.empty()) {
      if (attached_value) {
        return config_error(std::string(name) + ": takes no value, got '" +
                            std::string(*attached_value) + "'");
      }
    } else if (attached_value) {
      value = *attached_value;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return config_error(std::string(name) + ": missing value (" + std::string(name) + " " +
                          std::string(flag->value_name) + ")");
    }

    if (Status applied = flag->apply(value, command_line); !applied) {
      return config_error(std::string(name) + ": " + applied.error().message);
    }
  }
  return command_line;
}

Result<Options> resolve_options(const CommandLine& command_line) {
  Options options;
  if (command_line.config_path) {
    Result<Options> loaded = load_config_file(*command_line.config_path);
    if (!loaded) return loaded.error();
    options = std::move(loaded).value();
  }
  if (!command_line.listen.empty()) {
    options.listeners.clear();
    for (const std::string& bind : command_line.listen) {
      ListenerOptions listener;
      listener.type = "tcp";
      listener.bind = bind;
      options.listeners.push_back(std::move(listener));
    }
  }
  if (command_line.data_dir) options.data_dir = *command_line.data_dir;
  if (command_line.threads) options.threads = *command_line.threads;
  if (command_line.log_level) options.log_level = *command_line.log_level;
  if (command_line.log_format) options.log_format = *command_line.log_format;
  return options;
}

std::string usage_text() {
  std::vector<std::string> synopses;  // "  -c, --config FILE"
  for (const Flag& flag : all_flags()) {
    std::string synopsis =
        flag.short_name.empty() ? "      " : "  " + std::string(flag.short_name) + ", ";
    synopsis += flag.long_name;
    if (!flag.value_name.empty()) synopsis += " " + std::string(flag.value_name);
    synopses.push_back(std::move(synopsis));
  }
  std::size_t width = 0;
  for (const std::string& synopsis : synopses) width = std::max(width, synopsis.size());

  std::string text =
      "Usage: starling [OPTIONS]\n"
      "\n"
      "Runs the Starling MQTT broker. Options given here override the config file.\n"
      "\n"
      "Options:\n";
  for (std::size_t i = 0; i < synopses.size(); ++i) {
    text +=
        synopses[i] + std::string(width + 2 - synopses[i].size(), ' ') + all_flags()[i].help + "\n";
  }
  return text;
}

}  // namespace starling
