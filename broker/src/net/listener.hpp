#pragma once
// Accepts TCP connections on one address and hands each to the next worker
// in turn, so connections spread across every core.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "starling/broker.hpp"
#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

class BrokerCore;
class Worker;

class Listener {
 public:
  // Binds and listens. Fails with a message naming the address.
  static Result<std::unique_ptr<Listener>> open(const ListenerOptions& options, Worker& acceptor,
                                                std::vector<Worker*> workers, BrokerCore& core,
                                                std::atomic<std::uint64_t>& connection_numbers);

  void start();  // begin accepting (on the acceptor worker's thread)
  void stop();   // stop accepting; thread-safe
  Endpoint endpoint() const { return endpoint_; }

 private:
  Listener(const ListenerOptions& options, Worker& acceptor, std::vector<Worker*> workers,
           BrokerCore& core, std::atomic<std::uint64_t>& connection_numbers);
  void accept();

  ListenerOptions options_;
  Worker& acceptor_worker_;
  std::vector<Worker*> workers_;
  BrokerCore& core_;
  std::atomic<std::uint64_t>& connection_numbers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Endpoint endpoint_;
  std::size_t next_worker_ = 0;
};

}  // namespace starling
