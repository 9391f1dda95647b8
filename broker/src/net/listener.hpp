#pragma once
// Accepts connections on one address (TCP, or a Unix-domain socket path)
// and hands each to the next worker in turn, so connections spread across
// every core. Enforces the listener's and the broker's connection limits
// and the connect rate at accept, before a connection costs anything.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>

#include "net/connection_slot.hpp"
#include "starling/broker.hpp"
#include "starling/options.hpp"
#include "starling/result.hpp"
#include "util/token_bucket.hpp"

namespace starling {

class BrokerCore;
class Worker;

// What every listener of one broker shares.
struct ListenerShared {
  BrokerCore& core;
  std::atomic<std::uint64_t>& connection_numbers;
  std::shared_ptr<ConnectionCounter> connections;  // limits.max_connections
  std::mutex connect_rate_mutex;                   // guards connect_rate
  TokenBucket connect_rate;                        // limits.max_connect_rate
};

class Listener {
 public:
  // Binds and listens (and loads TLS files). Fails with a message naming
  // the address or the file.
  static Result<std::unique_ptr<Listener>> open(const ListenerOptions& options, Worker& acceptor,
                                                std::vector<Worker*> workers,
                                                ListenerShared& shared);

  void start();  // begin accepting (on the acceptor worker's thread)
  void stop();   // stop accepting; thread-safe
  Endpoint endpoint() const { return endpoint_; }
  const ListenerOptions& options() const { return options_; }
  // For the metrics: connections open now, accepted and refused so far.
  // Any thread.
  struct Figures {
    std::uint32_t open = 0;
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;
  };
  Figures figures() const {
    return {connections_->open(), accepted_.load(std::memory_order_relaxed),
            refused_.load(std::memory_order_relaxed)};
  }
  // Reloads the TLS certificate, key and CAs for new connections; open
  // ones keep theirs. On failure the old files stay in use. Thread-safe.
  Status reload_tls();

 private:
  Listener(const ListenerOptions& options, Worker& acceptor, std::vector<Worker*> workers,
           ListenerShared& shared);
  Status bind_tcp();
  Status bind_unix();
  void accept();
  template <typename Acceptor>
  void accept_on(Acceptor& acceptor);
  // Takes a place in the connection counts and the connect rate, or says
  // why the connection is turned away.
  const char* admit(ConnectionSlot& slot);
  void retry_accept_later();
  template <typename Socket>
  void serve(Socket socket, Worker& worker);

  ListenerOptions options_;
  Worker& acceptor_worker_;
  std::vector<Worker*> workers_;
  ListenerShared& shared_;
  std::shared_ptr<ConnectionCounter> connections_;  // options_.max_connections
  boost::asio::ip::tcp::acceptor tcp_acceptor_;
  boost::asio::local::stream_protocol::acceptor unix_acceptor_;
  mutable std::mutex tls_mutex_;  // guards tls_ (reloaded from another thread)
  std::shared_ptr<boost::asio::ssl::context> tls_;
  Endpoint endpoint_;
  std::size_t next_worker_ = 0;
  // Connections turned away (also for rate-limited logs) and let in; written
  // on the acceptor's thread.
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> accepted_{0};
};

}  // namespace starling
