// The auth_file plugin: checks CONNECT user names and passwords against a
// Mosquitto-compatible password file. Hashing runs on the plugin's own
// worker threads; the hook answers STARLING_PENDING and the worker answers
// through host->answer. See README.md.
#include <openssl/crypto.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "../common/option_values.hpp"
#include "../common/reloading_file.hpp"
#include "password_file.hpp"
#include "password_hash.hpp"
#include "starling/plugin.hpp"
#include "worker_pool.hpp"

namespace starling::plugins::auth_file {
namespace {

using plugin::view;

constexpr std::uint8_t kBadUserNameOrPassword = 0x86;
constexpr std::size_t kMaxQueuedChecks = 10000;
constexpr std::uint64_t kMaxWorkerThreads = 64;

// A password file as loaded, with what an unknown user is checked against.
struct LoadedFile {
  PasswordTable table;
  PasswordHash unknown_user;
};

Result<LoadedFile> parse_loaded_file(const std::string& contents, const std::string& path) {
  auto table = parse_password_file(contents, path);
  if (!table) return table.error();
  auto unknown = hash_password("no user has this password", table->typical_iterations());
  if (!unknown) return unknown.error();
  return LoadedFile{std::move(*table), std::move(*unknown)};
}

std::uint64_t unsigned_or_throw(const plugin::Options& options, const std::string& key,
                                std::uint64_t fallback, std::uint64_t max) {
  auto value = unsigned_option(options, key, fallback, max);
  if (!value) throw std::runtime_error("auth_file: " + value.error().message);
  return *value;
}

std::size_t worker_threads(const plugin::Options& options) {
  const auto threads = unsigned_or_throw(options, "worker_threads", 2, kMaxWorkerThreads);
  if (threads == 0) throw std::runtime_error("auth_file: worker_threads must be at least 1");
  return threads;
}

// The options only a restart applies: the worker threads and the timer are
// set up at start.
struct StartOptions {
  std::size_t worker_threads;
  std::uint64_t reload_interval_ms;
  bool operator==(const StartOptions&) const = default;
};

StartOptions start_options(const plugin::Options& options) {
  return {worker_threads(options), unsigned_or_throw(options, "reload_interval_ms", 0, UINT32_MAX)};
}

class AuthFilePlugin : public plugin::Plugin {
 public:
  AuthFilePlugin(plugin::Host& host, const plugin::Options& options)
      : Plugin(host),
        file_(options.get("password_file"), &parse_loaded_file),
        start_(start_options(options)),
        pool_(start_.worker_threads, kMaxQueuedChecks) {
    if (file_.path().empty()) {
      throw std::runtime_error("auth_file: the option password_file is required");
    }
    if (Status loaded = file_.load(); !loaded) {
      throw std::runtime_error("auth_file: " + loaded.error().message);
    }
    set_timer_interval_ms(static_cast<std::uint32_t>(start_.reload_interval_ms));
    host.log(STARLING_LOG_INFO,
             "" + std::to_string(file_.current()->table.size()) + " users from " + file_.path());
  }

  // New options: another password_file (or the same one, read again) takes
  // effect for the next CONNECT; clients already connected stay. A broken
  // file, or a change of worker_threads or reload_interval_ms (a restart
  // applies those), refuses them all and the users loaded before stay.
  bool on_options(const plugin::Options& options) override {
    const std::string path = options.get("password_file");
    if (path.empty()) {
      host().log(STARLING_LOG_ERROR, "new options refused: the option password_file is required");
      return false;
    }
    if (start_options(options) != start_) {
      host().log(STARLING_LOG_ERROR,
                 "new options refused: worker_threads and reload_interval_ms take a restart");
      return false;
    }
    if (Status loaded = file_.load_path(path); !loaded) {
      host().log(STARLING_LOG_ERROR, "new options refused: " + loaded.error().message +
                                         "; keeping the users loaded before");
      return false;
    }
    host().log(STARLING_LOG_INFO, "now using " + path + ", " +
                                      std::to_string(file_.current()->table.size()) + " users");
    return true;
  }

  starling_decision authenticate(const starling_auth_event& event, starling_reply&) override {
    if (!event.client->has_username) return STARLING_NEXT;  // the listener's anonymous rule
    auto check = [loaded = file_.current(), username = std::string(view(event.client->username)),
                  password = std::string(view(event.password)),
                  has_password = event.has_password != 0, ticket = event.ticket,
                  &host = host()]() mutable {
      const PasswordHash* hash = loaded->table.find(username);
      // An unknown user costs as much as a known one.
      const bool matches =
          verify_password(hash != nullptr ? *hash : loaded->unknown_user, password);
      OPENSSL_cleanse(password.data(), password.size());
      const bool allowed = hash != nullptr && has_password && matches;
      // false when the client left or the broker gave up waiting: nothing to do.
      const bool delivered = allowed ? host.answer(ticket, STARLING_ALLOW)
                                     : host.answer(ticket, STARLING_DENY, kBadUserNameOrPassword);
      static_cast<void>(delivered);
    };
    if (!pool_.post(std::move(check))) {
      host().log(STARLING_LOG_WARN, "" + std::to_string(kMaxQueuedChecks) +
                                        " password checks are waiting already; refusing one");
      return STARLING_ERROR;
    }
    return STARLING_PENDING;
  }

  // Reloads the file when it changed; a broken file keeps the old users.
  void on_timer() override {
    const auto reloaded = file_.reload_if_changed();
    if (!reloaded) return;
    if (*reloaded) {
      host().log(STARLING_LOG_INFO, "reloaded " + file_.path() + ", " +
                                        std::to_string(file_.current()->table.size()) + " users");
    } else {
      host().log(STARLING_LOG_WARN,
                 "" + reloaded->error().message + "; keeping the users loaded before");
    }
  }

 private:
  ReloadingFile<LoadedFile> file_;
  const StartOptions start_;
  // Last member: destroyed first, so no job outlives what it uses.
  WorkerPool pool_;
};

}  // namespace
}  // namespace starling::plugins::auth_file

STARLING_PLUGIN(starling::plugins::auth_file::AuthFilePlugin)
