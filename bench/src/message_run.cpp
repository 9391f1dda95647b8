// The message scenarios. Phases: subscribers connect and subscribe;
// publishers connect; all publishers start together; the run ends when every
// publisher is done (count reached or deadline passed, every QoS 1/2 message
// acknowledged) and every due message has arrived — or when nothing moved for
// the drain timeout. Only then are the per-publisher sequences compared.
#include "message_run.hpp"

#include <unistd.h>

#include <algorithm>

#include "payload_stamp.hpp"
#include "process_stats.hpp"
#include "publisher.hpp"
#include "run_support.hpp"
#include "subscriber.hpp"

namespace starling::bench {
namespace {

// Who publishes where and who listens to whom.
struct Topology {
  std::vector<std::string> publisher_topics;
  std::vector<std::string> subscriber_filters;
  // The publishers subscriber i hears: all of them, or just publisher i.
  bool subscribers_hear_all = true;
};

Topology plan(const BenchOptions& options) {
  const std::string prefix = "bench/" + std::to_string(::getpid());
  Topology topology;
  switch (options.scenario) {
    case Scenario::kFanout:
      topology.publisher_topics = {prefix + "/fanout"};
      topology.subscriber_filters.assign(options.clients, prefix + "/fanout");
      break;
    case Scenario::kFanin:
      for (std::uint32_t i = 0; i < options.clients; ++i) {
        topology.publisher_topics.push_back(prefix + "/fanin/" + std::to_string(i));
      }
      topology.subscriber_filters = {prefix + "/fanin/+"};
      break;
    default:  // pairs, durable
      for (std::uint32_t i = 0; i < options.clients; ++i) {
        topology.publisher_topics.push_back(prefix + "/pairs/" + std::to_string(i));
        topology.subscriber_filters.push_back(prefix + "/pairs/" + std::to_string(i));
      }
      topology.subscribers_hear_all = false;
      break;
  }
  return topology;
}

std::vector<std::uint32_t> heard_by(const Topology& topology, std::size_t subscriber) {
  if (!topology.subscribers_hear_all) return {static_cast<std::uint32_t>(subscriber)};
  std::vector<std::uint32_t> all(topology.publisher_topics.size());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

// Compares what one subscriber got from one publisher with what was due.
void account(const Publisher& publisher, const SequenceTracker* tracker, std::uint8_t qos,
             RunResult& result) {
  const std::uint64_t sent = publisher.sent();
  std::uint64_t due = 0;
  std::uint64_t lost = 0;
  for (std::uint64_t seq = 0; seq < sent; ++seq) {
    const bool is_due = qos == 0 || publisher.acked(seq);
    if (!is_due) continue;
    ++due;
    if (tracker == nullptr || !tracker->received(seq)) ++lost;
  }
  result.expected += due;
  result.lost += lost;
  if (tracker != nullptr) {
    result.duplicated += tracker->duplicated();
    result.reordered += tracker->reordered();
  }
}

}  // namespace

RunResult run_messages(const BenchOptions& options) {
  RunResult result;
  auto broker = broker_endpoint(options);
  if (!broker) {
    result.setup_failed = true;
    result.error_samples.push_back(broker.error().message);
    return result;
  }
  const Topology topology = plan(options);
  result.publishers = static_cast<std::uint32_t>(topology.publisher_topics.size());
  result.subscribers = static_cast<std::uint32_t>(topology.subscriber_filters.size());
  const auto setup_timeout = std::chrono::duration<double>(std::max(30.0, options.drain_timeout_s));

  IoThreads threads(options.threads);
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  std::vector<std::unique_ptr<Publisher>> publishers;
  std::size_t connection_index = 0;
  for (std::size_t i = 0; i < topology.subscriber_filters.size(); ++i, ++connection_index) {
    subscribers.push_back(std::make_unique<Subscriber>(
        threads.at(i), connection_config(options, *broker, 's', connection_index),
        topology.subscriber_filters[i], options.qos));
  }
  const PublishSettings settings{.qos = options.qos,
                                 .payload = options.payload,
                                 .count = options.count,
                                 .rate = options.rate,
                                 .window = options.inflight};
  for (std::size_t i = 0; i < topology.publisher_topics.size(); ++i, ++connection_index) {
    publishers.push_back(std::make_unique<Publisher>(
        threads.at(i), connection_config(options, *broker, 'p', connection_index), settings,
        static_cast<std::uint32_t>(i), topology.publisher_topics[i]));
  }

  auto any_failed = [](const auto& connections) {
    return std::any_of(connections.begin(), connections.end(),
                       [](const auto& c) { return c->failed(); });
  };
  auto all_of = [](const auto& connections, auto predicate) {
    return std::all_of(connections.begin(), connections.end(),
                       [&](const auto& c) { return predicate(*c); });
  };

  // Phase 1 and 2: subscribers ready, then publishers connected.
  run_on_each<Subscriber>(threads, subscribers, [](Subscriber& s) { s.start(); });
  bool ready = wait_until(
      [&] {
        return any_failed(subscribers) || all_of(subscribers, [](auto& s) { return s.ready(); });
      },
      setup_timeout);
  if (ready && !any_failed(subscribers)) {
    run_on_each<Publisher>(threads, publishers, [](Publisher& p) { p.start(); });
    ready = wait_until(
        [&] {
          return any_failed(publishers) || all_of(publishers, [](auto& p) { return p.ready(); });
        },
        setup_timeout);
  }
  if (!ready || any_failed(subscribers) || any_failed(publishers)) {
    result.setup_failed = true;
    if (!ready) result.error_samples.push_back("timed out connecting and subscribing");
  }

  // Phase 3: publish and drain.
  const CpuTime cpu_start = own_cpu_time();
  const std::uint64_t start_ns = steady_now_ns();
  if (!result.setup_failed) {
    const std::uint64_t deadline_ns =
        options.duration_s > 0 ? start_ns + static_cast<std::uint64_t>(options.duration_s * 1e9)
                               : 0;
    run_on_each<Publisher>(threads, publishers,
                           [&](Publisher& p) { p.begin(start_ns, deadline_ns); });

    const auto drain_ns = static_cast<std::uint64_t>(options.drain_timeout_s * 1e9);
    std::uint64_t last_progress = 0;
    std::uint64_t last_change_ns = steady_now_ns();
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      const std::uint64_t now = steady_now_ns();
      std::uint64_t sent = 0, acked = 0, delivered = 0;
      bool publishers_done = true;
      for (const auto& p : publishers) {
        sent += p->sent();
        acked += p->acknowledged();
        publishers_done = publishers_done && p->done();
      }
      for (const auto& s : subscribers) delivered += s->delivered();
      const std::uint64_t progress = sent + acked + delivered;
      if (progress != last_progress) {
        last_progress = progress;
        last_change_ns = now;
      }
      const bool quiet = now - last_change_ns >= drain_ns;
      if (publishers_done) {
        // Due deliveries, counted the cheap way (the exact check is after the run).
        std::uint64_t due = 0;
        for (std::size_t i = 0; i < subscribers.size(); ++i) {
          for (std::uint32_t p : heard_by(topology, i)) {
            due += options.qos == 0 ? publishers[p]->sent() : publishers[p]->acknowledged();
          }
        }
        if (delivered >= due || quiet) break;
      } else if (quiet) {
        result.stalled = true;
        break;
      }
    }
    if (result.stalled) {
      run_on_each<Publisher>(threads, publishers, [](Publisher& p) { p.abandon(); });
    }
  }
  const std::uint64_t end_ns = steady_now_ns();
  const CpuTime cpu_end = own_cpu_time();

