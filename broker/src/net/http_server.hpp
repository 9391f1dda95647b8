#pragma once
// The HTTP listener ([http]): accepts on one worker's io_context and serves
// HTTP/1.1 (keep-alive) to an HttpHandler. Beast stays in http_server.cpp.
//
// Hostile clients are bounded: at most max_connections open (more are
// answered 503 and closed), 8 KiB of headers, max_body_size of body (413),
// and request_timeout_ms for a whole request to arrive and for an idle
// keep-alive connection. A request the parser rejects gets 400.
#include <memory>

#include "net/http_message.hpp"
#include "starling/broker.hpp"
#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

class Worker;

class HttpServer {
 public:
  // Binds and listens. `worker` and `handler` must outlive the server and
  // every connection (until the worker's io_context is destroyed).
  static Result<std::unique_ptr<HttpServer>> open(const HttpOptions& options, Worker& worker,
                                                  HttpHandler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void start();  // begin accepting (on the worker's thread)
  void stop();   // stop accepting; open connections end with their worker. Thread-safe.
  // {"http", host, port}: the bound address (the real port when bind said 0).
  Endpoint endpoint() const;

 private:
  class Impl;
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace starling
