#pragma once
// The conformance suite's own MQTT client: a TCP connection that sends exactly
// the bytes it is given and reads whole packets back with a deadline. It has
// no protocol state of its own (no keep alive, no automatic acknowledgements),
// so a test sees everything the broker sends and the broker sees nothing the
// test did not write. Not thread-safe: one test drives one client.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/packets.hpp"
#include "starling/result.hpp"

namespace starling::conformance {

using Millis = std::chrono::milliseconds;

enum class Arrival {
  kPacket,       // a whole packet, decoded into `packet`
  kClosed,       // the broker closed the connection (EOF or reset)
  kTimeout,      // nothing complete arrived before the deadline
  kUndecodable,  // a whole packet arrived but does not decode (see `error`)
};

struct Incoming {
  Arrival kind = Arrival::kTimeout;
  std::string raw;  // the packet's bytes, fixed header included
  protocol::Packet packet;
  std::string error;
  bool is_packet() const { return kind == Arrival::kPacket; }
};

// "PUBLISH qos=1 id=3 topic='a/b' 5 bytes", "closed", "nothing within 800 ms".
std::string describe(const Incoming& incoming);

class RawClient {
 public:
  // Connects over TCP; nothing is sent. `version` only selects how incoming
  // packets are decoded and may be changed later.
  static Result<RawClient> open(const std::string& host, std::uint16_t port,
                                protocol::Version version);
  RawClient(RawClient&& other) noexcept;
  RawClient& operator=(RawClient&& other) noexcept;
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient();

  // Writes all of `bytes`. Fails once the connection is closed.
  Status send(std::string_view bytes);
  // The next whole packet, or why there is none by `timeout`.
  Incoming receive(Millis timeout);
  // Closes the socket without sending anything (an "unexpected" close).
  void close();

  protocol::Version version() const { return version_; }
  void set_version(protocol::Version version) { version_ = version; }

 private:
  RawClient(int fd, protocol::Version version) : fd_(fd), version_(version) {}
  Incoming take_packet();

  int fd_ = -1;
  protocol::Version version_;
  std::string buffer_;
  bool peer_closed_ = false;
};

}  // namespace starling::conformance
