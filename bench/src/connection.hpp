#pragma once
// One MQTT client connection over Asio: connect (optionally from a given
// local address), CONNECT/CONNACK, then packets in and batched bytes out.
// Subclasses (publisher, subscriber, idle client) supply the behaviour.
//
// Thread-safety: none. A Connection lives on one io_context run by one
// thread; other threads reach it only through asio::post.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/packets.hpp"

namespace starling::bench {

struct ConnectionConfig {
  boost::asio::ip::tcp::endpoint broker;
  std::string source_address;  // empty: let the kernel choose
  protocol::Version version = protocol::Version::kV311;
  std::string client_id;
  // A session the broker keeps (and, with durable storage, stores): clean
  // start 0 and, for v5, a session expiry of one hour. Each run uses fresh
  // client ids, so no earlier session is resumed.
  bool persistent_session = false;
};

class Connection {
 public:
  Connection(boost::asio::io_context& io, ConnectionConfig config);
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens the TCP connection and sends CONNECT. Call on the io_context thread.
  void start();
  // Sends DISCONNECT and closes once it is written. Errors after this are not
  // reported. Call on the io_context thread.
  void close();

  // May be read from any thread.
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  const std::string& failure() const { return failure_; }
  bool closed() const { return closed_; }

 protected:
  // Called once, with the broker's CONNACK (already checked for success).
  virtual void on_connack(const protocol::Connack& connack) = 0;
  // Every packet after CONNACK. Bytes queued with out() during the call are
  // written after the whole read buffer has been handled.
  virtual void on_packet(protocol::Packet& packet) = 0;
  // A write finished and nothing else is being written: a publisher's cue to
  // produce more.
  virtual void on_write_done() {}
  // The connection failed (not after close()).
  virtual void on_failed() {}

  // Bytes to be written; append packets, then call flush().
  std::string& out() { return pending_; }
  void flush();
  bool writing() const { return writing_; }
  protocol::Version version() const { return config_.version; }
  boost::asio::io_context& io() { return io_; }
  void fail(std::string why);

 private:
  void read();
  void handle_bytes();
  void finish_close();

  boost::asio::io_context& io_;
  ConnectionConfig config_;
  boost::asio::ip::tcp::socket socket_;
  std::vector<std::uint8_t> in_;
  std::size_t in_used_ = 0;
  std::string pending_;
  std::string in_flight_write_;
  bool writing_ = false;
  bool connected_ = false;  // CONNACK received
  bool closing_ = false;
  bool closed_ = false;
  std::atomic<bool> failed_{false};
  std::string failure_;
};

}  // namespace starling::bench
