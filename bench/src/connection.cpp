#include "connection.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <span>

#include "protocol/decoder.hpp"
#include "protocol/encoder.hpp"

namespace starling::bench {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t kReadChunk = 256 * 1024;
constexpr std::size_t kMaxPacket = 16 * 1024 * 1024;
}  // namespace

Connection::Connection(asio::io_context& io, ConnectionConfig config)
    : io_(io), config_(std::move(config)), socket_(io), in_(kReadChunk) {}

void Connection::start() {
  boost::system::error_code ec;
  socket_.open(config_.broker.protocol(), ec);
  if (ec) return fail("socket: " + ec.message());
  if (!config_.source_address.empty()) {
    // Choose the local port at connect time, not bind time, so each source
    // address gets the whole ephemeral range per destination.
    int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    const auto address = asio::ip::make_address(config_.source_address, ec);
    if (ec) return fail("bad source address '" + config_.source_address + "'");
    socket_.bind(tcp::endpoint(address, 0), ec);
    if (ec) return fail("bind " + config_.source_address + ": " + ec.message());
  }
  socket_.async_connect(config_.broker, [this](const boost::system::error_code& error) {
    if (error) return fail("connect: " + error.message());
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    protocol::Connect connect;
    connect.version = config_.version;
    connect.clean_start = !config_.persistent_session;
    if (config_.persistent_session && protocol::is_v5(config_.version)) {
      connect.properties.session_expiry_interval = 3600;
    }
    connect.keep_alive = 0;
    connect.client_id = config_.client_id;
    protocol::encode(connect, config_.version, pending_);
    flush();
    read();
  });
}

void Connection::close() {
  if (closing_ || closed_) return;
  closing_ = true;
  if (failed_ || !socket_.is_open()) return finish_close();
  protocol::encode(protocol::Disconnect{}, config_.version, pending_);
  flush();
}

void Connection::finish_close() {
  closing_ = true;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::fail(std::string why) {
  if (closing_ || failed_) return;
  failure_ = std::move(why);
  failed_.store(true, std::memory_order_release);
  finish_close();
  on_failed();
}

void Connection::flush() {
  if (writing_ || pending_.empty() || closed_) return;
  writing_ = true;
  in_flight_write_.swap(pending_);
  pending_.clear();
  asio::async_write(socket_, asio::buffer(in_flight_write_),
                    [this](const boost::system::error_code& error, std::size_t) {
                      writing_ = false;
                      in_flight_write_.clear();
                      if (error) return fail("write: " + error.message());
                      if (closing_ && pending_.empty()) return finish_close();
                      if (!closing_) on_write_done();
                      flush();
                    });
}

void Connection::read() {
  if (in_.size() - in_used_ < kReadChunk / 4) in_.resize(in_used_ + kReadChunk);
  socket_.async_read_some(asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
                          [this](const boost::system::error_code& error, std::size_t n) {
                            if (error) {
                              if (closed_) return;
                              if (closing_) return finish_close();
                              return fail("read: " + error.message());
                            }
                            in_used_ += n;
                            handle_bytes();
                            if (!closed_) read();
                          });
}

void Connection::handle_bytes() {
  std::size_t offset = 0;
  while (!closed_) {
    const std::span<const std::uint8_t> rest(in_.data() + offset, in_used_ - offset);
    const protocol::FrameResult frame = protocol::split_frame(rest, kMaxPacket);
    if (frame.status == protocol::FrameStatus::kIncomplete) break;
    if (frame.status != protocol::FrameStatus::kComplete)
      return fail("malformed frame from broker");
    const auto body = rest.subspan(frame.frame.header_size, frame.frame.remaining_length);
    auto packet = protocol::decode(frame.frame, body, config_.version);
    if (!packet) return fail("undecodable packet from broker: " + packet.error().message);
    offset += frame.frame.size();
    if (!connected_) {
      const auto* connack = std::get_if<protocol::Connack>(&*packet);
      if (connack == nullptr) return fail("expected CONNACK");
      if (connack->reason != protocol::ReasonCode::kSuccess) {
        return fail("CONNACK refused, reason " +
                    std::to_string(static_cast<unsigned>(connack->reason)));
      }
      connected_ = true;
      on_connack(*connack);
      continue;
    }
    if (std::holds_alternative<protocol::Disconnect>(*packet)) {
      const auto& disconnect = std::get<protocol::Disconnect>(*packet);
      return fail("broker sent DISCONNECT, reason " +
                  std::to_string(static_cast<unsigned>(disconnect.reason)));
    }
    on_packet(*packet);
  }
  if (closed_) return;
  // Keep a partial packet at the front; grow for one larger than the buffer.
  if (offset > 0) {
    std::copy(in_.begin() + static_cast<std::ptrdiff_t>(offset),
              in_.begin() + static_cast<std::ptrdiff_t>(in_used_), in_.begin());
    in_used_ -= offset;
  }
  flush();
}

}  // namespace starling::bench
