// The starling executable: options from the config file and command line,
// then the broker until SIGINT or SIGTERM. SIGHUP rereads the config (logging
// takes effect, other changes are named as needing a restart) and reloads
// TLS certificates and plugins.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <string>
#include <vector>

#include "config/command_line.hpp"
#include "config/config_changes.hpp"
#include "config/log_settings.hpp"
#include "starling/broker.hpp"
#include "starling/version.hpp"
#include "util/log.hpp"

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Hands plugins their changed options; `running` follows what they took.
void update_plugin_options(starling::Broker& broker,
                           const std::vector<starling::PluginOptions>& reread,
                           std::vector<starling::PluginOptions>& running) {
  using namespace starling;
  auto update = broker.update_plugin_options(reread);
  if (!update.ok()) {
    STARLING_LOG(kWarn) << "plugin options not applied: " << update.error().message;
    return;
  }
  // What a plugin refused stays "changed", so the next SIGHUP asks again.
  for (std::size_t i = 0; i < running.size() && i < update->in_force.size(); ++i) {
    if (update->in_force[i]) running[i].options = reread[i].options;
  }
  if (!update->applied.empty()) {
    STARLING_LOG(kInfo) << "new plugin options applied: " << joined(update->applied);
  }
  if (!update->rejected.empty()) {
    STARLING_LOG(kError) << "new plugin options rejected (the old ones stay): "
                         << joined(update->rejected);
  }
  if (!update->need_restart.empty()) {
    STARLING_LOG(kWarn) << "new plugin options need a restart (not applied): "
                        << joined(update->need_restart);
  }
}

// Applies what can change at run time; `running` follows what was applied.
void reread_config(const starling::CommandLine& command_line, starling::Broker& broker,
                   starling::Options& running) {
  using namespace starling;
  auto reread = resolve_options(command_line);
  if (!reread.ok()) {
    STARLING_LOG(kError) << "config reload failed, the running configuration stays: "
                         << reread.error().message;
    return;
  }
  ConfigChanges changes = compare_options(running, reread.value());
  if (auto applied = apply_log_settings(reread.value()); !applied.ok()) {
    STARLING_LOG(kError) << "config reload: " << applied.error().message;
    return;
  }
  running.log_level = reread->log_level;
  running.log_levels = reread->log_levels;
  running.log_format = reread->log_format;
  if (changes.applied.empty() && !changes.plugin_options_changed) {
    STARLING_LOG(kInfo) << "config reread: no change that applies at run time";
  } else {
    STARLING_LOG(kInfo) << "config reread, applied: " << joined(changes.applied);
  }
  if (!changes.need_restart.empty()) {
    STARLING_LOG(kWarn) << "config changes that need a restart (not applied): "
                        << joined(changes.need_restart);
  }
  if (changes.plugin_options_changed)
    update_plugin_options(broker, reread->plugins, running.plugins);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace starling;
  auto command_line = parse_command_line(argc, argv);
  if (!command_line.ok()) {
    std::cerr << "starling: " << command_line.error().message << "\n"
              << "Try 'starling --help'.\n";
    return 2;
  }
  if (command_line->help) {
    std::cout << usage_text();
    return 0;
  }
  if (command_line->version) {
    std::cout << "starling " << kVersion << "\n";
    return 0;
  }
  auto options = resolve_options(*command_line);
  if (!options.ok()) {
    std::cerr << "starling: " << options.error().message << "\n";
    return 2;
  }
  // Worker threads inherit this mask; only the main thread takes the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Options running = options.value();
  auto broker = Broker::start(std::move(options).value());
  if (!broker.ok()) {
    std::cerr << "starling: " << broker.error().message << "\n";
    return 1;
  }
  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    STARLING_LOG(kInfo) << "received SIGHUP: rereading the config, reloading TLS certificates and plugins";
    reread_config(*command_line, *broker.value(), running);
    if (broker.value()->reload_certificates().ok()) STARLING_LOG(kInfo) << "certificates reloaded";
    if (broker.value()->reload_plugins().ok()) STARLING_LOG(kInfo) << "plugins reloaded";
  }
  STARLING_LOG(kInfo) << "received " << (received == SIGINT ? "SIGINT" : "SIGTERM");
  broker.value()->stop();
  return 0;
}
