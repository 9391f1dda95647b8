#pragma once
// A plain TCP or Unix-domain socket as a StreamConnection's Stream. Reads
// wait until the socket is readable, then read into the worker thread's
// shared buffer, so an idle connection holds no read buffer at all.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>

#include "core/transport.hpp"
#include "net/peer_address.hpp"

namespace starling {

template <typename Socket>
class PlainStream {
 public:
  explicit PlainStream(Socket socket) : socket_(std::move(socket)) {
    boost::system::error_code ignored;
    if constexpr (std::is_same_v<Socket, boost::asio::ip::tcp::socket>) {
      socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    }
    socket_.non_blocking(true, ignored);
  }

  Socket& socket() { return socket_; }
  std::string describe_peer() const { return describe_remote(socket_); }
  const PeerIdentity* peer_identity() const { return nullptr; }

  template <typename Handler>
  void async_handshake(Handler&& handler) {
    handler(boost::system::error_code{});
  }

  // Calls `deliver(error, bytes)` for each chunk read until it returns false
  // or reports an error.
  template <typename Deliver>
  void async_read(Deliver deliver) {
    socket_.async_wait(Socket::wait_read, [this, deliver = std::move(deliver)](
                                              const boost::system::error_code& error) mutable {
      if (error) {
        deliver(error, {});
        return;
      }
      if (read_available(deliver)) async_read(std::move(deliver));
    });
  }

  template <typename Handler>
  void async_write(const std::string& data, Handler&& handler) {
    boost::asio::async_write(socket_, boost::asio::buffer(data),
                             [handler = std::forward<Handler>(handler)](
                                 const boost::system::error_code& error, std::size_t) mutable {
                               handler(error);
                             });
  }

  void close() {
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  // Reads what the socket holds now; false once reading stops.
  template <typename Deliver>
  bool read_available(Deliver& deliver) {
    // One buffer per worker thread: bytes are consumed (or copied by the
    // ClientConnection) before the next read reuses it.
    thread_local std::array<std::uint8_t, 64 * 1024> buffer;
    // A few reads per wake-up at most, so one busy client cannot starve the rest.
    for (int reads = 0; reads < 4; ++reads) {
      boost::system::error_code error;
      std::size_t n = socket_.read_some(boost::asio::buffer(buffer), error);
      if (error == boost::asio::error::would_block || error == boost::asio::error::try_again) {
        return true;
      }
      if (!error && n == 0) error = boost::asio::error::eof;
      if (error) {
        deliver(error, {});
        return false;
      }
      if (!deliver(error, std::span<const std::uint8_t>(buffer.data(), n))) return false;
      if (n < buffer.size()) return true;
    }
    return true;
  }

  Socket socket_;
};

}  // namespace starling
