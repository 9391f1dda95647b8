#pragma once
// The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and
// 2) that a load balancer sends before the client's bytes, read so that
// logs and plugins see the client's address rather than the balancer's.
// Pure: bytes in, verdicts out; net/proxy_header_reader.hpp does the I/O.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "starling/result.hpp"

namespace starling {

// Longest v1 header, CRLF included (the specification's limit).
inline constexpr std::size_t kProxyV1MaxBytes = 107;

struct ProxyHeader {
  // The client's address as Transport::peer() shows it ("192.0.2.7:5100",
  // "[2001:db8::7]:5100"); nullopt when the header says to keep the
  // socket's own (v2 LOCAL, v1 UNKNOWN, an address family other than IP).
  std::optional<std::string> source;
};

// How many more bytes the header needs, given its first `received` bytes
// (0: `received` is the whole header). Fails as soon as the bytes cannot
// start a valid header, so a client that sends no header is refused after
// its first 8 bytes. The answer never asks past the header's end, so
// reading exactly that many bytes consumes nothing that follows it.
Result<std::size_t> proxy_header_bytes_wanted(std::span<const std::uint8_t> received);

// Parses a complete header (as proxy_header_bytes_wanted delimited it).
Result<ProxyHeader> parse_proxy_header(std::span<const std::uint8_t> header);

}  // namespace starling
