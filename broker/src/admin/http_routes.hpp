#pragma once
// What the HTTP listener serves: GET /metrics (open to anyone who can reach
// the listener) and, when an admin token is configured, the admin API under
// /api/v1/ (README, "Operations"). Every admin request must carry
// "Authorization: Bearer <token>"; every mutating call is logged.
//
// Thread-safety: handle() runs on the listener's worker; session state is
// read on each session's owner thread (session_view.hpp).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "admin/metrics.hpp"
#include "core/plugin_services.hpp"
#include "net/http_message.hpp"

namespace starling {
class BrokerCore;
}

namespace starling::admin {

class HttpRoutes final : public HttpHandler {
 public:
  // `listeners` gives the MQTT listeners' figures, from any thread.
  // `admin_token` empty: the admin API answers 404.
  HttpRoutes(BrokerCore& core, std::string admin_token,
             std::function<std::vector<ListenerFigures>()> listeners);

  void handle(HttpRequest request, HttpRespond respond) override;

 private:
  struct Call;
  void metrics(HttpRespond respond);
  void admin(Call& call);
  void list_clients(Call& call);
  void get_client(Call& call, const std::string& client_id);
  void disconnect_client(Call& call, const std::string& client_id);
  void list_retained(Call& call);
  void delete_retained(Call& call);
  void publish(Call& call);
  void list_subscriptions(Call& call);
  void stats(Call& call);

  BrokerCore& core_;
  const std::string admin_token_;
  std::function<std::vector<ListenerFigures>()> listeners_;
  PluginServices services_;  // publish and disconnect, as plugins do them
  const std::chrono::steady_clock::time_point started_;
};

}  // namespace starling::admin
