#pragma once
// An HTTP request and response as the HTTP listener (net/http_server) hands
// them to its handler: plain values, so that handlers (admin/) compile
// without Beast.
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace starling {

struct HttpRequest {
  std::string method;         // "GET", "POST", ... as sent
  std::string target;         // path and query, still percent-encoded
  std::string authorization;  // the Authorization header; empty when absent
  std::string body;           // at most HttpOptions::max_body_size bytes
  std::string peer;           // the client's address, for log lines
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones (Allow, WWW-Authenticate)
};

// Sends the response. Call exactly once, from any thread.
using HttpRespond = std::function<void(HttpResponse)>;

// What answers the requests of an HTTP listener.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called on the listener's worker thread; may answer later from any
  // thread. Must not throw.
  virtual void handle(HttpRequest request, HttpRespond respond) = 0;
};

}  // namespace starling
