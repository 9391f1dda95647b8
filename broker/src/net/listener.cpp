#include "net/listener.hpp"

#include <unistd.h>

#include <cstdio>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/bind_address.hpp"
#include "core/broker_core.hpp"
#include "net/plain_stream.hpp"
#include "net/serve_websocket.hpp"
#include "net/stream_connection.hpp"
#include "net/tls_context.hpp"
#include "net/tls_stream.hpp"
#include "net/worker.hpp"
#include "util/log.hpp"

namespace starling {

namespace asio = boost::asio;
using asio::ip::tcp;
using UnixSocket = asio::local::stream_protocol::socket;

Listener::Listener(const ListenerOptions& options, Worker& acceptor, std::vector<Worker*> workers,
                   ListenerShared& shared)
    : options_(options),
      acceptor_worker_(acceptor),
      workers_(std::move(workers)),
      shared_(shared),
      connections_(std::make_shared<ConnectionCounter>(options.max_connections)),
      tcp_acceptor_(acceptor.io_context()),
      unix_acceptor_(acceptor.io_context()) {}

Result<std::unique_ptr<Listener>> Listener::open(const ListenerOptions& options, Worker& acceptor,
                                                 std::vector<Worker*> workers,
                                                 ListenerShared& shared) {
  std::unique_ptr<Listener> listener(new Listener(options, acceptor, std::move(workers), shared));
  if (options.type == "tls" || options.type == "wss") {
    auto context = make_tls_context(options);
    if (!context.ok()) return Error{1, options.type + " listener " + options.bind + ": " + context.error().message};
    listener->tls_ = std::move(context).value();
  }
  auto bound = options.type == "unix" ? listener->bind_unix() : listener->bind_tcp();
  if (!bound.ok()) return bound.error();
  return listener;
}

Status Listener::bind_tcp() {
  auto bind = parse_bind_address(options_.bind);
  if (!bind.ok()) return Error{1, "listener bind: " + bind.error().message};
  std::string host = bind->host == "*" ? "0.0.0.0" : bind->host == "localhost" ? "127.0.0.1" : bind->host;
  boost::system::error_code error;
  auto address = asio::ip::make_address(host, error);
  if (error) return Error{1, "listener bind '" + options_.bind + "': bad address: " + error.message()};
  tcp::endpoint endpoint(address, bind->port);
  auto& a = tcp_acceptor_;
  a.open(endpoint.protocol(), error);
  if (!error) a.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) a.bind(endpoint, error);
  if (!error) a.listen(asio::socket_base::max_listen_connections, error);
  if (error) return Error{1, "cannot listen on " + options_.type + "://" + options_.bind + ": " + error.message()};
  auto bound = a.local_endpoint(error);
  endpoint_ = Endpoint{options_.type, host, bound.port()};
  return {};
}

Status Listener::bind_unix() {
  // A socket file left by a broker that did not exit cleanly would make
  // bind fail; a live broker's socket answers connect, so it is kept.
  boost::system::error_code error;
  {
    UnixSocket probe(acceptor_worker_.io_context());
    probe.connect(options_.bind, error);
    if (!error) return Error{1, "cannot listen on unix:" + options_.bind + ": another process serves it"};
    if (error == asio::error::connection_refused) std::remove(options_.bind.c_str());
  }
  asio::local::stream_protocol::endpoint endpoint(options_.bind);
  auto& a = unix_acceptor_;
  a.open(endpoint.protocol(), error);
  if (!error) a.bind(endpoint, error);
  if (!error) a.listen(asio::socket_base::max_listen_connections, error);
  if (error) return Error{1, "cannot listen on unix:" + options_.bind + ": " + error.message()};
  endpoint_ = Endpoint{"unix", options_.bind, 0};
  return {};
}

Status Listener::reload_tls() {
  if (options_.type != "tls" && options_.type != "wss") return {};
  auto context = make_tls_context(options_);
  if (!context.ok()) return Error{1, options_.type + " listener " + options_.bind + ": " + context.error().message};
  std::lock_guard lock(tls_mutex_);
  tls_ = std::move(context).value();
  return {};
}

void Listener::start() {
  asio::post(acceptor_worker_.io_context(), [this] { accept(); });
}

void Listener::stop() {
  asio::post(acceptor_worker_.io_context(), [this] {
    boost::system::error_code ignored;
    tcp_acceptor_.close(ignored);
    if (unix_acceptor_.is_open()) {
      unix_acceptor_.close(ignored);
      std::remove(options_.bind.c_str());
    }
  });
}

