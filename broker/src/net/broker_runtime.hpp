#pragma once
// The Broker behind the public API: workers, shards, listeners, and the
// graceful stop.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/broker_core.hpp"
#include "core/plugin_services.hpp"
#include "core/sys_topics.hpp"
#include "net/http_server.hpp"
#include "net/listener.hpp"
#include "net/worker.hpp"
#include "starling/broker.hpp"

namespace starling {

namespace admin {
class HttpRoutes;
}

class BrokerRuntime final : public Broker {
 public:
  // Opens the store in `directory` for durable modes. Tests pass one that
  // injects faults; the default opens RocksDB (storage::open_rocksdb_store).
  using StoreOpener = std::function<Result<std::unique_ptr<storage::Store>>(
      const std::string& directory, std::uint32_t batched_flush_ms)>;

  static Result<std::unique_ptr<Broker>> create(Options options, StoreOpener open_store = {});
  ~BrokerRuntime() override;

  std::vector<Endpoint> endpoints() const override;
  void stop() override;
  void wait() override;
  Status reload_certificates() override;
  Status reload_plugins() override;
  Status publish(ApplicationMessage message) override;
  Result<std::unique_ptr<Subscription>> subscribe(std::string filter, MessageCallback callback,
                                                  SubscribeOptions options) override;

  Result<PluginOptionsUpdate> update_plugin_options(
      const std::vector<PluginOptions>& plugins) override;

  BrokerCore& core() { return *core_; }

 private:
  explicit BrokerRuntime(Options options);
  Status open_store();
  Status load_plugins();
  Status open_listeners();
  Status open_http();  // the [http] listener, when enabled
  void start_threads();

  std::unique_ptr<BrokerCore> core_;
  StoreOpener store_opener_;
  std::unique_ptr<PluginServices> plugin_services_;
  std::unique_ptr<SysTopics> sys_topics_;  // sys_interval > 0; runs on worker 0
  std::unique_ptr<plugin_host::PluginHost> plugins_;  // destroyed once the workers stopped
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<ListenerShared> listener_shared_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  // [http]: the routes outlive the server, whose connections call them.
  std::unique_ptr<admin::HttpRoutes> http_routes_;
  std::unique_ptr<HttpServer> http_server_;
  std::atomic<std::uint64_t> connection_numbers_{1};
  // Shared with the Subscription handles, which may outlive the broker.
  std::shared_ptr<LocalSubscribers> local_subscribers_;
  std::atomic<std::size_t> next_shard_{0};  // embedder publishes spread over the shards
  // publish() and subscribe() post to the workers only while accepting_,
  // under a shared lock; stop() clears it exclusively before the workers go.
  std::shared_mutex api_mutex_;
  bool accepting_ = false;
  std::mutex stop_mutex_;
  std::condition_variable stopped_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace starling
