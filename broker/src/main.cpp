// The starling executable: options from the config file and command line,
// then the broker until SIGINT or SIGTERM (SIGHUP reloads TLS certificates and plugins).
#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>

#include "config/command_line.hpp"
#include "starling/broker.hpp"
#include "starling/version.hpp"
#include "util/log.hpp"

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

  auto broker = Broker::start(std::move(options).value());
  if (!broker.ok()) {
    std::cerr << "starling: " << broker.error().message << "\n";
    return 1;
  }
  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    STARLING_LOG(kInfo) << "received SIGHUP: reloading TLS certificates and plugins";
    if (broker.value()->reload_certificates().ok()) STARLING_LOG(kInfo) << "certificates reloaded";
    if (broker.value()->reload_plugins().ok()) STARLING_LOG(kInfo) << "plugins reloaded";
  }
  STARLING_LOG(kInfo) << "received " << (received == SIGINT ? "SIGINT" : "SIGTERM");
  broker.value()->stop();
  return 0;
}
