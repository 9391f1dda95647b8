#include "test_broker.hpp"

#include <utility>

#include "core/shard.hpp"

namespace starling::testing {

TestBroker::TestBroker(Options options, std::size_t shard_count)
    : core_(std::make_unique<BrokerCore>(std::move(options))), now_(SteadyClock::now()) {
  for (std::size_t i = 0; i < shard_count; ++i) {
    executors_.push_back(std::make_unique<ManualExecutor>());
    core_->add_shard(*executors_.back());
  }
}

void TestBroker::run_until_idle() {
  bool ran = true;
  while (ran) {
    ran = false;
    for (auto& executor : executors_) ran = executor->run_one() || ran;
  }
}

void TestBroker::run_on(std::size_t i, std::function<void()> task) {
  executors_[i]->post(std::move(task));
  run_until_idle();
}

void TestBroker::tick() {
  for (std::size_t i = 0; i < executors_.size(); ++i) {
    executors_[i]->post([this, i] { core_->shard(i).tick(now_); });
  }
  run_until_idle();
}

}  // namespace starling::testing
