#include "net/tcp_connection.hpp"

#include <array>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "core/shard.hpp"

namespace starling {

namespace {
std::string describe(const boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  if (error) return "?";
  auto address = endpoint.address();
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}
}  // namespace

TcpConnection::TcpConnection(boost::asio::ip::tcp::socket socket, Shard& shard,
                             std::uint64_t number, const ListenerOptions& listener)
    : socket_(std::move(socket)), shard_(shard), peer_(describe(socket_)) {
  boost::system::error_code ignored;
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
  client_ = std::make_shared<ClientConnection>(shard, *this, number, listener, SteadyClock::now());
}

void TcpConnection::start() { read(); }

void TcpConnection::read() {
  socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& error) {
                       if (error) {
                         self->shut_down();
                         self->client_->on_closed(SteadyClock::now());
                         return;
                       }
                       if (self->read_available() && !self->close_requested_) self->read();
                     });
}

bool TcpConnection::read_available() {
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
    if (error || n == 0) {
      shut_down();
      client_->on_closed(SteadyClock::now());
      return false;
    }
    client_->on_bytes({buffer.data(), n}, SteadyClock::now());
    if (close_requested_) return false;
    if (n < buffer.size()) return true;
  }
  return true;
}

void TcpConnection::flush() {
  if (!write_in_progress_ && !output_.empty() && !shut_down_) write();
}

void TcpConnection::write() {
  writing_.swap(output_);
  output_.clear();
  write_in_progress_ = true;
  boost::asio::async_write(
      socket_, boost::asio::buffer(writing_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        self->write_in_progress_ = false;
        self->writing_.clear();
        if (error) {
          self->shut_down();
          return;
        }
        if (!self->output_.empty()) {
          self->write();
        } else if (self->close_requested_) {
          self->shut_down();
        }
      });
}

void TcpConnection::close() {
  if (close_requested_) return;
  close_requested_ = true;
  flush();
  if (!write_in_progress_) shut_down();
}

void TcpConnection::shut_down() {
  if (shut_down_) return;
  shut_down_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // A pending read completes with an error, which ends the ClientConnection
  // (a no-op if it closed itself). With no read pending, end it here.
  if (close_requested_) client_->on_closed(SteadyClock::now());
}

}  // namespace starling
