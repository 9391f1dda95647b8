#pragma once
// What a ClientConnection needs from the network: an output buffer that is
// written in one go per wake-up, and a way to close. Implemented by net/
// (TCP, Unix sockets, TLS, WebSocket) and by a fake in tests.
#include <chrono>
#include <cstddef>
#include <string>

namespace starling {

// Who a verified TLS client certificate says the client is.
struct PeerIdentity {
  std::string subject;      // the subject's distinguished name, RFC 2253 ("CN=dev1,O=Acme")
  std::string common_name;  // the subject's CN, "" when it has none
};

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
  // Stops reading for `duration` (back-pressure on a client over its rate
  // limit), then calls the ClientConnection's on_reading_resumed(). Called from
  // within on_bytes().
  virtual void pause_reading(std::chrono::steady_clock::duration duration) = 0;
  // The client certificate's identity on TLS with a verified client
  // certificate; null otherwise.
  virtual const PeerIdentity* peer_identity() const { return nullptr; }
};

}  // namespace starling
