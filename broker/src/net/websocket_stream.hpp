#pragma once
// MQTT over WebSocket (MQTT 5.0 chapter 6) as a StreamConnection's Stream,
// over plain TCP ("ws", NextLayer = tcp::socket) or TLS ("wss", NextLayer =
// ssl::stream<tcp::socket>). The handshake reads the HTTP upgrade request
// itself, bounded, so that a wrong path gets a 404 and a missing "mqtt"
// subprotocol a 400 before Beast accepts. MQTT bytes travel in binary
// messages whose boundaries mean nothing: a packet may span messages and a
// message may hold several packets. Each write is one message. Beast
// answers pings and close frames while a read is pending.
//
// Include only from serve_websocket.cpp: Beast's templates are slow to
// compile, so they are instantiated in that one file.
#include <array>
#include <chrono>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/transport.hpp"
#include "net/peer_address.hpp"
#include "net/tls_identity.hpp"
#include "net/websocket_error.hpp"
#include "net/websocket_upgrade.hpp"

namespace starling {

struct WebSocketSettings {
  std::string path;                  // the upgrade request's path ("/mqtt")
  std::size_t max_message_size = 0;  // larger incoming messages close the connection
};

template <typename NextLayer>
class WebSocketStream {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  static constexpr bool kTls = !std::same_as<NextLayer, Socket>;

  // "ws"
  WebSocketStream(Socket socket, WebSocketSettings settings) requires(!kTls)
      : settings_(std::move(settings)), ws_(std::move(socket)) {
    configure();
  }

  // "wss". Holds the listener's TLS context for the connection's life, as
  // TlsStream does.
  WebSocketStream(Socket socket, std::shared_ptr<boost::asio::ssl::context> context,
                  WebSocketSettings settings) requires kTls : context_(std::move(context)),
                                                              settings_(std::move(settings)),
                                                              ws_(std::move(socket), *context_) {
    configure();
  }

  Socket& socket() { return boost::beast::get_lowest_layer(ws_); }
  std::string describe_peer() const { return describe_remote(boost::beast::get_lowest_layer(ws_)); }
  const PeerIdentity* peer_identity() const { return identity_ ? &*identity_ : nullptr; }

  // TLS (for "wss"), then the HTTP upgrade.
  template <typename Handler>
  void async_handshake(Handler&& handler) {
    if constexpr (kTls) {
      ws_.next_layer().async_handshake(
          boost::asio::ssl::stream_base::server,
          [this, handler = std::forward<Handler>(handler)](
              const boost::system::error_code& error) mutable {
            if (error) {
              handler(error);
              return;
            }
            identity_ = verified_peer_identity(ws_.next_layer().native_handle());
            read_upgrade_request(std::move(handler));
          });
    } else {
      read_upgrade_request(std::forward<Handler>(handler));
    }
  }

  // Calls `deliver(error, bytes)` for each chunk of binary message payload
  // until it returns false or reports an error (a text message is one).
  template <typename Deliver>
  void async_read(Deliver deliver) {
    if (!read_buffer_) read_buffer_ = std::make_unique<std::array<std::uint8_t, kReadBufferSize>>();
    ws_.async_read_some(boost::asio::buffer(*read_buffer_), [this, deliver = std::move(deliver)](
                                                                boost::system::error_code error,
                                                                std::size_t n) mutable {
      if (!error && ws_.got_text()) error = WebSocketError::kTextMessage;
      if (error) {
        deliver(error, {});
        return;
      }
      if (n == 0 || deliver(error, std::span<const std::uint8_t>(read_buffer_->data(), n))) {
        async_read(std::move(deliver));
      }
    });
  }

  template <typename Handler>
  void async_write(const std::string& data, Handler&& handler) {
    ws_.async_write(boost::asio::buffer(data), [handler = std::forward<Handler>(handler)](
                                                   const boost::system::error_code& error,
                                                   std::size_t) mutable { handler(error); });
  }

  // Closes the socket without a close frame: the MQTT DISCONNECT (or its
  // absence) already says how the session ended, and a close handshake
  // would outlive the connection object.
  void close() {
    boost::system::error_code ignored;
    socket().shutdown(Socket::shutdown_both, ignored);
    socket().close(ignored);
  }

