#include "net/proxy_header.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <string_view>
#include <vector>

#include "net/peer_address.hpp"

namespace starling {

namespace {

namespace ip = boost::asio::ip;

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::size_t kV1MinBytes = 15;  // "PROXY UNKNOWN\r\n"
constexpr std::array<std::uint8_t, 12> kV2Signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                       0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::size_t kV2FixedBytes = 16;
// Enough of either prefix to tell the versions apart, and no more than the
// shortest header.
constexpr std::size_t kPrefixBytes = 8;

Error proxy_error(std::string message) {
  return Error{1, std::move(message)};
}

// True when `bytes` and `expected` agree on their common length.
bool prefix_matches(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> expected) {
  const std::size_t n = std::min(bytes.size(), expected.size());
  return std::equal(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(n),
                    bytes.begin());
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

bool is_v1(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= kV1Prefix.size() && prefix_matches(bytes, as_bytes(kV1Prefix));
}

bool is_v2(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= kV2Signature.size() && prefix_matches(bytes, kV2Signature);
}

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// A decimal port without sign or leading zeros.
std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text.front() == '0'))
    return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::optional<ip::address> parse_address(std::string_view text, bool v6) {
  boost::system::error_code error;
  std::string s(text);
  ip::address address =
      v6 ? ip::address(ip::make_address_v6(s, error)) : ip::address(ip::make_address_v4(s, error));
  if (error) return std::nullopt;
  return address;
}

Result<ProxyHeader> parse_v1(std::string_view line) {
  if (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") {
    return proxy_error("v1 header does not end with CRLF");
  }
  auto fields = split(line.substr(0, line.size() - 2), ' ');
  if (fields.size() >= 2 && fields[1] == "UNKNOWN") return ProxyHeader{};
  if (fields.size() != 6 || (fields[1] != "TCP4" && fields[1] != "TCP6")) {
    return proxy_error("v1 header is not 'PROXY TCP4|TCP6 SRC DST SPORT DPORT'");
  }
  const bool v6 = fields[1] == "TCP6";
  auto source = parse_address(fields[2], v6);
  auto destination = parse_address(fields[3], v6);
  auto source_port = parse_port(fields[4]);
  auto destination_port = parse_port(fields[5]);
  if (!source || !destination)
    return proxy_error("v1 header has a malformed " + std::string(fields[1]) + " address");
  if (!source_port || !destination_port) return proxy_error("v1 header has a malformed port");
  return ProxyHeader{describe_address(*source, *source_port)};
}

Result<ProxyHeader> parse_v2(std::span<const std::uint8_t> header) {
  if (header.size() < kV2FixedBytes) {
    return proxy_error("v2 header is truncated");
  }
  const std::uint8_t version = header[12] >> 4;
  const std::uint8_t command = header[12] & 0x0F;
  const std::uint8_t family = header[13] >> 4;
  const std::size_t length = be16(&header[14]);
  if (version != 2) return proxy_error("v2 header has version " + std::to_string(version));
  if (header.size() != kV2FixedBytes + length)
    return proxy_error("v2 header length does not match");
  if (command == 0x0) return ProxyHeader{};  // LOCAL: the balancer's own health check
  if (command != 0x1)
    return proxy_error("v2 header has unknown command " + std::to_string(command));
  const std::uint8_t* addresses = header.data() + kV2FixedBytes;
  if (family == 0x1) {  // AF_INET: source, destination, source port, destination port
    if (length < 12) return proxy_error("v2 header too short for IPv4 addresses");
    ip::address_v4::bytes_type source;
    std::copy_n(addresses, source.size(), source.begin());
    return ProxyHeader{describe_address(ip::address_v4(source), be16(addresses + 8))};
  }
  if (family == 0x2) {  // AF_INET6
    if (length < 36) return proxy_error("v2 header too short for IPv6 addresses");
    ip::address_v6::bytes_type source;
    std::copy_n(addresses, source.size(), source.begin());
    return ProxyHeader{describe_address(ip::address_v6(source), be16(addresses + 32))};
  }
  // AF_UNSPEC, AF_UNIX: nothing a peer address could show; keep the socket's.
  return ProxyHeader{};
}

}  // namespace

Result<std::size_t> proxy_header_bytes_wanted(std::span<const std::uint8_t> received) {
  const std::size_t size = received.size();
  if (!prefix_matches(received, as_bytes(kV1Prefix)) && !prefix_matches(received, kV2Signature)) {
    return proxy_error("no PROXY protocol header");
  }
  if (size < kPrefixBytes) return kPrefixBytes - size;
  if (is_v1(received)) {
    std::string_view text(reinterpret_cast<const char*>(received.data()), size);
    std::size_t end = text.find("\r\n");
    if (end != std::string_view::npos) {
      if (end + 2 != size) return proxy_error("v1 header followed by bytes it does not own");
      return std::size_t{0};
    }
    if (size >= kProxyV1MaxBytes) return proxy_error("v1 header has no CRLF within 107 bytes");
    // Byte by byte past the shortest header: the CRLF may come at any point.
    return size < kV1MinBytes ? kV1MinBytes - size : std::size_t{1};
  }
  if (size < kV2FixedBytes) return kV2FixedBytes - size;
  const std::size_t total = kV2FixedBytes + be16(&received[14]);
  if (size > total) return proxy_error("v2 header followed by bytes it does not own");
  return total - size;
}

Result<ProxyHeader> parse_proxy_header(std::span<const std::uint8_t> header) {
  if (is_v1(header)) {
    if (header.size() > kProxyV1MaxBytes) return proxy_error("v1 header longer than 107 bytes");
    return parse_v1(std::string_view(reinterpret_cast<const char*>(header.data()), header.size()));
  }
  if (is_v2(header)) return parse_v2(header);
  return proxy_error("no PROXY protocol header");
}

}  // namespace starling
