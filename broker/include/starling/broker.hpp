#pragma once
// The embeddable broker. A Broker runs its own worker threads (one Asio
// io_context each); every method is thread-safe. After stop, the callbacks
// of in-process subscriptions are never called again.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "starling/application_message.hpp"
#include "starling/options.hpp"
#include "starling/result.hpp"
#include "starling/subscription.hpp"

namespace starling {

struct Endpoint {
  std::string type;  // "tcp", "tls", "ws", "wss", "unix", or "http" (metrics and admin API)
  std::string host;  // for "unix", the socket path
  std::uint16_t port = 0;  // the real port, also when the config said 0; 0 for "unix"
};

class Broker {
 public:
  // Binds every listener and starts the worker threads. Fails (nothing left
  // running) when a listener cannot bind or the options are invalid.
  static Result<std::unique_ptr<Broker>> start(Options options);

  virtual ~Broker() = default;  // stops the broker if still running

  // The listeners actually bound, in configuration order, then the HTTP
  // listener when options.http.enabled.
  virtual std::vector<Endpoint> endpoints() const = 0;

  // Reloads every TLS listener's certificate, key and CA files (the
  // executable does this on SIGHUP). New connections use the new files,
  // open ones are not dropped. A listener whose files fail to load keeps its
  // current ones; the error names the file. Thread-safe.
  virtual Status reload_certificates() = 0;

  // Asks every plugin to reload its files or scripts (the executable does
  // this on SIGHUP too). A plugin that fails keeps its current state; the
  // error names it. Thread-safe.
  virtual Status reload_plugins() = 0;

  // Publishes `message` as the broker itself, to every matching subscriber
  // (clients and in-process ones), like a PUBLISH from a client but without
  // one: no authorization or on_publish hook, and no client for No Local.
  // Errors: an invalid topic name, response topic or property, a QoS above
  // mqtt.maximum_qos, retain when mqtt.retain_available is off, a payload
  // that is not UTF-8 with payload_format_indicator 1, or a stopped broker.
  // Returns once the message is queued for routing (not yet delivered).
  virtual Status publish(ApplicationMessage message) = 0;
  Status publish(std::string topic, std::string payload, std::uint8_t qos = 0,
                 bool retain = false) {
    ApplicationMessage message;
    message.topic = std::move(topic);
    message.payload = std::move(payload);
    message.qos = qos;
    message.retain = retain;
    return publish(std::move(message));
  }

  // Calls `callback` for every message published to a topic matching
  // `filter`, with MQTT's matching rules ('+' and '#'; wildcards in the first
  // level do not match "$" topics); first, unless options say not, for the
  // retained messages matching it (from a worker thread, after subscribe
  // returns). Messages published after subscribe returns are delivered.
  // Errors: an invalid filter, a shared subscription ("$share/..."), or a
  // stopped broker. See subscription.hpp for the callback's contract.
  virtual Result<std::unique_ptr<Subscription>> subscribe(std::string filter,
                                                          MessageCallback callback,
                                                          SubscribeOptions options = {}) = 0;

  // Hands running plugins their changed [plugins.options] (the executable
  // does this on SIGHUP): `plugins` is the running list with only options
  // changed. Each plugin whose options differ is asked to take them, in
  // order; one that refuses keeps its old options, one that cannot take
  // options at run time is named in need_restart. Fails, changing nothing,
  // when the list, a path or another plugin setting differs (a restart
  // applies those). Thread-safe.
  virtual Result<PluginOptionsUpdate> update_plugin_options(
      const std::vector<PluginOptions>& plugins) = 0;

  // Graceful shutdown: stop accepting, send v5 clients DISCONNECT 0x8B,
  // publish the wills the spec requires, join the threads. Idempotent.
  virtual void stop() = 0;

  // Blocks until stop() has completed (from any thread, or a signal).
  virtual void wait() = 0;
};

}  // namespace starling
