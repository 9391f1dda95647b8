#pragma once
// Serves one accepted "ws" or "wss" connection. Apart from listener.cpp so
// that only serve_websocket.cpp compiles Beast.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "net/connection_slot.hpp"
#include "starling/options.hpp"

namespace starling {

class Shard;

// Starts the connection: TLS handshake when `tls` is set ("wss"), HTTP
// upgrade, then MQTT. `max_packet_size` (limits.max_packet_size) bounds
// incoming WebSocket messages. Call on the worker thread that owns `shard`;
// `listener` must outlive the connection.
void serve_websocket(boost::asio::ip::tcp::socket socket,
                     std::shared_ptr<boost::asio::ssl::context> tls, Shard& shard,
                     std::uint64_t number, const ListenerOptions& listener,
                     std::uint32_t max_packet_size, ConnectionSlot slot);

}  // namespace starling
