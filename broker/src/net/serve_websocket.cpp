#include "net/serve_websocket.hpp"

#include "net/stream_connection.hpp"
#include "net/websocket_stream.hpp"

namespace starling {

namespace {

// A message may carry a whole packet plus parts of its neighbours, since
// message boundaries mean nothing to MQTT.
constexpr std::size_t kMessageSlack = 64 * 1024;

}  // namespace

void serve_websocket(boost::asio::ip::tcp::socket socket,
                     std::shared_ptr<boost::asio::ssl::context> tls, Shard& shard,
                     std::uint64_t number, const ListenerOptions& listener,
                     std::uint32_t max_packet_size, ConnectionSlot slot) {
  WebSocketSettings settings{listener.path, std::size_t{max_packet_size} + kMessageSlack};
  if (tls) {
    using Stream = WebSocketStream<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>;
    std::make_shared<StreamConnection<Stream>>(
        Stream(std::move(socket), std::move(tls), std::move(settings)), shard, number, listener,
        std::move(slot))
        ->start();
  } else {
    using Stream = WebSocketStream<boost::asio::ip::tcp::socket>;
    std::make_shared<StreamConnection<Stream>>(Stream(std::move(socket), std::move(settings)),
                                               shard, number, listener, std::move(slot))
        ->start();
  }
}

}  // namespace starling
