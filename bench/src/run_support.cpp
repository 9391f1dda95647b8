#include "run_support.hpp"

#include <unistd.h>

namespace starling::bench {

Result<boost::asio::ip::tcp::endpoint> broker_endpoint(const BenchOptions& options) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(options.host, ec);
  if (ec) return Error{2, "--host: expected an IP address, got '" + options.host + "'"};
  return boost::asio::ip::tcp::endpoint(address, options.port);
}

ConnectionConfig connection_config(const BenchOptions& options,
                                   const boost::asio::ip::tcp::endpoint& broker, char role,
                                   std::size_t index) {
  ConnectionConfig config;
  config.broker = broker;
  if (!options.source_addresses.empty()) {
    config.source_address = options.source_addresses[index % options.source_addresses.size()];
  }
  config.version = options.version;
  config.client_id = "sb" + std::to_string(::getpid()) + "-" + role + std::to_string(index);
  // The durable scenario measures stored delivery: its subscribers keep sessions.
  config.persistent_session = options.scenario == Scenario::kDurable && role == 's';
  return config;
}

bool wait_until(const std::function<bool()>& done, std::chrono::duration<double> timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= give_up) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void note_failure(RunResult& result, const Connection& connection) {
  ++result.errors;
  if (result.error_samples.size() < 5) result.error_samples.push_back(connection.failure());
}

}  // namespace starling::bench
