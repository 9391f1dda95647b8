#pragma once
// The base fixture for the bundled plugins' tests (plugins/<name>): the real
// broker loading one plugin from the build tree, fixture files from
// tests/fixtures/plugins, and raw exchanges that read exact reason codes.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker_test.hpp"

namespace starling::test {

class BundledPluginTest : public BrokerTest {
 protected:
  void SetUp() override { STARLING_SKIP_ON_MOSQUITTO("Starling's bundled plugins"); }

  // tests/fixtures/plugins/<name> in the source tree.
  static std::string fixture(const std::string& name) {
    return std::string(STARLING_SOURCE_DIR) + "/tests/fixtures/plugins/" + name;
  }

  static PluginOptions plugin(std::string path,
                              std::vector<std::pair<std::string, std::string>> options) {
    PluginOptions plugin;
    plugin.path = std::move(path);
    plugin.options = std::move(options);
    return plugin;
  }

  void start_with(PluginOptions plugin, bool allow_anonymous = true) {
    start_broker([&](Options& options) {
      options.plugins.push_back(std::move(plugin));
      options.listeners.front().allow_anonymous = allow_anonymous;
    });
  }

  // CONNECT on a fresh raw connection (client id `id`, or a unique one).
  std::optional<raw::Connack> connect_raw(RawClient& client, raw::Version version,
                                          std::optional<std::string> username,
                                          std::optional<std::string> password = std::nullopt,
                                          std::optional<std::string> id = std::nullopt) {
    raw::Connect connect;
    connect.version = version;
    connect.client_id = id ? *id : client_id("raw");
    connect.username = std::move(username);
    connect.password = std::move(password);
    return client.handshake(connect);
  }


  // A Paho client connected with a user name (and password).
  std::unique_ptr<TestClient> user_client(const std::string& name, int version,
                                          const std::string& username,
                                          std::optional<std::string> password = std::nullopt) {
    ConnectSettings settings;
    settings.username = username;
    settings.password = std::move(password);
    return connected_client(name, version, settings);
  }
};

}  // namespace starling::test
