#include "raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>

namespace starling::test {

using Clock = std::chrono::steady_clock;

RawClient::RawClient(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd_);
    throw std::runtime_error("connect to port " + std::to_string(port) + " failed: errno " +
                             std::to_string(error));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawClient::~RawClient() {
  close();
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawClient::send(const raw::Bytes& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    if (fd_ < 0) return false;
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool RawClient::fill_buffer(Clock::time_point deadline) {
  if (fd_ < 0 || closed_) return false;
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(remaining > 0 ? remaining : 0));
  if (ready <= 0) return false;
  std::uint8_t chunk[65536];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    if (n < 0 && errno == EINTR) return true;
    closed_ = true;  // orderly close or reset
    return false;
  }
  buffer_.insert(buffer_.end(), chunk, chunk + n);
  return true;
}

std::optional<raw::Packet> RawClient::take_buffered_packet() {
  return raw::take_packet(buffer_);
}

std::optional<raw::Packet> RawClient::read_packet(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (auto packet = take_buffered_packet()) return packet;
    if (!fill_buffer(deadline)) return std::nullopt;
  }
}

std::optional<raw::Packet> RawClient::read_until(std::uint8_t type,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto packet = read_packet(std::max(remaining, std::chrono::milliseconds(0)));
    if (!packet) return std::nullopt;
    if (packet->type() == type) return packet;
  }
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!closed_ && Clock::now() < deadline) {
    buffer_.clear();
    fill_buffer(deadline);
  }
  return closed_;
}

bool RawClient::drain(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!closed_ && Clock::now() < deadline) fill_buffer(deadline);
  buffer_.clear();
  return closed_;
}

std::optional<raw::Connack> RawClient::handshake(const raw::Connect& connect,
                                                 std::chrono::milliseconds timeout) {
  if (!send(raw::connect(connect))) return std::nullopt;
  auto packet = read_packet(timeout);
  if (!packet) return std::nullopt;
  return raw::parse_connack(connect.version, *packet);
}

std::optional<std::uint8_t> RawClient::subscribe(raw::Version version, std::string_view filter,
                                                 std::uint8_t options,
                                                 const raw::Bytes& properties) {
  if (!send(raw::subscribe(version, next_packet_id_++, filter, options, properties))) {
    return std::nullopt;
  }
  auto suback = read_until(raw::kSuback, std::chrono::seconds(5));
  if (!suback || suback->body.empty()) return std::nullopt;
  return suback->body.back();  // one filter, so the last byte is its reason code
}

std::optional<std::uint8_t> RawClient::unsubscribe(raw::Version version, std::string_view filter) {
  if (!send(raw::unsubscribe(version, next_packet_id_++, filter))) return std::nullopt;
  auto unsuback = read_until(raw::kUnsuback, std::chrono::seconds(5));
  if (!unsuback) return std::nullopt;
  if (version != raw::Version::kV5 || unsuback->body.size() < 4) return 0;
  return unsuback->body.back();  // one filter, so the last byte is its reason code
}

std::optional<std::uint8_t> RawClient::publish_qos1(raw::Version version, std::string_view topic) {
  raw::Publish publish;
  publish.topic = std::string(topic);
  publish.payload = "p";
  publish.qos = 1;
  publish.packet_id = next_packet_id_++;
  if (!send(raw::publish(version, publish))) return std::nullopt;
  auto puback = read_until(raw::kPuback, std::chrono::seconds(5));
  if (!puback) return std::nullopt;
  return puback->body.size() > 2 ? puback->body[2] : 0;  // v3.1.1 and v5 "success" carry none
}

}  // namespace starling::test