  run_on_each<Subscriber>(threads, subscribers, [](Subscriber& s) { s.close(); });
  run_on_each<Publisher>(threads, publishers, [](Publisher& p) { p.close(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let DISCONNECTs go out
  threads.stop();

  // Everything below reads connection state without the io threads.
  for (const auto& s : subscribers) {
    if (s->failed()) note_failure(result, *s);
  }
  for (const auto& p : publishers) {
    if (p->failed()) note_failure(result, *p);
  }
  result.cpu_user_s = cpu_end.user_s - cpu_start.user_s;
  result.cpu_system_s = cpu_end.system_s - cpu_start.system_s;
  result.wall_s = static_cast<double>(end_ns - start_ns) / 1e9;
  if (result.setup_failed) return result;

  LatencyHistogram latency;
  std::uint64_t last_receive_ns = 0;
  result.granted_qos = options.qos;
  for (std::size_t i = 0; i < subscribers.size(); ++i) {
    const Subscriber& s = *subscribers[i];
    for (std::uint32_t p : heard_by(topology, i))
      account(*publishers[p], s.tracker(p), options.qos, result);
    result.delivered += s.delivered();
    result.foreign += s.foreign();
    result.granted_qos = std::min(result.granted_qos, s.granted_qos());
    latency.merge(s.latency());
    last_receive_ns = std::max(last_receive_ns, s.last_receive_ns());
  }
  for (const auto& p : publishers) {
    result.sent += p->sent();
    result.acknowledged += p->acknowledged();
    result.rejected += p->rejected();
    if (options.qos > 0) result.unconfirmed += p->sent() - p->acknowledged() - p->rejected();
  }
  if (last_receive_ns > start_ns) {
    result.elapsed_s = static_cast<double>(last_receive_ns - start_ns) / 1e9;
    result.throughput = static_cast<double>(result.delivered) / result.elapsed_s;
  }
  result.latency_samples = latency.count();
  result.p50_ns = latency.quantile(0.50);
  result.p99_ns = latency.quantile(0.99);
  result.p999_ns = latency.quantile(0.999);
  result.max_ns = latency.max();
  return result;
}

}  // namespace starling::bench
