#pragma once
// A TCP connection: waits until the socket is readable, reads into the
// worker thread's shared buffer and feeds the ClientConnection (so an idle
// connection holds no read buffer); writes whatever packets accumulated
// since the last write in one syscall.
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "core/client_connection.hpp"
#include "core/transport.hpp"

namespace starling {

class Shard;

class TcpConnection final : public Transport, public std::enable_shared_from_this<TcpConnection> {
 public:
  TcpConnection(boost::asio::ip::tcp::socket socket, Shard& shard, std::uint64_t number,
                const ListenerOptions& listener);

  // Starts reading. Runs on the shard's thread.
  void start();

  std::string& output() override { return output_; }
  void flush() override;
  void close() override;
  std::size_t backlog() const override { return output_.size() + writing_.size(); }
  const std::string& peer() const override { return peer_; }

 private:
  void read();
  // Reads what the socket has now; false when the connection ended.
  bool read_available();
  void write();
  void shut_down();

  boost::asio::ip::tcp::socket socket_;
  Shard& shard_;
  std::string peer_;
  std::shared_ptr<ClientConnection> client_;
  std::string output_;   // packets encoded since the last write started
  std::string writing_;  // the buffer of the write in progress
  bool write_in_progress_ = false;
  bool close_requested_ = false;
  bool shut_down_ = false;
};

}  // namespace starling
