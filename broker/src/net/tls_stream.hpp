#pragma once
// TLS over TCP (OpenSSL through Asio) as a StreamConnection's Stream. Holds
// its listener's TLS context, so a context replaced by a certificate reload
// lives on until its last connection ends.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "core/transport.hpp"
#include "net/peer_address.hpp"
#include "net/tls_identity.hpp"

namespace starling {

class TlsStream {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  TlsStream(Socket socket, std::shared_ptr<boost::asio::ssl::context> context)
      : context_(std::move(context)), stream_(std::move(socket), *context_) {
    boost::system::error_code ignored;
    stream_.next_layer().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  }

  Socket& socket() { return stream_.next_layer(); }
  std::string describe_peer() const { return describe_remote(stream_.next_layer()); }
  const PeerIdentity* peer_identity() const { return identity_ ? &*identity_ : nullptr; }

  template <typename Handler>
  void async_handshake(Handler&& handler) {
    stream_.async_handshake(boost::asio::ssl::stream_base::server,
                            [this, handler = std::forward<Handler>(handler)](
                                const boost::system::error_code& error) mutable {
                              if (!error) identity_ = verified_peer_identity(stream_.native_handle());
                              handler(error);
                            });
  }

  template <typename Deliver>
  void async_read(Deliver deliver) {
    if (!buffer_) buffer_ = std::make_unique<std::array<std::uint8_t, kBufferSize>>();
    stream_.async_read_some(
        boost::asio::buffer(*buffer_),
        [this, deliver = std::move(deliver)](const boost::system::error_code& error,
                                             std::size_t n) mutable {
          if (error) {
            deliver(error, {});
            return;
          }
          if (deliver(error, std::span<const std::uint8_t>(buffer_->data(), n))) {
            async_read(std::move(deliver));
          }
        });
  }

  template <typename Handler>
  void async_write(const std::string& data, Handler&& handler) {
    boost::asio::async_write(stream_, boost::asio::buffer(data),
                             [handler = std::forward<Handler>(handler)](
                                 const boost::system::error_code& error, std::size_t) mutable {
                               handler(error);
                             });
  }

  // Closes the socket without a TLS close_notify: the MQTT DISCONNECT (or
  // its absence) already says how the session ended.
  void close() {
    boost::system::error_code ignored;
    stream_.next_layer().shutdown(Socket::shutdown_both, ignored);
    stream_.next_layer().close(ignored);
  }

 private:
  // One TLS record's worth; a larger packet arrives over several reads.
  static constexpr std::size_t kBufferSize = 16 * 1024;

  std::shared_ptr<boost::asio::ssl::context> context_;
  boost::asio::ssl::stream<Socket> stream_;
  std::unique_ptr<std::array<std::uint8_t, kBufferSize>> buffer_;
  std::optional<PeerIdentity> identity_;
};

}  // namespace starling
