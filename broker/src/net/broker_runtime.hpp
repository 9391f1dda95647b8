#pragma once
// The Broker behind the public API: workers, shards, listeners, and the
// graceful stop.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/broker_core.hpp"
#include "net/listener.hpp"
#include "net/worker.hpp"
#include "starling/broker.hpp"

namespace starling {

class BrokerRuntime final : public Broker {
 public:
  static Result<std::unique_ptr<Broker>> create(Options options);
  ~BrokerRuntime() override;

  std::vector<Endpoint> endpoints() const override;
  void stop() override;
  void wait() override;

  BrokerCore& core() { return *core_; }

 private:
  explicit BrokerRuntime(Options options);
  Status open_store();
  Status open_listeners();
  void start_threads();

  std::unique_ptr<BrokerCore> core_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::atomic<std::uint64_t> connection_numbers_{1};
  std::mutex stop_mutex_;
  std::condition_variable stopped_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace starling
