#include "net/listener.hpp"

#include <boost/asio/post.hpp>

#include "config/bind_address.hpp"
#include "core/broker_core.hpp"
#include "net/tcp_connection.hpp"
#include "net/worker.hpp"
#include "util/log.hpp"

namespace starling {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(const ListenerOptions& options, Worker& acceptor, std::vector<Worker*> workers,
                   BrokerCore& core, std::atomic<std::uint64_t>& connection_numbers)
    : options_(options),
      acceptor_worker_(acceptor),
      workers_(std::move(workers)),
      core_(core),
      connection_numbers_(connection_numbers),
      acceptor_(acceptor.io_context()) {}

Result<std::unique_ptr<Listener>> Listener::open(const ListenerOptions& options, Worker& acceptor,
                                                 std::vector<Worker*> workers, BrokerCore& core,
                                                 std::atomic<std::uint64_t>& connection_numbers) {
  if (options.type != "tcp") {
    return Error{1, "listener type '" + options.type + "' is not supported (only tcp)"};
  }
  auto bind = parse_bind_address(options.bind);
  if (!bind.ok()) return Error{1, "listener bind: " + bind.error().message};
  std::string host = bind->host == "*" ? "0.0.0.0" : bind->host == "localhost" ? "127.0.0.1" : bind->host;
  std::uint16_t port = bind->port;
  boost::system::error_code error;
  auto address = asio::ip::make_address(host, error);
  if (error) return Error{1, "listener bind '" + options.bind + "': bad address: " + error.message()};

  std::unique_ptr<Listener> listener(
      new Listener(options, acceptor, std::move(workers), core, connection_numbers));
  tcp::endpoint endpoint(address, port);
  auto& a = listener->acceptor_;
  auto what = "cannot listen on tcp://" + options.bind + ": ";
  a.open(endpoint.protocol(), error);
  if (!error) a.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) a.bind(endpoint, error);
  if (!error) a.listen(asio::socket_base::max_listen_connections, error);
  if (error) return Error{1, what + error.message()};
  auto bound = a.local_endpoint(error);
  listener->endpoint_ = Endpoint{"tcp", host, bound.port()};
  return listener;
}

void Listener::start() {
  asio::post(acceptor_worker_.io_context(), [this] { accept(); });
}

void Listener::stop() {
  asio::post(acceptor_worker_.io_context(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
}

void Listener::accept() {
  Worker& target = *workers_[next_worker_];
  next_worker_ = (next_worker_ + 1) % workers_.size();
  acceptor_.async_accept(target.io_context(), [this, &target](const boost::system::error_code& error,
                                                             tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      // Out of descriptors and similar: log, back off briefly, keep serving.
      STARLING_LOG(kWarn) << "accept on tcp://" << options_.bind << " failed: " << error.message();
      auto timer = std::make_shared<asio::steady_timer>(acceptor_worker_.io_context());
      timer->expires_after(std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const boost::system::error_code& e) {
        if (!e) accept();
      });
      return;
    }
    std::uint64_t number = connection_numbers_.fetch_add(1, std::memory_order_relaxed);
    Shard& shard = core_.shard(target.index());
    asio::post(target.io_context(), [socket = std::move(socket), &shard, number, this]() mutable {
      auto connection = std::make_shared<TcpConnection>(std::move(socket), shard, number, options_);
      connection->start();
    });
    accept();
  });
}

}  // namespace starling