 private:
  using RequestParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;
  using Refusal = boost::beast::http::response<boost::beast::http::string_body>;

  // Upgrade requests are a few hundred bytes; this bounds what a client can
  // make the broker hold before it has said CONNECT.
  static constexpr std::uint32_t kMaxRequestBytes = 8 * 1024;
  static constexpr std::size_t kReadBufferSize = 16 * 1024;

  void configure() {
    namespace websocket = boost::beast::websocket;
    boost::system::error_code ignored;
    socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    // No idle timeout of Beast's own: MQTT keep-alive (up to 18 hours)
    // decides when a quiet client is gone, and the CONNECT timeout covers a
    // stalled upgrade.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(settings_.max_message_size);
    ws_.binary(true);
    ws_.auto_fragment(false);
  }

  template <typename Handler>
  void read_upgrade_request(Handler handler) {
    namespace http = boost::beast::http;
    request_ = std::make_unique<RequestParser>();
    request_->header_limit(kMaxRequestBytes);
    request_buffer_ = std::make_unique<boost::beast::flat_buffer>(kMaxRequestBytes);
    http::async_read(ws_.next_layer(), *request_buffer_, *request_,
                     [this, handler = std::move(handler)](const boost::system::error_code& error,
                                                          std::size_t) mutable {
                       on_upgrade_request(error, std::move(handler));
                     });
  }

  template <typename Handler>
  void on_upgrade_request(const boost::system::error_code& error, Handler handler) {
    namespace http = boost::beast::http;
    namespace websocket = boost::beast::websocket;
    if (error) {
      // A request HTTP cannot parse is answered; a client that went away is not.
      const bool malformed =
          error.category() == http::make_error_code(http::error::bad_method).category() &&
          error != http::error::end_of_stream;
      if (malformed) {
        refuse(http::status::bad_request, error, std::move(handler));
      } else {
        handler(error);
      }
      return;
    }
    // Clients must wait for the 101 before sending frames (RFC 6455 4.1);
    // Beast cannot take bytes already read, so early ones would be lost.
    if (request_buffer_->size() != 0) {
      refuse(http::status::bad_request, WebSocketError::kBytesBeforeHandshake, std::move(handler));
      return;
    }
    UpgradeDecision decision = decide_upgrade(request_->get(), settings_.path);
    if (decision.refusal) {
      refuse(refusal_status(*decision.refusal), *decision.refusal, std::move(handler));
      return;
    }
    ws_.set_option(websocket::stream_base::decorator(
        [subprotocol = std::move(decision.subprotocol)](websocket::response_type& response) {
          response.set(http::field::sec_websocket_protocol, subprotocol);
        }));
    ws_.async_accept(request_->get(), [this, handler = std::move(handler)](
                                          const boost::system::error_code& error) mutable {
      request_.reset();
      request_buffer_.reset();
      handler(error);
    });
  }

  // Answers the upgrade request with `status`, then fails the handshake
  // with `reason`.
  template <typename Handler>
  void refuse(boost::beast::http::status status, boost::system::error_code reason,
              Handler handler) {
    namespace http = boost::beast::http;
    refusal_ = std::make_unique<Refusal>(status, 11);
    refusal_->set(http::field::connection, "close");
    refusal_->set(http::field::content_type, "text/plain");
    refusal_->body() = reason.message() + "\n";
    refusal_->prepare_payload();
    http::async_write(
        ws_.next_layer(), *refusal_,
        [handler = std::move(handler), reason](const boost::system::error_code&,
                                               std::size_t) mutable { handler(reason); });
  }

  std::shared_ptr<boost::asio::ssl::context> context_;  // "wss" only; outlives ws_
  WebSocketSettings settings_;
  boost::beast::websocket::stream<NextLayer> ws_;
  std::unique_ptr<RequestParser> request_;  // during the handshake only
  std::unique_ptr<boost::beast::flat_buffer> request_buffer_;
  std::unique_ptr<Refusal> refusal_;
  std::unique_ptr<std::array<std::uint8_t, kReadBufferSize>> read_buffer_;
  std::optional<PeerIdentity> identity_;
};

}  // namespace starling
