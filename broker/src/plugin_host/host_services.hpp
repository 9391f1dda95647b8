#pragma once
// What the broker does for plugins, implemented by the core. Every method
// is called from any thread (a plugin's own threads included).
#include <functional>
#include <string>
#include <string_view>

namespace starling::plugin_host {

class HostServices {
 public:
  virtual ~HostServices() = default;
  // Publishes as the broker, to every matching subscriber. False when the
  // topic is not a valid topic name or the QoS is out of range.
  virtual bool publish(std::string topic, std::string payload, int qos, bool retain) = 0;
  // Disconnects the client if it is connected. False when it is not.
  virtual bool disconnect_client(const std::string& client_id, bool send_will) = 0;
  // Visits the retained messages matching `filter`; -1 for an invalid filter.
  virtual int read_retained(
      std::string_view filter,
      const std::function<void(std::string_view topic, std::string_view payload, int qos)>& visit) = 0;
};

}  // namespace starling::plugin_host
