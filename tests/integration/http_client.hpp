#pragma once
// A minimal blocking HTTP/1.1 client for the HTTP listener's tests: one
// connection per request ("Connection: close"), the reply read to EOF.
// Raw bytes can be sent too, for malformed requests. Every read gives up
// after kHttpTimeout, so a hung server fails the test instead of hanging it.
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace starling::test {

inline constexpr std::chrono::seconds kHttpTimeout{15};

struct HttpReply {
  int status = 0;       // 0: no (parsable) answer before the connection ended
  std::string headers;  // the header block, lines as received
  std::string body;
  // The first value of header `name` (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : port_(port) {}

  // `token` non-empty: sent as "Authorization: Bearer <token>".
  HttpReply get(const std::string& target, const std::string& token = {}) const;
  HttpReply del(const std::string& target, const std::string& token = {}) const;
  HttpReply post(const std::string& target, const std::string& body,
                 const std::string& token = {}) const;
  HttpReply request(const std::string& method, const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers) const;
  // Sends `bytes` as they are and reads the answer until the server closes.
  HttpReply raw(const std::string& bytes) const;

  // A connected socket that sends nothing (for connection caps and
  // timeouts); close with ::close. -1 on failure.
  int open_idle() const;
  // Waits until the server closes `fd` (read returns 0 or an error); false
  // if it is still open after `timeout`. Closes `fd` either way.
  static bool closed_by_server(int fd, std::chrono::milliseconds timeout);

 private:
  std::uint16_t port_;
};

}  // namespace starling::test
