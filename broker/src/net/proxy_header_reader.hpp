#pragma once
// Reads a PROXY protocol header off a raw socket, before any TLS or
// WebSocket handshake, taking exactly the header's bytes: what follows
// stays in the socket for the stream's own handshake.
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "net/proxy_header.hpp"

namespace starling {

// Calls `handler(Result<ProxyHeader>)` once: the parsed header, or why there
// is none (malformed, or the socket failed). REQUIRES: `socket` outlives the
// read (the handler may hold its owner).
template <typename Socket, typename Handler>
void async_read_proxy_header(Socket& socket, Handler handler,
                             std::shared_ptr<std::vector<std::uint8_t>> received = nullptr) {
  if (!received) received = std::make_shared<std::vector<std::uint8_t>>();
  auto wanted = proxy_header_bytes_wanted(*received);
  if (!wanted.ok()) {
    handler(Result<ProxyHeader>(wanted.error()));
    return;
  }
  if (*wanted == 0) {
    handler(parse_proxy_header(*received));
    return;
  }
  const std::size_t have = received->size();
  received->resize(have + *wanted);
  boost::asio::async_read(
      socket, boost::asio::buffer(received->data() + have, *wanted),
      [&socket, handler = std::move(handler), received](const boost::system::error_code& error,
                                                        std::size_t) mutable {
        if (error) {
          handler(Result<ProxyHeader>(Error{1, "reading it failed: " + error.message()}));
          return;
        }
        async_read_proxy_header(socket, std::move(handler), std::move(received));
      });
}

}  // namespace starling
