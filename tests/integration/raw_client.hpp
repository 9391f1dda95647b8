#pragma once
// A bare TCP connection to the broker for what a real client library hides:
// sending exact (possibly malformed) bytes, not acknowledging, dropping the
// socket without DISCONNECT, and reading exact reason codes.
// Not thread-safe: use one RawClient from one thread.
#include <chrono>
#include <cstdint>
#include <optional>

#include "raw_packets.hpp"

namespace starling::test {

class RawClient {
 public:
  // Connects to 127.0.0.1:port. Throws std::runtime_error when it cannot.
  explicit RawClient(std::uint16_t port);
  ~RawClient();  // closes the socket (abruptly, without DISCONNECT)
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends every byte. Returns false when the peer has closed the connection.
  bool send(const raw::Bytes& bytes);

  // Reads one whole packet, or nullopt on timeout or when the peer closed
  // (then peer_closed() is true).
  std::optional<raw::Packet> read_packet(std::chrono::milliseconds timeout);

  // Reads packets until one of `type` arrives; others are discarded.
  std::optional<raw::Packet> read_until(std::uint8_t type, std::chrono::milliseconds timeout);

  // Discards incoming packets until the peer closes; true if it did in time.
  bool wait_closed(std::chrono::milliseconds timeout);

  // Reads whatever arrives within `timeout`; true when the peer has closed.
  bool drain(std::chrono::milliseconds timeout);

  bool peer_closed() const { return closed_; }

  // Drops the connection without DISCONNECT (a network failure, as far as
  // the broker can tell).
  void close();

  // CONNECT and wait for CONNACK; nullopt when none came back in time.
  std::optional<raw::Connack> handshake(
      const raw::Connect& connect, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // SUBSCRIBE to one filter and wait for SUBACK; returns its reason code
  // (the granted QoS, or >= 0x80 when refused), nullopt when none came.
  std::optional<std::uint8_t> subscribe(raw::Version version, std::string_view filter,
                                        std::uint8_t options, const raw::Bytes& properties = {});
  // UNSUBSCRIBE one filter and wait for UNSUBACK; returns its v5 reason
  // code (0 for v3.1.1, which has none), nullopt when none came.
  std::optional<std::uint8_t> unsubscribe(raw::Version version, std::string_view filter);
  // PUBLISH at QoS 1 and wait for the PUBACK; returns its reason code (0
  // when it carries none), nullopt when none came.
  std::optional<std::uint8_t> publish_qos1(raw::Version version, std::string_view topic);

 private:
  // Takes one whole packet off the front of buffer_, if there is one.
  std::optional<raw::Packet> take_buffered_packet();
  // Waits for more bytes until `deadline`; false on timeout or close.
  bool fill_buffer(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  raw::Bytes buffer_;  // received bytes not yet returned as packets
  bool closed_ = false;
  std::uint16_t next_packet_id_ = 1;
};

}  // namespace starling::test
