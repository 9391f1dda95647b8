#include "websocket_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <stdexcept>

namespace starling::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;

struct WebSocketClient::State {
  asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
  beast::flat_buffer received;
  bool failed = false;  // timed out or broken: nothing more can be done

  // Runs the operation `start` begins until its handler sets `done`: true.
  // False when `timeout` passed first: then the socket is closed, which
  // ends the operation, and the client is done for.
  template <typename Start>
  bool run(std::chrono::milliseconds timeout, Start start) {
    if (failed) return false;
    bool done = false;
    start(done);
    io.restart();
    io.run_for(timeout);
    if (done) return true;
    failed = true;
    beast::error_code ignored;
    ws.next_layer().close(ignored);
    io.restart();
    io.run();
    return false;
  }
};

namespace {
constexpr std::chrono::seconds kOperationTimeout{5};
}  // namespace

WebSocketClient::WebSocketClient(std::uint16_t port) : state_(std::make_unique<State>()) {
  beast::error_code error;
  state_->ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, error);
  if (error)
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                             error.message());
  state_->ws.auto_fragment(false);  // one frame per write_some, as the tests say
  state_->ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong) ++pongs_;
  });
}

WebSocketClient::~WebSocketClient() = default;

bool WebSocketClient::send_raw(const raw::Bytes& bytes) {
  beast::error_code error;
  asio::write(state_->ws.next_layer(), asio::buffer(bytes), error);
  return !error;
}

int WebSocketClient::upgrade(const std::string& target, const std::string& subprotocols) {
  if (!subprotocols.empty()) {
    state_->ws.set_option(
        websocket::stream_base::decorator([subprotocols](websocket::request_type& request) {
          request.set(beast::http::field::sec_websocket_protocol, subprotocols);
        }));
  }
  websocket::response_type response;
  beast::error_code error;
  const bool answered = state_->run(kOperationTimeout, [&](bool& done) {
    state_->ws.async_handshake(response, "127.0.0.1", target, [&](beast::error_code e) {
      error = e;
      done = true;
    });
  });
  if (!answered) return 0;
  subprotocol_ = std::string(response[beast::http::field::sec_websocket_protocol]);
  if (error && error != websocket::error::upgrade_declined) return 0;
  return response.result_int();
}

bool WebSocketClient::send_binary(const raw::Bytes& bytes) {
  return send_fragmented({bytes});
}

bool WebSocketClient::send_text(const std::string& text) {
  beast::error_code error;
  state_->ws.text(true);
  state_->run(kOperationTimeout, [&](bool& done) {
    state_->ws.async_write(asio::buffer(text), [&](beast::error_code e, std::size_t) {
      error = e;
      done = true;
    });
  });
  return !error && !state_->failed;
}

bool WebSocketClient::send_fragmented(const std::vector<raw::Bytes>& parts) {
  state_->ws.binary(true);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    beast::error_code error;
    const bool last = i + 1 == parts.size();
    state_->run(kOperationTimeout, [&](bool& done) {
      state_->ws.async_write_some(last, asio::buffer(parts[i]),
                                  [&](beast::error_code e, std::size_t) {
                                    error = e;
                                    done = true;
                                  });
    });
    if (error || state_->failed) return false;
  }
  return true;
}

bool WebSocketClient::send_ping() {
  beast::error_code error;
  state_->run(kOperationTimeout, [&](bool& done) {
    state_->ws.async_ping({}, [&](beast::error_code e) {
      error = e;
      done = true;
    });
  });
  return !error && !state_->failed;
}

bool WebSocketClient::read_message(std::chrono::milliseconds timeout) {
  beast::error_code error;
  state_->run(timeout, [&](bool& done) {
    state_->ws.async_read(state_->received, [&](beast::error_code e, std::size_t) {
      error = e;
      done = true;
    });
  });
  if (error || state_->failed) {
    state_->failed = true;
    return false;
  }
  const auto* data = static_cast<const std::uint8_t*>(state_->received.data().data());
  buffer_.insert(buffer_.end(), data, data + state_->received.size());
  state_->received.clear();
  return true;
}

std::optional<raw::Packet> WebSocketClient::read_packet(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto packet = raw::take_packet(buffer_)) return packet;
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0 || !read_message(remaining)) return std::nullopt;
  }
}

bool WebSocketClient::close_handshake(std::chrono::milliseconds timeout) {
  beast::error_code error;
  state_->run(timeout, [&](bool& done) {
    state_->ws.async_close(websocket::close_code::normal, [&](beast::error_code e) {
      error = e;
      done = true;
    });
  });
  return !error && !state_->failed;
}

std::optional<int> WebSocketClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return std::nullopt;
    beast::error_code error;
    const bool in_time = state_->run(remaining, [&](bool& done) {
      state_->ws.async_read(state_->received, [&](beast::error_code e, std::size_t) {
        error = e;
        done = true;
      });
    });
    if (!in_time) return std::nullopt;
    if (error == websocket::error::closed) return static_cast<int>(state_->ws.reason().code);
    if (error) return 0;
    state_->received.clear();
  }
}

}  // namespace starling::test
