#include "net/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "config/bind_address.hpp"
#include "net/connection_slot.hpp"
#include "net/worker.hpp"
#include "util/log.hpp"

namespace starling {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr std::uint32_t kHeaderLimit = 8 * 1024;
// How long a handler may take to answer (it gathers from every shard).
constexpr auto kHandlerTimeout = std::chrono::seconds(30);

std::string error_json(std::string_view message) {
  // The messages here are fixed ASCII; nothing to escape.
  return "{\"error\":\"" + std::string(message) + "\"}\n";
}

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, const HttpOptions& options, HttpHandler& handler,
                 std::shared_ptr<ConnectionCounter> open)
      : stream_(std::move(socket)),
        max_body_size_(options.max_body_size),
        timeout_(options.request_timeout_ms),
        handler_(handler),
        open_(std::move(open)),
        handler_timer_(stream_.get_executor()) {
    boost::system::error_code error;
    auto remote = stream_.socket().remote_endpoint(error);
    if (!error) peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  }
  ~HttpConnection() { open_->give_back(); }

  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(max_body_size_);
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const boost::system::error_code& error,
                                                 std::size_t) { self->on_read(error); });
  }

 private:
  void on_read(const boost::system::error_code& error) {
    if (error == http::error::body_limit) {
      return send_error(413, "request body too large");
    }
    if (error == http::error::header_limit) {
      return send_error(431, "request headers too large");
    }
    if (error && error.category() == http::make_error_code(http::error::bad_method).category() &&
        error != http::error::end_of_stream && error != http::error::partial_message) {
      return send_error(400, "malformed HTTP request");
    }
    if (error) return close();  // timeout, reset, or the client closed
    http::request<http::string_body> request = parser_->release();
    version_ = request.version();
    keep_alive_ = request.keep_alive();
    HttpRequest plain;
    plain.method = std::string(request.method_string());
    plain.target = std::string(request.target());
    if (auto found = request.find(http::field::authorization); found != request.end()) {
      plain.authorization = std::string(found->value());
    }
    plain.body = std::move(request.body());
    plain.peer = peer_;

    // The handler's own time is bounded by the handler timer, not the
    // stream's; the timer also keeps this connection alive meanwhile.
    stream_.expires_never();
    const std::uint64_t sequence = ++sequence_;
    handler_timer_.expires_after(kHandlerTimeout);
    handler_timer_.async_wait(
        [self = shared_from_this(), sequence](const boost::system::error_code& e) {
          if (!e && self->sequence_ == sequence && self->awaiting_) {
            self->keep_alive_ = false;
            self->respond(
                sequence,
                {503, "application/json", error_json("the broker did not answer in time"), {}});
          }
        });
    awaiting_ = true;
    std::weak_ptr<HttpConnection> weak = weak_from_this();
    auto executor = stream_.get_executor();
    handler_.handle(std::move(plain), [weak, executor, sequence](HttpResponse response) {
      asio::post(executor, [weak, sequence, response = std::move(response)]() mutable {
        if (auto self = weak.lock()) self->respond(sequence, std::move(response));
      });
    });
  }

  void respond(std::uint64_t sequence, HttpResponse response) {
    if (sequence != sequence_ || !awaiting_) return;  // answered already (timeout)
    awaiting_ = false;
    handler_timer_.cancel();
    write(std::move(response));
  }

  void send_error(unsigned status, std::string_view message) {
    keep_alive_ = false;
    version_ = 11;
    write({status, "application/json", error_json(message), {}});
  }

  void write(HttpResponse response) {
    auto out = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), version_);
    out->set(http::field::server, "starling");
    out->set(http::field::content_type, response.content_type);
    out->set(http::field::cache_control, "no-store");
    for (auto& [name, value] : response.headers) out->set(name, value);
    out->body() = std::move(response.body);
    out->keep_alive(keep_alive_);
    out->prepare_payload();
    stream_.expires_after(timeout_);
    http::async_write(
        stream_, *out,
        [self = shared_from_this(), out](const boost::system::error_code& error, std::size_t) {
          if (error) return self->close();
          if (!out->keep_alive()) return self->finish();
          self->read();
        });
  }

  // Closes after the last response without a reset: stops sending, then
  // reads (and discards) until the client closes too or the timeout, so
  // unread request bytes do not make the kernel reset the connection
  // before the client has read the answer.
  void finish() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(timeout_);
    drain();
  }

  void drain() {
    stream_.async_read_some(
        asio::buffer(scratch_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
          if (error) return self->close();
          self->drain();
        });
  }

  void close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  const std::uint64_t max_body_size_;
  const std::chrono::milliseconds timeout_;
  HttpHandler& handler_;
  std::shared_ptr<ConnectionCounter> open_;
  asio::steady_timer handler_timer_;
  beast::flat_buffer buffer_;
  char scratch_[1024];  // drain() reads into it
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string peer_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool awaiting_ = false;       // the handler has not answered yet
  std::uint64_t sequence_ = 0;  // of the request being answered
};

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<HttpServer::Impl> {
 public:
  Impl(const HttpOptions& options, Worker& worker, HttpHandler& handler)
      : options_(options),
        worker_(worker),
        handler_(handler),
        acceptor_(worker.io_context()),
        open_(std::make_shared<ConnectionCounter>(options.max_connections)) {}

  Status bind() {
    auto bind = parse_bind_address(options_.bind);
    if (!bind.ok()) return Error{1, "http bind: " + bind.error().message};
    std::string host = bind->host == "*"           ? "0.0.0.0"
                       : bind->host == "localhost" ? "127.0.0.1"
                                                   : bind->host;
    boost::system::error_code error;
    auto address = asio::ip::make_address(host, error);
    if (error)
      return Error{1, "http bind '" + options_.bind + "': bad address: " + error.message()};
    tcp::endpoint endpoint(address, bind->port);
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) return Error{1, "cannot listen on http://" + options_.bind + ": " + error.message()};
    auto bound = acceptor_.local_endpoint(error);
    endpoint_ = Endpoint{"http", host, bound.port()};
    return {};
  }

  void accept() {
    acceptor_.async_accept(
        [self = shared_from_this()](const boost::system::error_code& error, tcp::socket socket) {
          if (error == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
          if (error) {
            STARLING_LOG(kWarn) << "http accept failed: " << error.message();
            self->retry_later();
            return;
          }
          self->serve(std::move(socket));
          self->accept();
        });
  }

  void serve(tcp::socket socket) {
    if (!open_->try_take()) {
      // Over the cap: a best-effort 503 into the empty send buffer, no waiting.
      static constexpr std::string_view kBusy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      boost::system::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(kBusy), ignored);
      socket.close(ignored);
      return;
    }
    std::make_shared<HttpConnection>(std::move(socket), options_, handler_, open_)->read();
  }

  void retry_later() {
    auto timer = std::make_shared<asio::steady_timer>(worker_.io_context());
    timer->expires_after(std::chrono::milliseconds(100));
    timer->async_wait([self = shared_from_this(), timer](const boost::system::error_code& e) {
      if (!e) self->accept();
    });
  }

  void stop() {
    asio::post(worker_.io_context(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

  const HttpOptions options_;
  Worker& worker_;
  HttpHandler& handler_;
  tcp::acceptor acceptor_;
  std::shared_ptr<ConnectionCounter> open_;
  Endpoint endpoint_;
};

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::open(const HttpOptions& options, Worker& worker,
                                                     HttpHandler& handler) {
  auto impl = std::make_shared<Impl>(options, worker, handler);
  if (auto bound = impl->bind(); !bound.ok()) return bound.error();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::start() {
  asio::post(impl_->worker_.io_context(), [impl = impl_] { impl->accept(); });
}

void HttpServer::stop() {
  impl_->stop();
}

Endpoint HttpServer::endpoint() const {
  return impl_->endpoint_;
}

}  // namespace starling
