#pragma once
// One client connection over any byte stream: reads the PROXY protocol
// header when the listener expects one, runs the stream's handshake (TLS,
// WebSocket upgrade; none for plain sockets), feeds what it reads to
// the ClientConnection, and writes whatever packets accumulated since the
// last write in one go. The Stream (plain_stream.hpp, tls_stream.hpp,
// websocket_stream.hpp) hides how bytes move.
//
// Threading: everything runs on the shard's thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "core/client_connection.hpp"
#include "core/transport.hpp"
#include "net/connection_slot.hpp"
#include "net/proxy_header_reader.hpp"

namespace starling {

class Shard;

template <typename Stream>
class StreamConnection final : public Transport,
                               public std::enable_shared_from_this<StreamConnection<Stream>> {
 public:
  StreamConnection(Stream stream, Shard& shard, std::uint64_t number,
                   const ListenerOptions& listener, ConnectionSlot slot)
      : stream_(std::move(stream)),
        peer_(stream_.describe_peer()),
        expect_proxy_header_(listener.proxy_protocol),
        slot_(std::move(slot)) {
    client_ = std::make_shared<ClientConnection>(shard, *this, number, listener, SteadyClock::now());
  }

  // Reads the PROXY header if expected, handshakes, then reads. The CONNECT
  // timeout runs from construction, so a client that stalls before CONNECT
  // is closed alike wherever it stalls.
  void start() {
    if (!expect_proxy_header_) {
      handshake();
      return;
    }
    // From the raw socket: the header comes before any TLS or HTTP byte.
    async_read_proxy_header(stream_.socket(), [self = this->shared_from_this()](
                                                  Result<ProxyHeader> header) {
      if (!header.ok()) {
        if (!self->shut_down_) self->client_->on_handshake_failed("PROXY header: " + header.error().message);
        self->end();
        return;
      }
      if (header->source) {
        self->peer_ = std::move(*header->source);
        self->proxied_ = true;
      }
      self->handshake();
    });
  }

  std::string& output() override { return output_; }
  void flush() override {
    if (!write_in_progress_ && !output_.empty() && !shut_down_) write();
  }
  void close() override {
    if (close_requested_) return;
    close_requested_ = true;
    flush();
    if (!write_in_progress_) shut_down();
  }
  std::size_t backlog() const override { return output_.size() + writing_.size(); }
  const std::string& peer() const override { return peer_; }
  const PeerIdentity* peer_identity() const override { return stream_.peer_identity(); }

  void pause_reading(std::chrono::steady_clock::duration duration) override {
    reading_paused_ = true;
    if (!resume_timer_) resume_timer_ = std::make_unique<boost::asio::steady_timer>(stream_.socket().get_executor());
    resume_timer_->expires_after(duration);
    resume_timer_->async_wait([self = this->shared_from_this()](const boost::system::error_code& error) {
      if (error || self->shut_down_) return;
      self->reading_paused_ = false;
      self->client_->on_reading_resumed(SteadyClock::now());
      if (!self->close_requested_ && !self->shut_down_ && !self->reading_paused_) self->read();
    });
  }

 private:
  void handshake() {
    stream_.async_handshake(
        [self = this->shared_from_this()](const boost::system::error_code& error) {
          if (error) {
            if (!self->shut_down_) self->client_->on_handshake_failed(error.message());
            self->end();
            return;
          }
          if (!self->proxied_) self->peer_ = self->stream_.describe_peer();
          self->read();
        });
  }

  void read() {
    stream_.async_read([self = this->shared_from_this()](const boost::system::error_code& error,
                                                         std::span<const std::uint8_t> bytes) {
      if (error) {
        self->end();
        return false;
      }
      self->client_->on_bytes(bytes, SteadyClock::now());
      return !self->close_requested_ && !self->reading_paused_;
    });
  }

  void write() {
    writing_.swap(output_);
    output_.clear();
    write_in_progress_ = true;
    stream_.async_write(writing_, [self = this->shared_from_this()](
                                      const boost::system::error_code& error) {
      self->write_in_progress_ = false;
      if (!error) self->client_->on_bytes_written(self->writing_.size());
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

  // The peer went away or the stream failed: close and end the client.
  void end() {
    shut_down();
    client_->on_closed(SteadyClock::now());
  }

  void shut_down() {
    if (shut_down_) return;
    shut_down_ = true;
    if (resume_timer_) resume_timer_->cancel();
    stream_.close();
    // A pending read completes with an error, which ends the ClientConnection
    // (a no-op if it closed itself). With no read pending, end it here.
    if (close_requested_) client_->on_closed(SteadyClock::now());
  }

  Stream stream_;
  std::string peer_;
  const bool expect_proxy_header_;
  bool proxied_ = false;  // peer_ comes from the PROXY header
  ConnectionSlot slot_;
  std::shared_ptr<ClientConnection> client_;
  std::string output_;   // packets encoded since the last write started
  std::string writing_;  // the buffer of the write in progress
  bool write_in_progress_ = false;
  bool close_requested_ = false;
  bool shut_down_ = false;
  bool reading_paused_ = false;  // see pause_reading()
  std::unique_ptr<boost::asio::steady_timer> resume_timer_;  // made on first pause
};

}  // namespace starling
