// starling-passwd: manages auth_file password files, in the format and with
// the command line of Mosquitto's mosquitto_passwd.
//   starling-passwd [-c] [-I iterations] FILE USER          prompts twice
//   starling-passwd -b [-c] [-I iterations] FILE USER PASSWORD
//   starling-passwd -D FILE USER
// Writes the new file next to the old one and renames it over, so a broker
// reading the file never sees half of it.
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "../common/text_file.hpp"
#include "password_file.hpp"
#include "password_hash.hpp"

namespace {

using namespace starling::plugins::auth_file;
using starling::Error;
using starling::Result;
using starling::Status;

constexpr const char* kUsage =
    "usage: starling-passwd [-c] [-I iterations] FILE USER\n"
    "       starling-passwd -b [-c] [-I iterations] FILE USER PASSWORD\n"
    "       starling-passwd -D FILE USER\n"
    "\n"
    "  -c             create FILE, replacing it if it exists\n"
    "  -b             batch mode: take the password from the command line\n"
    "  -D             delete USER from FILE\n"
    "  -I iterations  PBKDF2-SHA512 iterations (default 10000)\n"
    "\n"
    "Without -b the password is read twice from the terminal (not echoed),\n"
    "or once per line from standard input when it is not a terminal.\n";

struct Arguments {
  bool create = false;
  bool batch = false;
  bool remove = false;
  std::uint32_t iterations = kDefaultIterations;
  std::string file;
  std::string user;
  std::string password;  // batch mode only
};

Result<Arguments> parse_arguments(const std::vector<std::string>& args) {
  Arguments parsed;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-c") {
      parsed.create = true;
    } else if (arg == "-b") {
      parsed.batch = true;
    } else if (arg == "-D") {
      parsed.remove = true;
    } else if (arg == "-I") {
      if (i + 1 == args.size()) return Error{0, "-I needs an iteration count"};
      const std::string& text = args[++i];
      std::uint32_t iterations = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), iterations);
      if (error != std::errc() || end != text.data() + text.size() || iterations == 0 ||
          iterations > 2147483647u) {
        return Error{0, "-I needs an iteration count from 1 to 2147483647, got \"" + text + "\""};
      }
      parsed.iterations = iterations;
    } else if (arg == "-h" || arg == "--help") {
      return Error{0, ""};
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Error{0, "unknown option " + arg};
    } else {
      positional.push_back(arg);
    }
  }
  if (parsed.remove && (parsed.create || parsed.batch)) {
    return Error{0, "-D cannot be combined with -c or -b"};
  }
  const std::size_t wanted = parsed.batch ? 3 : 2;
  if (positional.size() != wanted) {
    return Error{0, parsed.batch ? "-b needs FILE USER PASSWORD" : "expected FILE USER"};
  }
  parsed.file = positional[0];
  parsed.user = positional[1];
  if (parsed.batch) parsed.password = positional[2];
  if (Status valid = check_username(parsed.user); !valid) return valid.error();
  return parsed;
}

// One line from standard input, without echo when it is a terminal.
std::optional<std::string> read_password(const char* prompt) {
  const bool terminal = isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (terminal) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> ask_password() {
  auto first = read_password("Password: ");
  if (!first) return Error{0, "no password given"};
  auto second = read_password("Reenter password: ");
  if (!second) return Error{0, "no password given the second time"};
  if (*first != *second) return Error{0, "the passwords do not match"};
  return std::move(*first);
}

// Replaces `path` by `contents` atomically, keeping its permissions (0600
// for a new file).
Status write_atomically(const std::string& path, const std::string& contents) {
  const std::filesystem::path target(path);
  const std::filesystem::path directory =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string temp = (directory / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0)
    return Error{errno,
                 "cannot create a file in " + directory.string() + ": " + std::strerror(errno)};
  struct stat existing {};
  const mode_t mode = ::stat(path.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : 0600;
  bool ok = fchmod(fd, mode) == 0;
  std::size_t written = 0;
  while (ok && written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = ok ? errno : saved_errno;
    std::remove(temp.c_str());
    return Error{error, "cannot write " + path + ": " + std::strerror(error)};
  }
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    fsync(dir_fd);  // the rename itself; failing here loses nothing already written
    ::close(dir_fd);
  }
  return {};
}

Status run(const Arguments& args) {
  std::string contents;
  if (!args.create) {
    auto existing = starling::plugins::read_text_file(args.file);
    if (!existing) {
      return Error{0, existing.error().message + (args.remove ? "" : " (use -c to create it)")};
    }
    contents = std::move(*existing);
  }
  if (args.remove) {
    auto edited = without_user(contents, args.user);
    if (!edited) return edited.error();
    contents = std::move(*edited);
  } else {
    std::string password = args.password;
    if (!args.batch) {
      auto asked = ask_password();
      if (!asked) return asked.error();
      password = std::move(*asked);
    }
    if (password.empty()) return Error{0, "the password is empty"};
    auto hash = hash_password(password, args.iterations);
    if (!hash) return hash.error();
    contents = with_user(contents, args.user, format_password_hash(*hash));
  }
  // Never write a file the plugin would refuse.
  if (auto check = parse_password_file(contents, args.file); !check) {
    return Error{0, check.error().message + "; fix that line first"};
  }
  return write_atomically(args.file, contents);
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse_arguments(std::vector<std::string>(argv + 1, argv + argc));
  if (!args) {
    if (!args.error().message.empty()) {
      std::cerr << "starling-passwd: " << args.error().message << "\n\n";
    }
    std::cerr << kUsage;
    return 2;
  }
  if (Status done = run(*args); !done) {
    std::cerr << "starling-passwd: " << done.error().message << "\n";
    return 1;
  }
  return 0;
}
