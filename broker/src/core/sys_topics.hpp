#pragma once
// SysTopics: the $SYS/broker/... tree, named and meant as Mosquitto's (see
// docs/configuration.md, "$SYS topics"). Every sys_interval seconds it reads
// BrokerStats and the routing structures and publishes each figure whose
// value changed since it last went out, as a retained QoS 0 message (so a
// new subscriber gets the current tree at once). $SYS/broker/version goes
// out once, at start.
//
// Threading: everything runs on the home shard's thread (start() posted
// there, tick() from that shard's once-a-second tick).
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/message.hpp"

namespace starling {

class BrokerCore;
class Shard;

// An exponentially weighted moving average of a rate per minute over 1, 5
// and 15 minutes, like a Unix load average: each update folds in the rate
// seen since the last one with weight 1 - e^(-elapsed / window).
class LoadAverage {
 public:
  // `count` is the counter's running total at `elapsed` after the last update.
  void update(std::uint64_t count, std::chrono::duration<double> elapsed);
  // Per minute over 1, 5, 15 minutes.
  const std::array<double, 3>& per_minute() const { return averages_; }

 private:
  std::uint64_t last_count_ = 0;
  bool primed_ = false;
  std::array<double, 3> averages_{0.0, 0.0, 0.0};
};

class SysTopics {
 public:
  // `home`: the shard that publishes. `interval`: sys_interval, > 0.
  SysTopics(BrokerCore& core, Shard& home, std::chrono::seconds interval, TimePoint started);
  SysTopics(const SysTopics&) = delete;
  SysTopics& operator=(const SysTopics&) = delete;

  Shard& home() { return home_; }

  // Publishes the version and the first figures. REQUIRES: home's thread.
  void start(TimePoint now);
  // Publishes the figures when an interval has passed since the last time.
  // REQUIRES: home's thread.
  void tick(TimePoint now);

 private:
  void publish_figures(TimePoint now);
  // Publishes `value` on "$SYS/broker/<name>" unless it is what went out last.
  void publish(std::string_view name, std::string value);
  void publish_load(std::string_view name, const LoadAverage& load);

  BrokerCore& core_;
  Shard& home_;
  const std::chrono::seconds interval_;
  const TimePoint started_;
  TimePoint last_published_{};
  std::unordered_map<std::string, std::string> last_values_;  // topic -> payload
  LoadAverage messages_received_;
  LoadAverage messages_sent_;
  LoadAverage publish_received_;
  LoadAverage publish_sent_;
  LoadAverage publish_dropped_;
  LoadAverage bytes_received_;
  LoadAverage bytes_sent_;
  LoadAverage connections_;
};

}  // namespace starling
