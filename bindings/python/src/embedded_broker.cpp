#include "embedded_broker.hpp"

#include <fstream>
#include <iterator>
#include <utility>

#include "config/config_file.hpp"

namespace starling::python {

namespace py = pybind11;

namespace {

ListenerOptions listener_from(const std::string& text) {
  ListenerOptions listener;
  std::string rest = text;
  if (rest.starts_with("unix:")) {
    listener.type = "unix";
    listener.bind = rest.substr(5);
    if (listener.bind.empty())
      throw py::value_error("listen '" + text + "': unix:PATH needs a path");
    return listener;
  }
  if (const auto scheme = rest.find("://"); scheme != std::string::npos) {
    listener.type = rest.substr(0, scheme);
    rest = rest.substr(scheme + 3);
    if (listener.type != "tcp" && listener.type != "ws") {
      throw py::value_error("listen '" + text +
                            "': the scheme is tcp:// or ws:// (TLS listeners take a config)");
    }
    if (listener.type == "ws") {
      if (const auto slash = rest.find('/'); slash != std::string::npos) {
        listener.path = rest.substr(slash);
        rest = rest.substr(0, slash);
      }
    }
  }
  listener.bind = rest;
  return listener;
}

// The python hook plugin embeds an interpreter of its own: loaded into a
// Python process it would meet this one (and pybind11 aborts the process
// when a second embedded "starling" module registers). Refused up front.
void refuse_embedded_interpreters(const Options& options) {
  for (const PluginOptions& plugin : options.plugins) {
    std::ifstream file(plugin.path, std::ios::binary);
    if (!file) continue;  // the plugin host names the missing file
    const std::string bytes((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
    if (bytes.find("libpython3") != std::string::npos) {
      throw StarlingError(
          "plugin '" + plugin.path +
          "' links libpython (the starling python hook plugin?): it cannot run inside a Python "
          "process, which has its interpreter already; run the starling executable for Python "
          "hooks, or handle messages with Broker.subscribe (see bindings/README.md)");
    }
  }
}

}  // namespace

Options options_from(const BrokerSettings& settings) {
  Options options;
  if (settings.config_text && settings.config_path) {
    throw py::value_error("config is a path or a dict, not both");
  }
  if (settings.config_text) {
    auto parsed = parse_config(*settings.config_text, "<config>");
    if (!parsed.ok()) throw py::value_error("config: " + parsed.error().message);
    options = std::move(parsed).value();
  } else if (settings.config_path) {
    auto loaded = load_config_file(*settings.config_path);
    if (!loaded.ok()) throw py::value_error(loaded.error().message);
    options = std::move(loaded).value();
  } else {
    options.log_level = "warn";  // a library keeps quiet unless asked
  }
  if (settings.listen) {
    options.listeners.clear();
    for (const std::string& text : *settings.listen)
      options.listeners.push_back(listener_from(text));
    if (options.listeners.empty())
      throw py::value_error("listen is empty: give at least one address");
  }
  if (settings.data_dir) options.data_dir = *settings.data_dir;
  if (settings.durability) {
    options.storage.durability = *settings.durability;
  } else if (!settings.config_text && !settings.config_path && !settings.data_dir) {
    options.storage.durability = "memory";  // no data_dir given: nothing on disk
  }
  if (settings.threads) options.threads = *settings.threads;
  if (settings.log_level) options.log_level = *settings.log_level;
  return options;
}

EmbeddedBroker::EmbeddedBroker(BrokerSettings settings) : settings_(std::move(settings)) {
  if (settings_.queue_size == 0) throw py::value_error("queue_size must be at least 1");
  (void)options_from(settings_);  // bad arguments fail at construction
}

EmbeddedBroker::~EmbeddedBroker() {
  try {
    stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor reports nothing
  }
}

void EmbeddedBroker::start() {
  if (broker_) throw StarlingError("the broker is running already");
  Options options = options_from(settings_);
  refuse_embedded_interpreters(options);
  auto dispatcher = std::make_shared<Dispatcher>(settings_.queue_size);
  Result<std::unique_ptr<Broker>> started = Error{};
  {
    py::gil_scoped_release release;
    started = Broker::start(std::move(options));
  }
  if (!started.ok()) {
    py::gil_scoped_release release;
    dispatcher->stop();
    throw StarlingError("the broker cannot start: " + started.error().message);
  }
  dispatcher_ = std::move(dispatcher);
  broker_ = std::move(started).value();
}

void EmbeddedBroker::stop() {
  if (!broker_) return;
  if (dispatcher_->on_dispatcher_thread()) {
    throw StarlingError("stop() cannot be called from a subscription callback");
  }
  std::unique_ptr<Broker> broker = std::move(broker_);
  auto subscriptions = std::move(subscriptions_);
  subscriptions_.clear();
  {
    py::gil_scoped_release release;
    broker->stop();
    subscriptions.clear();
    broker.reset();
    dispatcher_->stop();
  }
  dropped_before_ += dispatcher_->dropped();
  dispatcher_.reset();
}

Broker& EmbeddedBroker::running_broker() const {
  if (!broker_) throw StarlingError("the broker is not running (call start() or use `with`)");
  return *broker_;
}

std::vector<Endpoint> EmbeddedBroker::endpoints() const {
  return running_broker().endpoints();
}

void EmbeddedBroker::publish(ApplicationMessage message) {
  Broker& broker = running_broker();
  Status published;
  {
    py::gil_scoped_release release;
    published = broker.publish(std::move(message));
  }
  if (!published.ok()) {
    if (published.error().message == "the broker is stopped") {
      throw StarlingError(published.error().message);
    }
    throw py::value_error(published.error().message);
  }
}

std::uint64_t EmbeddedBroker::subscribe(std::string filter, py::object callback, bool send_retained,
                                        bool retain_as_published) {
  Broker& broker = running_broker();
  if (!PyCallable_Check(callback.ptr())) throw py::type_error("the callback is not callable");
  SubscribeOptions options;
  options.send_retained = send_retained;
  options.retain_as_published = retain_as_published;
  // The broker's threads reach the callable only through the dispatcher,
  // under an id of ours, registered before the first message can come.
  const std::uint64_t id = next_id_++;
  dispatcher_->add(id, std::move(callback));
  std::shared_ptr<Dispatcher> dispatcher = dispatcher_;
  MessageCallback deliver = [dispatcher, id](const ApplicationMessage& message) {
    (void)dispatcher->post(id, message);
  };
  Result<std::unique_ptr<Subscription>> made = Error{};
  {
    py::gil_scoped_release release;
    made = broker.subscribe(std::move(filter), std::move(deliver), options);
  }
  if (!made.ok()) {
    dispatcher_->remove(id);
    if (made.error().message == "the broker is stopped") throw StarlingError(made.error().message);
    throw py::value_error(made.error().message);
  }
  subscriptions_.emplace(id, std::move(made).value());
  return id;
}

void EmbeddedBroker::unsubscribe(std::uint64_t id) {
  const auto found = subscriptions_.find(id);
  if (found == subscriptions_.end()) return;
  std::unique_ptr<Subscription> subscription = std::move(found->second);
  subscriptions_.erase(found);
  {
    py::gil_scoped_release release;
    subscription.reset();  // waits for running broker-side calls (never the GIL's)
  }
  if (dispatcher_) dispatcher_->remove(id);
}

std::uint64_t EmbeddedBroker::dropped() const {
  return dropped_before_ + (dispatcher_ ? dispatcher_->dropped() : 0);
}

}  // namespace starling::python
