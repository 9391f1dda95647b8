#include "net/broker_runtime.hpp"

#include <chrono>
#include <thread>

#include "admin/http_routes.hpp"
#include "config/log_settings.hpp"
#include "config/option_values.hpp"
#include "core/broker_message.hpp"
#include "core/client_connection.hpp"
#include "protocol/utf8.hpp"
#include "routing/topic.hpp"
#include "util/log.hpp"

namespace starling {
namespace {

class LocalSubscription final : public Subscription {
 public:
  LocalSubscription(std::weak_ptr<LocalSubscribers> registry, LocalSubscriberPtr subscriber)
      : registry_(std::move(registry)), subscriber_(std::move(subscriber)) {}
  ~LocalSubscription() override { unsubscribe(); }

  void unsubscribe() override {
    if (std::shared_ptr<LocalSubscribers> registry = registry_.lock()) {
      registry->remove(subscriber_);
    } else {
      subscriber_->active.store(false, std::memory_order_release);
    }
  }
  std::uint64_t id() const override { return subscriber_->id; }

 private:
  const std::weak_ptr<LocalSubscribers> registry_;
  const LocalSubscriberPtr subscriber_;
};

}  // namespace

Result<std::unique_ptr<Broker>> Broker::start(Options options) {
  return BrokerRuntime::create(std::move(options));
}

BrokerRuntime::BrokerRuntime(Options options)
    : core_(std::make_unique<BrokerCore>(std::move(options))) {}

Result<std::unique_ptr<Broker>> BrokerRuntime::create(Options options, StoreOpener open_store) {
  if (options.listeners.empty()) options.listeners.push_back(ListenerOptions{});
  if (auto logging = apply_log_settings(options); !logging.ok()) return logging.error();
  if (auto policy = check_queue_full_policy(options.limits.queue_full_policy); !policy.ok()) {
    return Error{1, "limits.queue_full_policy: " + policy.error().message};
  }
  for (const ListenerOptions& listener : options.listeners) {
    if (auto valid = check_listener(listener); !valid.ok()) {
      return Error{1, "listener " + listener.type + " " + listener.bind + ": " + valid.error().message};
    }
  }
  if (options.http.enabled) {
    if (auto valid = check_http(options.http); !valid.ok()) {
      return Error{1, "http: " + valid.error().message};
    }
  }
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<BrokerRuntime> runtime(new BrokerRuntime(std::move(options)));
  runtime->store_opener_ = open_store ? std::move(open_store) : &storage::open_rocksdb_store;
  for (unsigned i = 0; i < threads; ++i) {
    runtime->workers_.push_back(std::make_unique<Worker>(i));
    runtime->core_->add_shard(*runtime->workers_.back());
  }
  runtime->local_subscribers_ = std::make_shared<LocalSubscribers>(threads);
  runtime->core_->set_local_subscribers(runtime->local_subscribers_.get());
  if (auto status = runtime->open_store(); !status.ok()) return status.error();
  if (auto status = runtime->load_plugins(); !status.ok()) return status.error();
  if (auto status = runtime->open_listeners(); !status.ok()) return status.error();
  if (auto status = runtime->open_http(); !status.ok()) return status.error();
  runtime->start_threads();
  return std::unique_ptr<Broker>(std::move(runtime));
}

BrokerRuntime::~BrokerRuntime() { stop(); }

Status BrokerRuntime::open_store() {
  const StorageOptions& storage = core_->options().storage;
  if (storage.durability == "memory") {
    STARLING_LOG(kInfo) << "storage: memory only (nothing survives a restart)";
    return {};
  }
  const bool sync = storage.durability == "sync";
  if (!sync && storage.durability != "batched") {
    return Error{1, "unknown storage durability '" + storage.durability + "'"};
  }
  const std::string& directory = core_->options().data_dir;
  auto store = store_opener_(directory, sync ? 0 : storage.batched_flush_ms);
  if (!store.ok()) return Error{1, "cannot open the data directory: " + store.error().message};
  auto snapshot = store.value()->load();
  if (!snapshot.ok()) return Error{1, "cannot read the data directory: " + snapshot.error().message};
  core_->set_store(std::move(store).value(), sync);
  STARLING_LOG(kInfo) << "storage: RocksDB in '" << directory << "', durability " << storage.durability;
  return core_->restore(std::move(snapshot).value());
}

Status BrokerRuntime::load_plugins() {
  if (core_->options().plugins.empty()) return {};
  plugin_services_ = std::make_unique<PluginServices>(*core_);
  auto host = plugin_host::PluginHost::load(core_->options().plugins, *plugin_services_);
  if (!host.ok()) return host.error();
  plugins_ = std::move(host).value();
  core_->set_plugins(plugins_.get());
  return {};
}

Status BrokerRuntime::open_listeners() {
  const LimitOptions& limits = core_->options().limits;
  listener_shared_.reset(new ListenerShared{
      *core_, connection_numbers_, std::make_shared<ConnectionCounter>(limits.max_connections), {},
      TokenBucket(limits.max_connect_rate)});
  std::vector<Worker*> workers;
  for (auto& w : workers_) workers.push_back(w.get());
  for (const ListenerOptions& options : core_->options().listeners) {
    // Each listener accepts on its own worker, round-robin, to spread accept load.
    Worker& acceptor = *workers_[listeners_.size() % workers_.size()];
    auto listener = Listener::open(options, acceptor, workers, *listener_shared_);
    if (!listener.ok()) return listener.error();
    listeners_.push_back(std::move(listener).value());
  }
  return {};
}

Status BrokerRuntime::open_http() {
  const HttpOptions& http = core_->options().http;
  if (!http.enabled) return {};
  http_routes_ = std::make_unique<admin::HttpRoutes>(*core_, http.admin_token, [this] {
    std::vector<admin::ListenerFigures> figures;
    for (const auto& listener : listeners_) {
      const Listener::Figures f = listener->figures();
      figures.push_back({listener->options().type == "unix"
                             ? "unix:" + listener->options().bind
                             : listener->options().type + "://" + listener->options().bind,
                         f.open, f.accepted, f.refused});
    }
    return figures;
  });
  // The worker after the MQTT listeners' acceptors, to spread the accept load.
  Worker& worker = *workers_[listeners_.size() % workers_.size()];
  auto server = HttpServer::open(http, worker, *http_routes_);
  if (!server.ok()) return server.error();
  http_server_ = std::move(server).value();
  return {};
}

void BrokerRuntime::start_threads() {
  if (const std::uint32_t interval = core_->options().sys_interval; interval > 0) {
    sys_topics_ = std::make_unique<SysTopics>(*core_, core_->shard(0),
                                              std::chrono::seconds(interval), SteadyClock::now());
    core_->set_sys_topics(sys_topics_.get());
    workers_[0]->post([sys = sys_topics_.get()] { sys->start(SteadyClock::now()); });
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) workers_[i]->start(core_->shard(i));
  for (auto& listener : listeners_) {
    listener->start();
    Endpoint e = listener->endpoint();
    if (e.type == "unix") {
      STARLING_LOG(kInfo) << "listening on unix:" << e.host;
      continue;
    }
    bool v6 = e.host.find(':') != std::string::npos;
    STARLING_LOG(kInfo) << "listening on " << e.type << "://" << (v6 ? "[" : "") << e.host
                        << (v6 ? "]" : "") << ":" << e.port;
  }
  if (http_server_) {
    http_server_->start();
    const Endpoint e = http_server_->endpoint();
    const bool v6 = e.host.find(':') != std::string::npos;
    STARLING_LOG(kInfo) << "http listening on http://" << (v6 ? "[" : "") << e.host
                        << (v6 ? "]" : "") << ":" << e.port << " (metrics at /metrics, admin API "
                        << (core_->options().http.admin_token.empty() ? "off" : "at /api/v1/")
                        << ")";
  }
  STARLING_LOG(kInfo) << "starling running with " << workers_.size() << " worker thread"
                      << (workers_.size() == 1 ? "" : "s");
  std::unique_lock lock(api_mutex_);
  accepting_ = true;
}

Status BrokerRuntime::publish(ApplicationMessage message) {
  auto built = make_broker_message(std::move(message), core_->options(), SteadyClock::now());
  if (!built.ok()) return built.error();
  std::shared_lock lock(api_mutex_);
  if (!accepting_) return Error{1, "the broker is stopped"};
  // One shard per topic, so messages published in-process keep their order
  // per topic (MQTT's ordering guarantee), as a client's do on its thread.
  const std::size_t index = std::hash<std::string>{}(built.value()->topic) % workers_.size();
  Shard& shard = core_->shard(index);
  shard.executor().post([&core = *core_, &shard, routed = MessagePtr(std::move(built).value())] {
    if (routed->retain) core.retain(routed);
    shard.route(routed);
  });
  return {};
}

Result<std::unique_ptr<Subscription>> BrokerRuntime::subscribe(std::string filter,
                                                               MessageCallback callback,
                                                               SubscribeOptions options) {
  if (filter.starts_with("$share/")) {
    return Error{1, "'" + filter + "': shared subscriptions are not available in-process"};
  }
  if (!routing::is_valid_topic_filter(filter) || !protocol::is_valid_mqtt_utf8(filter)) {
    return Error{1, "invalid topic filter '" + filter +
                        "': '#' only as the whole last level, '+' only as a whole level"};
  }
  if (!callback) return Error{1, "subscribe: the callback is empty"};
  std::shared_lock lock(api_mutex_);
  if (!accepting_) return Error{1, "the broker is stopped"};
  LocalSubscriberPtr subscriber = local_subscribers_->add(filter, std::move(callback), options);
  if (options.send_retained) {
    std::vector<MessagePtr> retained = core_->retained_matching(filter);
    if (!retained.empty()) {
      const std::size_t index =
          next_shard_.fetch_add(1, std::memory_order_relaxed) % workers_.size();
      core_->shard(index).executor().post([subscriber, retained = std::move(retained)] {
        const TimePoint now = SteadyClock::now();
        for (const MessagePtr& message : retained) {
          LocalSubscribers::deliver(*subscriber, *message, true, now);
        }
      });
    }
  }
  return std::unique_ptr<Subscription>(
      new LocalSubscription(local_subscribers_, std::move(subscriber)));
}

Status BrokerRuntime::reload_certificates() {
  Status result;
  for (auto& listener : listeners_) {
    if (auto status = listener->reload_tls(); !status.ok()) {
      STARLING_LOG(kError) << "certificate reload: " << status.error().message
                           << " (the listener keeps its current certificate)";
      if (result.ok()) result = status;
    }
  }
  return result;
}

Status BrokerRuntime::reload_plugins() {
  if (!plugins_) return {};
  auto status = plugins_->reload();
  if (!status.ok()) STARLING_LOG(kError) << status.error().message;
  return status;
}

Result<PluginOptionsUpdate> BrokerRuntime::update_plugin_options(
    const std::vector<PluginOptions>& plugins) {
  if (!plugins_) {
    if (plugins.empty()) return PluginOptionsUpdate{};
    return Error{1, "the plugin list changed (0 plugins, now " + std::to_string(plugins.size()) +
                        "): a restart applies it"};
  }
  return plugins_->update_options(plugins);
}

std::vector<Endpoint> BrokerRuntime::endpoints() const {
  std::vector<Endpoint> result;
  for (const auto& listener : listeners_) result.push_back(listener->endpoint());
  if (http_server_) result.push_back(http_server_->endpoint());
  return result;
}

void BrokerRuntime::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  {
    std::unique_lock lock(api_mutex_);
    accepting_ = false;
  }
  STARLING_LOG(kInfo) << "shutting down";
  for (auto& listener : listeners_) listener->stop();
  if (http_server_) http_server_->stop();
  // Every connection gets DISCONNECT 0x8B (v5) and its will, on its own thread.
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    Shard& shard = core_->shard(i);
    workers_[i]->post([&shard] {
      std::vector<ClientConnection*> connections(shard.connections().begin(),
                                                 shard.connections().end());
      TimePoint now = SteadyClock::now();
      for (ClientConnection* c : connections) {
        c->disconnect(protocol::ReasonCode::kServerShuttingDown, now);
      }
    });
  }
  // Give the DISCONNECTs and wills a moment to reach the wire.
  auto deadline = SteadyClock::now() + std::chrono::seconds(2);
  while (core_->stats().connections_current.load() > 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& worker : workers_) worker->stop_and_join();
  if (local_subscribers_) local_subscribers_->deactivate_all();
  core_->set_sys_topics(nullptr);
  // Every hook call has returned: the plugins' cleanup may run. Their own
  // threads may still answer or publish until cleanup has joined them, so
  // the (stopped) workers they post to must still exist.
  core_->set_plugins(nullptr);
  plugins_.reset();
  // The flush is a barrier: every write completion before it has run, and
  // those post to the workers' executors, which must still exist.
  if (core_->store() != nullptr) {
    if (auto flushed = core_->store()->flush(); !flushed.ok()) {
      STARLING_LOG(kError) << "storage: final flush failed: " << flushed.error().message;
    }
  }
  listeners_.clear();
  http_server_.reset();  // before its worker's io_context goes
  workers_.clear();
  http_routes_.reset();
  {
    std::lock_guard lock(stop_mutex_);
    stopped_ = true;
  }
  stopped_cv_.notify_all();
  STARLING_LOG(kInfo) << "stopped";
}

void BrokerRuntime::wait() {
  std::unique_lock lock(stop_mutex_);
  stopped_cv_.wait(lock, [this] { return stopped_; });
}

}  // namespace starling
