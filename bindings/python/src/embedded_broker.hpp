#pragma once
// What starling._starling.Broker wraps: a starling::Broker, its Python
// subscriptions and their dispatcher. Every blocking call releases the GIL.
// Thread-safety: called from Python (holding the GIL); the broker's own
// threads only post to the dispatcher.
#include <pybind11/pybind11.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dispatcher.hpp"
#include "starling/broker.hpp"

namespace starling::python {

// Raised as starling.StarlingError (a RuntimeError): the broker cannot start,
// or is not running.
struct StarlingError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BrokerSettings {
  std::optional<std::string> config_text;  // TOML; or
  std::optional<std::string> config_path;
  std::optional<std::vector<std::string>> listen;  // "[tcp|ws://]HOST:PORT", "unix:PATH"
  std::optional<std::string> data_dir;
  std::optional<std::string> durability;
  std::optional<unsigned> threads;
  std::optional<std::string> log_level;
  std::size_t queue_size = 10000;
};

// The Options `settings` describe: the config, then the keyword arguments
// over it. Throws py::value_error naming what is wrong.
Options options_from(const BrokerSettings& settings);

class EmbeddedBroker {
 public:
  explicit EmbeddedBroker(BrokerSettings settings);
  ~EmbeddedBroker();

  void start();  // StarlingError when it cannot start or runs already
  void stop();   // idempotent
  bool running() const { return broker_ != nullptr; }
  std::vector<Endpoint> endpoints() const;

  void publish(ApplicationMessage message);  // ValueError for a bad message
  std::uint64_t subscribe(std::string filter, pybind11::object callback, bool send_retained,
                          bool retain_as_published);
  void unsubscribe(std::uint64_t id);  // unknown ids are ignored
  std::uint64_t dropped() const;
  std::size_t queue_size() const { return settings_.queue_size; }

 private:
  Broker& running_broker() const;

  const BrokerSettings settings_;
  std::shared_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<Broker> broker_;
  std::map<std::uint64_t, std::unique_ptr<Subscription>> subscriptions_;
  std::uint64_t next_id_ = 1;
  std::uint64_t dropped_before_ = 0;  // by dispatchers of earlier runs
};

}  // namespace starling::python
