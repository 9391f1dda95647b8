#pragma once
// A connected socket's remote address as logs and plugins show it.
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

namespace starling {

// "127.0.0.1:53211", "[::1]:53211"; "?" once the socket is gone.
std::string describe_remote(const boost::asio::ip::tcp::socket& socket);
// "unix:/run/starling.sock" (the listener's path; the peer has no name).
std::string describe_remote(const boost::asio::local::stream_protocol::socket& socket);

// "127.0.0.1:53211" for an address and port.
std::string describe_address(const boost::asio::ip::address& address, unsigned short port);

}  // namespace starling
