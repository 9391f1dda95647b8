#include "config/bind_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <string>

#include "config/config_error.hpp"

namespace starling {
namespace {

bool is_ip_literal(int family, const std::string& host) {
  in6_addr address;  // large enough for either family
  return inet_pton(family, host.c_str(), &address) == 1;
}

Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  unsigned port = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, port);
  if (text.empty() || error != std::errc{} || stop != end || port > 65535) {
    return config_error("port must be a number from 0 to 65535, got '" + std::string(text) +
                        "' in '" + std::string(whole) + "'");
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

Result<BindAddress> parse_bind_address(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return config_error("expected HOST:PORT or [IPv6]:PORT, got " + quoted);
  }
  std::string_view host = text.substr(0, colon);
  Result<std::uint16_t> port = parse_port(text.substr(colon + 1), text);
  if (!port) return port.error();

  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    const std::string inner(host.substr(1, host.size() - 2));
    if (!is_ip_literal(AF_INET6, inner)) {
      return config_error("'" + inner + "' in " + quoted + " is not an IPv6 address");
    }
    return BindAddress{inner, *port};
  }
  const std::string plain(host);
  if (plain.find(':') != std::string::npos && is_ip_literal(AF_INET6, plain)) {
    return config_error("an IPv6 address needs brackets, as in '[" + plain +
                        "]:" + std::to_string(*port) + "', got " + quoted);
  }
  if (plain == "*" || plain == "localhost" || is_ip_literal(AF_INET, plain)) {
    return BindAddress{plain, *port};
  }
  return config_error("host must be an IPv4 address, [IPv6] address, 'localhost' or '*', got '" +
                      plain + "' in " + quoted);
}

}  // namespace starling
