#pragma once
// What a ClientConnection needs from the network: an output buffer that is
// written in one go per wake-up, and a way to close. Implemented by net/
// (TCP now; TLS and WebSocket later) and by a fake in tests.
#include <cstddef>
#include <string>

namespace starling {

class Transport {
 public:
  virtual ~Transport() = default;
  // Encoded packets are appended here; flush() starts writing them.
  virtual std::string& output() = 0;
  // Writes what output() holds (coalesced with anything already in flight).
  virtual void flush() = 0;
  // Flushes pending output, then closes. Idempotent. The ClientConnection's
  // on_closed() is called once the transport is gone.
  virtual void close() = 0;
  // Bytes accepted for writing but not yet written (slow-consumer signal).
  virtual std::size_t backlog() const = 0;
  // "127.0.0.1:53211", for logs.
  virtual const std::string& peer() const = 0;
};

}  // namespace starling
