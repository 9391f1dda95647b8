#include "config/command_line.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "options_equal.hpp"

namespace starling {
namespace {

using testing::expect_same_listeners;
using testing::expect_same_settings;

// Parses `arguments` as if typed after "starling".
Result<CommandLine> parse(std::initializer_list<const char*> arguments) {
  std::vector<const char*> argv = {"starling"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(std::initializer_list<const char*> arguments) {
  Result<CommandLine> result = parse(arguments);
  if (result.ok()) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  EXPECT_EQ(result.error().code, kConfigErrorCode);
  return result.error().message;
}

// Writes `text` to a fresh file in the test temp dir and returns its path.
std::string write_config(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CommandLine, NoArgumentsSetNothing) {
  Result<CommandLine> command_line = parse({});
  ASSERT_TRUE(command_line.ok()) << command_line.error().message;
  EXPECT_FALSE(command_line->config_path);
  EXPECT_TRUE(command_line->listen.empty());
  EXPECT_FALSE(command_line->data_dir);
  EXPECT_FALSE(command_line->threads);
  EXPECT_FALSE(command_line->log_level);
  EXPECT_FALSE(command_line->help);
  EXPECT_FALSE(command_line->version);
}

TEST(CommandLine, EveryFlagIsRecognisedWithASeparateValue) {
  Result<CommandLine> command_line =
      parse({"--config", "a.toml", "--listen", "0.0.0.0:1", "--data-dir", "/d", "--threads", "4",
             "--log-level", "warn", "--log-format", "json"});
  ASSERT_TRUE(command_line.ok()) << command_line.error().message;
  EXPECT_EQ(command_line->config_path, "a.toml");
  EXPECT_EQ(command_line->listen, std::vector<std::string>{"0.0.0.0:1"});
  EXPECT_EQ(command_line->data_dir, "/d");
  EXPECT_EQ(command_line->threads, 4u);
  EXPECT_EQ(command_line->log_level, "warn");
  EXPECT_EQ(command_line->log_format, "json");
}

TEST(CommandLine, EveryFlagIsRecognisedWithAnAttachedValue) {
  Result<CommandLine> command_line = parse(
      {"--config=a.toml", "--listen=[::]:2", "--data-dir=/d", "--threads=0", "--log-level=off",
       "--log-format=text"});
  ASSERT_TRUE(command_line.ok()) << command_line.error().message;
  EXPECT_EQ(command_line->config_path, "a.toml");
  EXPECT_EQ(command_line->listen, std::vector<std::string>{"[::]:2"});
  EXPECT_EQ(command_line->data_dir, "/d");
  EXPECT_EQ(command_line->threads, 0u);
  EXPECT_EQ(command_line->log_level, "off");
  EXPECT_EQ(command_line->log_format, "text");
}

TEST(CommandLine, AnUnknownLogFormatIsRefused) {
  EXPECT_NE(error_of({"--log-format", "xml"}).find("expected \"text\" or \"json\", got 'xml'"),
            std::string::npos);
}

TEST(CommandLine, DashCIsShortForConfig) {
  Result<CommandLine> command_line = parse({"-c", "b.toml"});
  ASSERT_TRUE(command_line.ok()) << command_line.error().message;
  EXPECT_EQ(command_line->config_path, "b.toml");
}

TEST(CommandLine, HelpAndVersionFlagsAreRecognised) {
  Result<CommandLine> help = parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help);
  EXPECT_FALSE(help->version);

  Result<CommandLine> short_help = parse({"-h"});
  ASSERT_TRUE(short_help.ok());
  EXPECT_TRUE(short_help->help);

  Result<CommandLine> version = parse({"--version"});
  ASSERT_TRUE(version.ok());
  EXPECT_TRUE(version->version);
  EXPECT_FALSE(version->help);
}

TEST(CommandLine, ListenFlagsAccumulateInOrder) {
  Result<CommandLine> command_line =
      parse({"--listen", "127.0.0.1:1", "--listen=localhost:2", "--listen", "*:3"});
  ASSERT_TRUE(command_line.ok()) << command_line.error().message;
  EXPECT_EQ(command_line->listen, (std::vector<std::string>{"127.0.0.1:1", "localhost:2", "*:3"}));
}

TEST(CommandLine, ARepeatedFlagKeepsTheLastValue) {
  Result<CommandLine> command_line = parse({"--threads", "1", "--threads", "2"});
  ASSERT_TRUE(command_line.ok());
  EXPECT_EQ(command_line->threads, 2u);
}

TEST(CommandLine, ABadThreadCountNamesTheFlag) {
  EXPECT_EQ(error_of({"--threads", "x"}), "--threads: expected a number from 0 to 1024, got 'x'");
  EXPECT_EQ(error_of({"--threads=1025"}),
            "--threads: expected a number from 0 to 1024, got '1025'");
  EXPECT_EQ(error_of({"--threads", "-1"}), "--threads: expected a number from 0 to 1024, got '-1'");
  EXPECT_EQ(error_of({"--threads", "4 "}), "--threads: expected a number from 0 to 1024, got '4 '");
  EXPECT_EQ(error_of({"--threads="}), "--threads: expected a number from 0 to 1024, got ''");
}

TEST(CommandLine, ABadListenAddressUsesTheSameCheckAsTheFile) {
  EXPECT_EQ(error_of({"--listen", "1883"}),
            "--listen: expected HOST:PORT or [IPv6]:PORT, got '1883'");
  EXPECT_EQ(error_of({"--listen=::1:1883"}),
            "--listen: an IPv6 address needs brackets, as in '[::1]:1883', got '::1:1883'");
}

TEST(CommandLine, AnUnknownLogLevelUsesTheSameCheckAsTheFile) {
  EXPECT_EQ(error_of({"--log-level", "verbose"}),
            "--log-level: expected one of trace, debug, info, warn, error, off, got 'verbose'");
}

TEST(CommandLine, AnEmptyDataDirOrConfigPathIsAnError) {
  EXPECT_EQ(error_of({"--data-dir="}), "--data-dir: must not be empty");
  EXPECT_EQ(error_of({"-c", ""}), "-c: expected a file name, got ''");
}

TEST(CommandLine, AFlagWithoutItsValueIsAnError) {
  EXPECT_EQ(error_of({"--config"}), "--config: missing value (--config FILE)");
  EXPECT_EQ(error_of({"--threads", "2", "--listen"}),
            "--listen: missing value (--listen HOST:PORT)");
}

TEST(CommandLine, ASwitchGivenAValueIsAnError) {
  EXPECT_EQ(error_of({"--help=yes"}), "--help: takes no value, got 'yes'");
}

TEST(CommandLine, AnUnknownFlagSuggestsTheClosest) {
  EXPECT_EQ(error_of({"--thread", "2"}), "unknown option '--thread' (did you mean '--threads'?)");
  EXPECT_EQ(error_of({"--datadir=x"}), "unknown option '--datadir' (did you mean '--data-dir'?)");
  EXPECT_EQ(error_of({"-x"}), "unknown option '-x' (see --help)");
}

TEST(CommandLine, APositionalArgumentIsAnError) {
  EXPECT_EQ(error_of({"starling.toml"}), "unexpected argument 'starling.toml' (see --help)");
  EXPECT_EQ(error_of({"-"}), "unexpected argument '-' (see --help)");
}

TEST(ResolveOptions, NoFlagsGiveTheDefaults) {
  Result<Options> options = resolve_options(CommandLine{});
  ASSERT_TRUE(options.ok()) << options.error().message;
  testing::expect_same_options(*options, Options{});
}

TEST(ResolveOptions, TheConfigFileIsLoaded) {
  const std::string path =
      write_config("resolve_loads.toml", "threads = 6\n[mqtt]\nmaximum_qos = 1\n");
  Result<CommandLine> command_line = parse({"--config", path.c_str()});
  ASSERT_TRUE(command_line.ok());
  Result<Options> options = resolve_options(*command_line);
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->threads, 6u);
  EXPECT_EQ(options->mqtt.maximum_qos, 1);
}

TEST(ResolveOptions, FlagsOverrideTheConfigFile) {
  const std::string path = write_config(
      "resolve_overrides.toml",
      "threads = 6\ndata_dir = \"/file\"\nlog_level = \"error\"\n[limits]\nmax_inflight = 9\n");
  Result<CommandLine> command_line = parse(
      {"--config", path.c_str(), "--threads", "2", "--data-dir", "/flag", "--log-level", "trace"});
  ASSERT_TRUE(command_line.ok());
  Result<Options> options = resolve_options(*command_line);
  ASSERT_TRUE(options.ok()) << options.error().message;

  Options expected;
  expected.threads = 2;
  expected.data_dir = "/flag";
  expected.log_level = "trace";
  expected.limits.max_inflight = 9;  // not overridden: the file's value stays
  expect_same_settings(*options, expected);
}

TEST(ResolveOptions, ListenFlagsReplaceTheFilesListeners) {
  const std::string path = write_config("resolve_listen.toml",
                                        "[[listeners]]\nbind = \"127.0.0.1:1\"\n"
                                        "allow_anonymous = false\n"
                                        "[[listeners]]\nbind = \"127.0.0.1:2\"\n");
  Result<CommandLine> command_line =
      parse({"-c", path.c_str(), "--listen", "0.0.0.0:7", "--listen", "[::1]:8"});
  ASSERT_TRUE(command_line.ok());
  Result<Options> options = resolve_options(*command_line);
  ASSERT_TRUE(options.ok()) << options.error().message;
  expect_same_listeners(options->listeners, {{"tcp", "0.0.0.0:7", true}, {"tcp", "[::1]:8", true}});
}

TEST(ResolveOptions, WithoutListenFlagsTheFilesListenersStay) {
  const std::string path = write_config("resolve_keep.toml", "[[listeners]]\nbind = \"*:5\"\n");
  Result<CommandLine> command_line = parse({"-c", path.c_str(), "--threads", "1"});
  ASSERT_TRUE(command_line.ok());
  Result<Options> options = resolve_options(*command_line);
  ASSERT_TRUE(options.ok()) << options.error().message;
  expect_same_listeners(options->listeners, {{"tcp", "*:5", true}});
}

TEST(ResolveOptions, ListenWithoutAConfigFileGivesOnlyThoseListeners) {
  Result<CommandLine> command_line = parse({"--listen", "localhost:0"});
  ASSERT_TRUE(command_line.ok());
  Result<Options> options = resolve_options(*command_line);
  ASSERT_TRUE(options.ok());
  expect_same_listeners(options->listeners, {{"tcp", "localhost:0", true}});
}

TEST(ResolveOptions, ConfigFileErrorsAreReturnedUnchanged) {
  const std::string path = write_config("resolve_bad.toml", "\nthreads = -3\n");
  Result<CommandLine> command_line = parse({"--config", path.c_str(), "--threads", "1"});
  ASSERT_TRUE(command_line.ok());
  Result<Options> options = resolve_options(*command_line);
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.error().message,
            path + ":2: threads: expected an integer from 0 to 1024, got -3");
}

TEST(ResolveOptions, AMissingConfigFileIsAnError) {
  Result<CommandLine> command_line = parse({"--config", "/nonexistent/x.toml"});
  ASSERT_TRUE(command_line.ok());
  Result<Options> options = resolve_options(*command_line);
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.error().message,
            "cannot read config file '/nonexistent/x.toml': No such file or directory");
}

TEST(UsageText, ListsEveryFlagOnItsOwnLineWithItsDefault) {
  const std::string text = usage_text();
  for (const char* line_start :
       {"  -c, --config FILE ", "      --listen HOST:PORT ", "      --data-dir DIR ",
        "      --threads N ", "      --log-level LEVEL ", "  -h, --help ", "      --version "}) {
    EXPECT_NE(text.find(std::string("\n") + line_start), std::string::npos) << line_start;
  }
  EXPECT_NE(text.find("(default: 127.0.0.1:1883)"), std::string::npos);
  EXPECT_NE(text.find("(default: ./data)"), std::string::npos);
  EXPECT_NE(text.find("(default: 0)"), std::string::npos);
  EXPECT_NE(text.find("(default: info)"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\n"));
}

}  // namespace
}  // namespace starling
