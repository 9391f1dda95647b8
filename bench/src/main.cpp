// starling-bench: a load generator for MQTT brokers. See bench/README.md.
#include <csignal>
#include <iostream>

#include "conn_run.hpp"
#include "message_run.hpp"
#include "options.hpp"
#include "report.hpp"

int main(int argc, char** argv) {
  using namespace starling::bench;
  auto options = parse_options(argc, argv);
  if (!options) {
    std::cerr << "starling-bench: " << options.error().message << "\n"
              << "Try 'starling-bench --help'.\n";
    return 2;
  }
  if (options->help) {
    std::cout << usage_text();
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const RunResult result =
      options->scenario == Scenario::kConn ? run_connections(*options) : run_messages(*options);
  if (options->json) {
    print_summary(*options, result, std::cerr);
    print_json(*options, result, std::cout);
  } else {
    print_summary(*options, result, std::cout);
  }
  return exit_code(*options, result);
}
