#include "net/peer_address.hpp"

namespace starling {

std::string describe_address(const boost::asio::ip::address& address, unsigned short port) {
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(port);
}

std::string describe_remote(const boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  if (error) return "?";
  return describe_address(endpoint.address(), endpoint.port());
}

std::string describe_remote(const boost::asio::local::stream_protocol::socket& socket) {
  boost::system::error_code error;
  auto endpoint = socket.local_endpoint(error);
  if (error) return "unix:?";
  return "unix:" + endpoint.path();
}

}  // namespace starling
