#pragma once
// A bare WebSocket client (Boost.Beast) for the framing cases a real MQTT
// client library never produces: packets split across or sharing frames,
// fragmented messages, text frames, pings, oversized messages and refused
// upgrades. Every call is bounded by a timeout.
// Not thread-safe: use one WebSocketClient from one thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raw_packets.hpp"

namespace starling::test {

class WebSocketClient {
 public:
  // Connects to 127.0.0.1:port (TCP only). Throws std::runtime_error when it cannot.
  explicit WebSocketClient(std::uint16_t port);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Writes `bytes` straight to the socket: what a load balancer puts
  // before the upgrade request (a PROXY header).
  bool send_raw(const raw::Bytes& bytes);

  // Sends the upgrade request for `target`, offering `subprotocols` (none
  // when empty). Returns the HTTP status of the answer (101: upgraded), or
  // 0 when none came.
  int upgrade(const std::string& target = "/mqtt", const std::string& subprotocols = "mqtt");
  // The Sec-WebSocket-Protocol the server selected.
  const std::string& subprotocol() const { return subprotocol_; }

  // Each sends one message (fragmented: one frame per part, the later ones
  // continuation frames). False when the connection failed.
  bool send_binary(const raw::Bytes& bytes);
  bool send_text(const std::string& text);
  bool send_fragmented(const std::vector<raw::Bytes>& parts);
  bool send_ping();

  // Reads one MQTT packet from binary messages; nullopt on timeout or close.
  std::optional<raw::Packet> read_packet(std::chrono::milliseconds timeout);
  // Pongs seen so far (while reading).
  int pongs() const { return pongs_; }

  // Sends a close frame and waits for the server's; true if it came in time.
  bool close_handshake(std::chrono::milliseconds timeout);

  // Reads until the connection ends. Returns the close code the server sent
  // (0 when the socket closed without a close frame), or nullopt when it
  // stayed open for `timeout`.
  std::optional<int> wait_closed(std::chrono::milliseconds timeout);

 private:
  struct State;
  // Fills buffer_ with the next message; false on timeout or close.
  bool read_message(std::chrono::milliseconds timeout);

  std::unique_ptr<State> state_;
  raw::Bytes buffer_;  // received bytes not yet returned as packets
  std::string subprotocol_;
  int pongs_ = 0;
};

}  // namespace starling::test
