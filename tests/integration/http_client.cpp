#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace starling::test {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

HttpReply parse_reply(const std::string& data) {
  HttpReply reply;
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos || data.compare(0, 5, "HTTP/") != 0) return reply;
  const std::size_t space = data.find(' ');
  if (space == std::string::npos || space > end) return reply;
  reply.status = std::atoi(data.c_str() + space + 1);
  reply.headers = data.substr(0, end);
  reply.body = data.substr(end + 4);
  return reply;
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
  const std::string wanted = lower(name) + ":";
  std::size_t start = headers.find("\r\n");
  while (start != std::string::npos) {
    start += 2;
    const std::size_t next = headers.find("\r\n", start);
    const std::string line = headers.substr(start, next == std::string::npos ? next : next - start);
    if (lower(line.substr(0, wanted.size())) == wanted) {
      std::string value = line.substr(wanted.size());
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      return value;
    }
    start = next;
  }
  return "";
}

int HttpClient::open_idle() const {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port_);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  timeval timeout{static_cast<time_t>(kHttpTimeout.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return fd;
}

bool HttpClient::closed_by_server(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left.count()))) <= 0) continue;
    char buffer[1024];
    closed = ::recv(fd, buffer, sizeof buffer, 0) <= 0;  // data (a 503) is read past
  }
  ::close(fd);
  return closed;
}

HttpReply HttpClient::raw(const std::string& bytes) const {
  const int fd = open_idle();
  if (fd < 0) return {};
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) and close before reading it all
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);  // the whole request is out; a cut-short one ends here
  std::string data;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse_reply(data);
}

HttpReply HttpClient::request(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) const {
  std::string text =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST") {
    text +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n" + body;
  return raw(text);
}

HttpReply HttpClient::get(const std::string& target, const std::string& token) const {
  if (token.empty()) return request("GET", target, "", {});
  return request("GET", target, "", {{"Authorization", "Bearer " + token}});
}

HttpReply HttpClient::del(const std::string& target, const std::string& token) const {
  if (token.empty()) return request("DELETE", target, "", {});
  return request("DELETE", target, "", {{"Authorization", "Bearer " + token}});
}

HttpReply HttpClient::post(const std::string& target, const std::string& body,
                           const std::string& token) const {
  if (token.empty()) return request("POST", target, body, {});
  return request("POST", target, body, {{"Authorization", "Bearer " + token}});
}

}  // namespace starling::test
