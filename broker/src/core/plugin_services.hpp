#pragma once
// The broker's side of the plugin host table: what a plugin may ask of the
// broker (publish, disconnect a client), from any thread.
#include <atomic>
#include <cstddef>
#include <string>

#include "plugin_host/host_services.hpp"

namespace starling {

class BrokerCore;

class PluginServices final : public plugin_host::HostServices {
 public:
  explicit PluginServices(BrokerCore& core) : core_(core) {}

  bool publish(std::string topic, std::string payload, int qos, bool retain) override;
  bool disconnect_client(const std::string& client_id, bool send_will) override;
  int read_retained(std::string_view filter,
                    const std::function<void(std::string_view, std::string_view, int)>& visit) override;

 private:
  BrokerCore& core_;
  std::atomic<std::size_t> next_shard_{0};  // broker publishes spread over the shards
};

}  // namespace starling
