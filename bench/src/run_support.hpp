#pragma once
// What the scenarios share: the broker endpoint, per-connection settings,
// waiting on the main thread, and an orderly close.
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "io_threads.hpp"
#include "options.hpp"
#include "run_result.hpp"

namespace starling::bench {

// REQUIRES: options.host is a numeric IP address.
Result<boost::asio::ip::tcp::endpoint> broker_endpoint(const BenchOptions& options);

// Settings for connection number `index` (source address round robin,
// client id "sb<pid>-<role><index>").
ConnectionConfig connection_config(const BenchOptions& options,
                                   const boost::asio::ip::tcp::endpoint& broker, char role,
                                   std::size_t index);

// Polls `done` every millisecond until it holds or `timeout` passes; returns
// its last value.
bool wait_until(const std::function<bool()>& done, std::chrono::duration<double> timeout);

// Posts `action(connection)` to the io_context of each connection (connection
// i lives on threads.at(i)) and returns once all have run (at most 30 s).
template <typename T>
void run_on_each(IoThreads& threads, std::vector<std::unique_ptr<T>>& connections,
                 const std::function<void(T&)>& action) {
  std::atomic<std::size_t> remaining{connections.size()};
  for (std::size_t i = 0; i < connections.size(); ++i) {
    boost::asio::post(threads.at(i), [&, i] {
      action(*connections[i]);
      remaining.fetch_sub(1, std::memory_order_release);
    });
  }
  wait_until([&] { return remaining.load(std::memory_order_acquire) == 0; },
             std::chrono::seconds(30));
}

// Records a failed connection in `result` (count and the first few messages).
void note_failure(RunResult& result, const Connection& connection);

}  // namespace starling::bench
