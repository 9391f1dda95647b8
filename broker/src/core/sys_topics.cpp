#include "core/sys_topics.hpp"

#include <cmath>
#include <cstdio>
#include <memory>
#include <utility>

#include "core/broker_core.hpp"
#include "core/shard.hpp"
#include "starling/version.hpp"

namespace starling {
namespace {

constexpr std::array<double, 3> kWindowMinutes = {1.0, 5.0, 15.0};
constexpr std::array<std::string_view, 3> kWindowNames = {"1min", "5min", "15min"};
// The once-a-second tick may run a little late or early relative to the
// last publication; an interval counts as over within this margin.
constexpr auto kTickSlack = std::chrono::milliseconds(100);

std::uint64_t read(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

std::uint64_t read_non_negative(const std::atomic<std::int64_t>& counter) {
  const std::int64_t value = counter.load(std::memory_order_relaxed);
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

std::string two_decimals(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

}  // namespace

void LoadAverage::update(std::uint64_t count, std::chrono::duration<double> elapsed) {
  const std::uint64_t delta = count >= last_count_ ? count - last_count_ : 0;
  last_count_ = count;
  if (!primed_) {
    // What happened before the first reading is not a rate.
    primed_ = true;
    return;
  }
  const double seconds = elapsed.count();
  if (seconds <= 0.0) return;
  const double per_minute = static_cast<double>(delta) * 60.0 / seconds;
  for (std::size_t i = 0; i < averages_.size(); ++i) {
    const double decay = std::exp(-seconds / (kWindowMinutes[i] * 60.0));
    averages_[i] = averages_[i] * decay + per_minute * (1.0 - decay);
  }
}

SysTopics::SysTopics(BrokerCore& core, Shard& home, std::chrono::seconds interval,
                     TimePoint started)
    : core_(core), home_(home), interval_(interval), started_(started) {}

void SysTopics::start(TimePoint now) {
  publish("version", std::string("starling version ") + kVersion);
  publish_figures(now);
}

void SysTopics::tick(TimePoint now) {
  if (now - last_published_ + kTickSlack >= interval_) publish_figures(now);
}

void SysTopics::publish_figures(TimePoint now) {
  const BrokerStats& stats = core_.stats();
  const std::chrono::duration<double> elapsed = now - last_published_;
  last_published_ = now;

  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(now - started_).count();
  publish("uptime", std::to_string(uptime) + " seconds");

  // "total" is every session the broker holds: the connected clients plus
  // the offline sessions kept for a reconnect ("disconnected").
  const std::uint64_t connected = read_non_negative(stats.clients_connected);
  const std::uint64_t total = core_.session_count();
  publish("clients/connected", std::to_string(connected));
  publish("clients/disconnected", std::to_string(total > connected ? total - connected : 0));
  publish("clients/total", std::to_string(total));
  publish("clients/maximum", std::to_string(read_non_negative(stats.clients_maximum)));
  publish("clients/expired", std::to_string(read(stats.sessions_expired)));

  const std::uint64_t packets_received = read(stats.packets_received);
  const std::uint64_t packets_sent = read(stats.packets_sent);
  const std::uint64_t publish_received = read(stats.messages_received);
  const std::uint64_t publish_sent = read(stats.messages_sent);
  const std::uint64_t dropped = read(stats.messages_dropped_queue_full) +
                                read(stats.messages_dropped_expired) +
                                read(stats.messages_dropped_too_large);
  const std::uint64_t bytes_received = read(stats.bytes_received);
  const std::uint64_t bytes_sent = read(stats.bytes_sent);
  const std::uint64_t connections = read(stats.connections_total);
  publish("messages/received", std::to_string(packets_received));
  publish("messages/sent", std::to_string(packets_sent));
  publish("publish/messages/received", std::to_string(publish_received));
  publish("publish/messages/sent", std::to_string(publish_sent));
  publish("publish/messages/dropped", std::to_string(dropped));
  publish("publish/bytes/received", std::to_string(read(stats.publish_bytes_received)));
  publish("publish/bytes/sent", std::to_string(read(stats.publish_bytes_sent)));
  publish("bytes/received", std::to_string(bytes_received));
  publish("bytes/sent", std::to_string(bytes_sent));
  publish("retained messages/count", std::to_string(core_.retained_count()));
  // Every shard holds a full replica of the subscriptions; this is home's.
  publish("subscriptions/count", std::to_string(home_.subscriptions().subscription_count()));

  messages_received_.update(packets_received, elapsed);
  messages_sent_.update(packets_sent, elapsed);
  publish_received_.update(publish_received, elapsed);
  publish_sent_.update(publish_sent, elapsed);
  publish_dropped_.update(dropped, elapsed);
  bytes_received_.update(bytes_received, elapsed);
  bytes_sent_.update(bytes_sent, elapsed);
  connections_.update(connections, elapsed);
  publish_load("messages/received", messages_received_);
  publish_load("messages/sent", messages_sent_);
  publish_load("publish/received", publish_received_);
  publish_load("publish/sent", publish_sent_);
  publish_load("publish/dropped", publish_dropped_);
  publish_load("bytes/received", bytes_received_);
  publish_load("bytes/sent", bytes_sent_);
  publish_load("connections", connections_);
}

void SysTopics::publish_load(std::string_view name, const LoadAverage& load) {
  for (std::size_t i = 0; i < kWindowNames.size(); ++i) {
    publish("load/" + std::string(name) + "/" + std::string(kWindowNames[i]),
            two_decimals(load.per_minute()[i]));
  }
}

void SysTopics::publish(std::string_view name, std::string value) {
  std::string topic = "$SYS/broker/" + std::string(name);
  auto [last, inserted] = last_values_.try_emplace(topic);
  if (!inserted && last->second == value) return;
  last->second = value;
  auto message = std::make_shared<Message>();
  message->topic = std::move(topic);
  message->payload = std::move(value);
  message->retain = true;
  core_.publish_sys(message, home_);
}

}  // namespace starling
