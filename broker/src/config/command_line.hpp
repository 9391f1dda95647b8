#pragma once
// The broker's command line:
//   starling [--config FILE] [--listen HOST:PORT]... [--data-dir DIR]
//            [--threads N] [--log-level LEVEL] [--help] [--version]
// Flags take their value as the next argument or after '=' ("--threads=4");
// -c is short for --config and -h for --help. Flags given on the command line
// override the config file. See docs/configuration.md.
#include <optional>
#include <string>
#include <vector>

#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

// What the command line asked for. Unset fields leave the config file's (or
// the built-in) value alone.
struct CommandLine {
  std::optional<std::string> config_path;  // --config / -c
  std::vector<std::string> listen;         // each --listen, in order
  std::optional<std::string> data_dir;     // --data-dir
  std::optional<unsigned> threads;         // --threads
  std::optional<std::string> log_level;    // --log-level
  std::optional<std::string> log_format;   // --log-format
  bool help = false;                       // --help / -h: print usage_text() and exit
  bool version = false;                    // --version: print the version and exit
};

// Parses argv[1..argc-1] (argv[0], the program name, is skipped) and checks
// every value with the same functions the config file uses. Errors are
// kConfigErrorCode and name the flag as typed: "--threads: expected a number
// from 0 to 1024, got 'x'". --help and --version are recorded like any other
// flag; the caller checks them before calling resolve_options. A flag given
// twice keeps the last value, except --listen, which accumulates.
Result<CommandLine> parse_command_line(int argc, const char* const* argv);

// Builds the broker's Options: the built-in defaults, then the config file if
// `command_line.config_path` is set (its errors are returned unchanged), then
// the flags. If any --listen was given, the listeners become exactly those,
// as tcp listeners with the other ListenerOptions defaults, replacing the
// file's.
// REQUIRES: `command_line` came from parse_command_line, or holds values
// that would pass its checks.
Result<Options> resolve_options(const CommandLine& command_line);

// The --help text: a usage line, then every flag on its own line with what it
// does and its default. Ends with a newline.
std::string usage_text();

}  // namespace starling