void Listener::accept() {
  if (options_.type == "unix") {
    accept_on(unix_acceptor_);
  } else {
    accept_on(tcp_acceptor_);
  }
}

template <typename Acceptor>
void Listener::accept_on(Acceptor& acceptor) {
  Worker& target = *workers_[next_worker_];
  next_worker_ = (next_worker_ + 1) % workers_.size();
  // Accepts into the acceptor's own io_context; serve() moves the socket to
  // the target's. A pending accept holding a socket of another worker's
  // io_context would touch that io_context after it is gone at shutdown.
  acceptor.async_accept([this, &acceptor, &target](const boost::system::error_code& error,
                                                   typename Acceptor::protocol_type::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (error) {
      // Out of descriptors and similar: log, back off briefly, keep serving.
      STARLING_LOG(kWarn) << "accept on " << options_.type << "://" << options_.bind
                          << " failed: " << error.message();
      retry_accept_later();
      return;
    }
    serve(std::move(socket), target);
    accept();
  });
}

void Listener::retry_accept_later() {
  auto timer = std::make_shared<asio::steady_timer>(acceptor_worker_.io_context());
  timer->expires_after(std::chrono::milliseconds(100));
  timer->async_wait([this, timer](const boost::system::error_code& e) {
    if (!e) accept();
  });
}

const char* Listener::admit(ConnectionSlot& slot) {
  {
    std::lock_guard lock(shared_.connect_rate_mutex);
    if (!shared_.connect_rate.try_take(TokenBucket::Clock::now())) return "limits.max_connect_rate";
  }
  slot = ConnectionSlot(connections_, shared_.connections);
  if (slot.ok()) return nullptr;
  return connections_->open() >= options_.max_connections && options_.max_connections != 0
             ? "the listener's max_connections"
             : "limits.max_connections";
}

template <typename Socket>
void Listener::serve(Socket socket, Worker& worker) {
  ConnectionSlot slot;
  if (const char* limit = admit(slot)) {
    // Closed before reading a byte: a flood costs a descriptor for an instant.
    if (const std::uint64_t refused = refused_.fetch_add(1, std::memory_order_relaxed) + 1;
        refused % 1000 == 1) {
      STARLING_LOG(kWarn) << options_.type << "://" << options_.bind << ": connection refused by "
                          << limit << " (" << refused << " so far)";
    }
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  accepted_.fetch_add(1, std::memory_order_relaxed);
  Socket moved(worker.io_context());
  {
    boost::system::error_code error;
    const auto protocol = socket.local_endpoint(error).protocol();
    if (error) return;  // the client is already gone; `socket` closes itself
    auto native = socket.release(error);
    if (error) return;
    moved.assign(protocol, native, error);
    if (error) {
      ::close(native);
      return;
    }
  }
  socket = std::move(moved);
  std::uint64_t number = shared_.connection_numbers.fetch_add(1, std::memory_order_relaxed);
  Shard& shard = shared_.core.shard(worker.index());
  std::shared_ptr<asio::ssl::context> tls;
  {
    std::lock_guard lock(tls_mutex_);
    tls = tls_;
  }
  asio::post(worker.io_context(), [this, socket = std::move(socket), &shard, number,
                                   slot = std::move(slot), tls = std::move(tls)]() mutable {
    if constexpr (std::is_same_v<Socket, UnixSocket>) {
      std::make_shared<StreamConnection<PlainStream<UnixSocket>>>(
          PlainStream<UnixSocket>(std::move(socket)), shard, number, options_, std::move(slot))
          ->start();
    } else if (options_.type == "ws" || options_.type == "wss") {
      serve_websocket(std::move(socket), std::move(tls), shard, number, options_,
                      shared_.core.options().limits.max_packet_size, std::move(slot));
    } else if (options_.type == "tls") {
      std::make_shared<StreamConnection<TlsStream>>(TlsStream(std::move(socket), std::move(tls)),
                                                    shard, number, options_, std::move(slot))
          ->start();
    } else {
      std::make_shared<StreamConnection<PlainStream<tcp::socket>>>(
          PlainStream<tcp::socket>(std::move(socket)), shard, number, options_, std::move(slot))
          ->start();
    }
  });
}

}  // namespace starling
