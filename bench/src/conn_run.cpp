#include "conn_run.hpp"

#include <algorithm>

#include "idle_client.hpp"
#include "process_stats.hpp"
#include "run_support.hpp"

namespace starling::bench {
namespace {
constexpr std::size_t kConnectingAtOnce = 256;
constexpr auto kSettle = std::chrono::milliseconds(500);  // before reading RSS
}  // namespace

RunResult run_connections(const BenchOptions& options) {
  RunResult result;
  auto broker = broker_endpoint(options);
  if (!broker) {
    result.setup_failed = true;
    result.error_samples.push_back(broker.error().message);
    return result;
  }
  if (options.broker_pid != 0) result.rss_before = resident_bytes(options.broker_pid);

  IoThreads threads(options.threads);
  std::vector<std::unique_ptr<IdleClient>> clients;
  for (std::size_t i = 0; i < options.clients; ++i) {
    clients.push_back(
        std::make_unique<IdleClient>(threads.at(i), connection_config(options, *broker, 'c', i)));
  }

  const CpuTime cpu_start = own_cpu_time();
  const std::uint64_t start_ns = steady_now_ns();
  // Keep at most kConnectingAtOnce handshakes outstanding; give up when
  // nothing completes for the drain timeout.
  std::size_t started = 0;
  std::size_t finished = 0;  // connected or failed
  std::uint64_t last_change_ns = start_ns;
  const auto drain_ns = static_cast<std::uint64_t>(options.drain_timeout_s * 1e9);
  while (finished < clients.size()) {
    while (started < clients.size() && started - finished < kConnectingAtOnce) {
      IdleClient* client = clients[started].get();
      boost::asio::post(threads.at(started), [client] { client->start(); });
      ++started;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::size_t now_finished = 0;
    for (std::size_t i = 0; i < started; ++i) {
      if (clients[i]->connected() || clients[i]->failed()) ++now_finished;
    }
    const std::uint64_t now = steady_now_ns();
    if (now_finished != finished) {
      finished = now_finished;
      last_change_ns = now;
    } else if (now - last_change_ns >= drain_ns) {
      result.stalled = true;
      result.error_samples.push_back("connections stopped completing");
      break;
    }
  }
  const std::uint64_t connected_ns = steady_now_ns();
  const CpuTime cpu_end = own_cpu_time();

  std::this_thread::sleep_for(kSettle);
  if (options.broker_pid != 0) result.rss_after = resident_bytes(options.broker_pid);
  const double hold_s = std::max(0.0, options.duration_s - 0.5);
  std::this_thread::sleep_for(std::chrono::duration<double>(hold_s));

  // Count before closing: failures seen so far are the broker's doing.
  std::uint64_t last_connack_ns = start_ns;
  for (const auto& client : clients) {
    if (client->connected()) ++result.connected;
    if (client->connected() && client->lost()) ++result.dropped;
  }
  run_on_each<IdleClient>(threads, clients, [](IdleClient& c) { c.close(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  threads.stop();

  for (const auto& client : clients) {
    if (client->failed()) note_failure(result, *client);
    if (client->connected()) last_connack_ns = std::max(last_connack_ns, client->connack_ns());
  }
  result.wall_s = static_cast<double>(connected_ns - start_ns) / 1e9;
  result.cpu_user_s = cpu_end.user_s - cpu_start.user_s;
  result.cpu_system_s = cpu_end.system_s - cpu_start.system_s;
  result.connect_s = static_cast<double>(last_connack_ns - start_ns) / 1e9;
  if (result.connect_s > 0) result.connect_rate = result.connected / result.connect_s;
  if (result.rss_before && result.rss_after && result.connected > 0) {
    result.rss_per_connection =
        (static_cast<double>(*result.rss_after) - static_cast<double>(*result.rss_before)) /
        result.connected;
  }
  return result;
}

}  // namespace starling::bench
