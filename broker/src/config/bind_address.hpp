#pragma once
// The address a listener binds to, as written in the config file and in
// --listen. Shared by both so that they accept exactly the same syntax.
#include <cstdint>
#include <string>
#include <string_view>

#include "starling/result.hpp"

namespace starling {

struct BindAddress {
  std::string host;        // IPv4 or IPv6 literal (without brackets), "localhost" or "*"
  std::uint16_t port = 0;  // 0: the system picks a free port
};

// Parses HOST:PORT or [IPv6]:PORT. HOST is an IPv4 literal ("0.0.0.0" for all
// interfaces), "localhost", "*" (all interfaces), or an IPv6 literal, which
// must be in brackets ("[::1]:1883"). PORT is a decimal number, 0 to 65535.
// On failure the message says what is wrong but not where the text came from
// (e.g. "expected HOST:PORT or [IPv6]:PORT, got '1883'"); callers prefix it
// with the file and line or the flag.
Result<BindAddress> parse_bind_address(std::string_view text);

}  // namespace starling
