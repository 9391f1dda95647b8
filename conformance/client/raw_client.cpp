#include "client/raw_client.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <span>
#include <utility>

#include "client/wire.hpp"
#include "protocol/decoder.hpp"

namespace starling::conformance {
namespace {

using protocol::Packet;

constexpr std::size_t kMaxIncomingPacket = 16u * 1024 * 1024;

std::string describe_packet(const Packet& packet) {
  using namespace protocol;
  auto reason = [](ReasonCode code) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "0x%02x", static_cast<unsigned>(code));
    return std::string(buffer);
  };
  if (auto* p = std::get_if<Connack>(&packet)) {
    return "CONNACK reason=" + reason(p->reason) +
           " session_present=" + std::to_string(p->session_present);
  }
  if (auto* p = std::get_if<Publish>(&packet)) {
    return "PUBLISH qos=" + std::to_string(p->qos) + " id=" + std::to_string(p->packet_id) +
           " retain=" + std::to_string(p->retain) + " dup=" + std::to_string(p->dup) + " topic='" +
           p->topic + "' payload='" + p->payload.substr(0, 40) + "'";
  }
  if (auto* p = std::get_if<Puback>(&packet)) {
    return "PUBACK id=" + std::to_string(p->packet_id) + " reason=" + reason(p->reason);
  }
  if (auto* p = std::get_if<Pubrec>(&packet)) {
    return "PUBREC id=" + std::to_string(p->packet_id) + " reason=" + reason(p->reason);
  }
  if (auto* p = std::get_if<Pubrel>(&packet)) {
    return "PUBREL id=" + std::to_string(p->packet_id) + " reason=" + reason(p->reason);
  }
  if (auto* p = std::get_if<Pubcomp>(&packet)) {
    return "PUBCOMP id=" + std::to_string(p->packet_id) + " reason=" + reason(p->reason);
  }
  if (auto* p = std::get_if<Suback>(&packet)) {
    std::string out = "SUBACK id=" + std::to_string(p->packet_id) + " reasons=";
    for (auto code : p->reasons) out += reason(code) + " ";
    return out;
  }
  if (auto* p = std::get_if<Unsuback>(&packet)) {
    std::string out = "UNSUBACK id=" + std::to_string(p->packet_id) + " reasons=";
    for (auto code : p->reasons) out += reason(code) + " ";
    return out;
  }
  if (std::holds_alternative<Pingresp>(packet)) return "PINGRESP";
  if (std::holds_alternative<Pingreq>(packet)) return "PINGREQ";
  if (auto* p = std::get_if<Disconnect>(&packet)) return "DISCONNECT reason=" + reason(p->reason);
  if (auto* p = std::get_if<Auth>(&packet)) return "AUTH reason=" + reason(p->reason);
  return "packet type " + std::to_string(packet.index() + 1);
}

}  // namespace

std::string describe(const Incoming& incoming) {
  switch (incoming.kind) {
    case Arrival::kPacket:
      return describe_packet(incoming.packet);
    case Arrival::kClosed:
      return "connection closed";
    case Arrival::kTimeout:
      return "nothing";
    case Arrival::kUndecodable:
      return "an undecodable packet (" + incoming.error + ")";
  }
  return "?";
}

Result<RawClient> RawClient::open(const std::string& host, std::uint16_t port,
                                  protocol::Version version) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return Error{rc, "cannot resolve " + host + ": " + gai_strerror(rc)};
  }
  int fd = -1;
  int last_errno = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    last_errno = errno;
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) {
    return Error{last_errno,
                 "cannot connect to " + host + ":" + service + ": " + std::strerror(last_errno)};
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return RawClient(fd, version);
}

RawClient::RawClient(RawClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      version_(other.version_),
      buffer_(std::move(other.buffer_)),
      peer_closed_(other.peer_closed_) {}

RawClient& RawClient::operator=(RawClient&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    version_ = other.version_;
    buffer_ = std::move(other.buffer_);
    peer_closed_ = other.peer_closed_;
  }
  return *this;
}

RawClient::~RawClient() {
  close();
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status RawClient::send(std::string_view bytes) {
  if (fd_ < 0) return Error{EBADF, "the connection is closed"};
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{errno, std::string("send failed: ") + std::strerror(errno)};
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Incoming RawClient::take_packet() {
  Incoming in;
  auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(buffer_.data()), buffer_.size());
  protocol::FrameResult framed = protocol::split_frame(bytes, kMaxIncomingPacket);
  if (framed.status == protocol::FrameStatus::kIncomplete) return in;
  if (framed.status != protocol::FrameStatus::kComplete) {
    in.kind = Arrival::kUndecodable;
    in.error = "bad remaining length";
    in.raw = buffer_;
    buffer_.clear();
    return in;
  }
  const protocol::Frame& frame = framed.frame;
  in.raw = buffer_.substr(0, frame.size());
  buffer_.erase(0, frame.size());
  auto body = std::span(reinterpret_cast<const std::uint8_t*>(in.raw.data()) + frame.header_size,
                        frame.remaining_length);
  Result<Packet> decoded = protocol::decode(frame, body, version_);
  if (decoded.ok()) {
    in.kind = Arrival::kPacket;
    in.packet = std::move(decoded).value();
  } else {
    in.kind = Arrival::kUndecodable;
    in.error = decoded.error().message + "; bytes " + hex(in.raw);
  }
  return in;
}

Incoming RawClient::receive(Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Incoming in = take_packet();
    if (in.kind != Arrival::kTimeout) return in;
    if (peer_closed_ || fd_ < 0) {
      in.kind = Arrival::kClosed;
      return in;
    }
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return in;
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      peer_closed_ = true;
      continue;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace starling::conformance
