#include "session_driver.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/broker_core.hpp"
#include "core/client_connection.hpp"
#include "core/executor.hpp"
#include "core/shard.hpp"
#include "core/transport.hpp"
#include "protocol/decoder.hpp"
#include "protocol/encoder.hpp"
#include "starling/options.hpp"
#include "util/log.hpp"

namespace starling::fuzz {
namespace {

constexpr std::size_t kSlots = 4;
// Bounds the work one input can cause, so no input is slow for its size.
constexpr std::size_t kMaxSteps = 512;
constexpr std::size_t kMaxTasksPerRun = 100000;

class QueueExecutor : public Executor {
 public:
  void post(std::function<void()> task) override { tasks_.push_back(std::move(task)); }
  bool running_in_this_thread() const override { return running_; }

  bool run_one() {
    if (tasks_.empty()) return false;
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    running_ = true;
    task();
    running_ = false;
    return true;
  }

 private:
  std::deque<std::function<void()>> tasks_;
  bool running_ = false;
};

// Keeps what the broker writes until the driver has checked it.
class CheckedTransport : public Transport {
 public:
  std::string& output() override { return output_; }
  void flush() override {
    written_ += output_;
    output_.clear();
  }
  void close() override {
    flush();
    closed_ = true;
  }
  std::size_t backlog() const override { return 0; }
  const std::string& peer() const override { return peer_; }
  void pause_reading(std::chrono::steady_clock::duration) override {}

  bool closed() const { return closed_; }
  std::string& written() { return written_; }

 private:
  std::string output_;
  std::string written_;
  std::string peer_ = "fuzz:1";
  bool closed_ = false;
};

struct Connection {
  std::unique_ptr<CheckedTransport> transport = std::make_unique<CheckedTransport>();
  std::shared_ptr<ClientConnection> client;
  std::size_t shard = 0;
  bool lost = false;  // on_closed has been delivered
};

class Script {
 public:
  explicit Script(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool done() const { return bytes_.empty(); }
  std::uint8_t byte() {
    if (bytes_.empty()) return 0;
    std::uint8_t b = bytes_[0];
    bytes_ = bytes_.subspan(1);
    return b;
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    n = std::min(n, bytes_.size());
    auto taken = bytes_.first(n);
    bytes_ = bytes_.subspan(n);
    return taken;
  }

 private:
  std::span<const std::uint8_t> bytes_;
};

Options make_options(bool small) {
  Options options;
  options.log_level = "off";
  if (small) {
    options.mqtt.topic_alias_maximum = 2;
    options.mqtt.max_keep_alive = 30;
    options.limits.max_packet_size = 512;
    options.limits.receive_maximum = 2;
    options.limits.max_inflight = 2;
    options.limits.max_queued_messages = 4;
    options.limits.max_queued_bytes = 256;
    options.limits.connect_timeout_ms = 2000;
  }
  return options;
}

std::string connect_bytes(std::uint8_t kind, std::uint8_t id) {
  protocol::Connect connect;
  connect.client_id = "c" + std::to_string(id % 4);
  connect.keep_alive = 10;
  connect.version = kind == 1 ? protocol::Version::kV311 : protocol::Version::kV5;
  if (kind == 3) {
    connect.clean_start = false;
    connect.properties.session_expiry_interval = 5;
    connect.will = protocol::Will{.topic = "will/c", .payload = "gone", .qos = 1};
    connect.will->properties.will_delay_interval = 1;
  }
  std::string bytes;
  protocol::encode(connect, connect.version, bytes);
  return bytes;
}

class Driver {
 public:
  Driver(bool small_limits, std::size_t shard_count)
      : core_(std::make_unique<BrokerCore>(make_options(small_limits))), now_(SteadyClock::now()) {
    for (std::size_t i = 0; i < shard_count; ++i) {
      executors_.push_back(std::make_unique<QueueExecutor>());
      core_->add_shard(*executors_.back());
    }
  }

  ~Driver() {
    for (auto& slot : slots_) lose(slot);
    run_until_idle();
    // Past every session expiry and will delay the scripts can set.
    now_ += std::chrono::hours(1);
    tick();
    run_until_idle();
    retired_.clear();
    for (auto& slot : slots_) slot.reset();
    run_until_idle();
    core_.reset();
  }

  void run(Script& script) {
    for (std::size_t step = 0; step < kMaxSteps && !script.done() && failure_.empty(); ++step) {
      const std::uint8_t header = script.byte();
      const std::size_t slot = header & 3;
      const int action = (header >> 2) & 7;
      const std::uint8_t connect_kind = header >> 6;
      switch (action) {
        case 4:
          now_ += std::chrono::milliseconds(100 * script.byte());
          tick();
          break;
        case 5:
          lose(slots_[slot]);
          break;
        case 6:
          for (auto& executor : executors_) executor->run_one();
          break;
        case 7:
          open(slot, connect_kind, script.byte());
          break;
        default: {
          const std::uint8_t id = script.byte();
          if (!slots_[slot] || slots_[slot]->lost || slots_[slot]->transport->closed()) {
            open(slot, connect_kind, id);
          }
          std::size_t length = std::size_t{script.byte()} << 8;
          length |= script.byte();
          auto chunk = script.take(length);
          send(*slots_[slot], std::string(chunk.begin(), chunk.end()));
          break;
        }
      }
      if (action != 6) settle();
    }
  }

  const std::string& failure() const { return failure_; }

 private:
  Shard& shard_of(std::size_t slot) { return core_->shard(slot % core_->shard_count()); }

  void open(std::size_t slot, std::uint8_t connect_kind, std::uint8_t id) {
    if (slots_[slot]) {
      lose(slots_[slot]);
      retired_.push_back(std::move(slots_[slot]));
    }
    auto connection = std::make_unique<Connection>();
    connection->shard = slot % core_->shard_count();
    Connection* raw = connection.get();
    slots_[slot] = std::move(connection);
    post(raw->shard, [this, raw] {
      raw->client = std::make_shared<ClientConnection>(core_->shard(raw->shard), *raw->transport,
                                                       ++next_number_, listener_, now_);
    });
    if (connect_kind != 0) send(*raw, connect_bytes(connect_kind, id));
  }

  void send(Connection& connection, std::string bytes) {
    Connection* raw = &connection;
    post(connection.shard, [this, raw, bytes = std::move(bytes)] {
      if (raw->lost || raw->transport->closed()) return;  // no reads after close
      raw->client->on_bytes({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
                            now_);
    });
  }

  void lose(std::unique_ptr<Connection>& connection) {
    if (!connection || connection->lost) return;
    connection->lost = true;
    Connection* raw = connection.get();
    post(raw->shard, [this, raw] {
      if (raw->client) raw->client->on_closed(now_);
    });
  }

  void post(std::size_t shard, std::function<void()> task) {
    executors_[shard]->post(std::move(task));
  }

  void tick() {
    for (std::size_t i = 0; i < executors_.size(); ++i) {
      post(i, [this, i] { core_->shard(i).tick(now_); });
    }
  }

  void run_until_idle() {
    std::size_t ran = 0;
    bool any = true;
    while (any) {
      any = false;
      for (auto& executor : executors_) any = executor->run_one() || any;
      if (++ran > kMaxTasksPerRun) {
        failure_ = "the shards never went idle";
        return;
      }
    }
  }

  // Runs everything, checks what was written, and reports closes.
  void settle() {
    run_until_idle();
    for (auto& slot : slots_) {
      if (!slot || !slot->client) continue;
      check_written(*slot);
      if (slot->transport->closed()) lose(slot);
    }
    run_until_idle();
  }

  void check_written(Connection& connection) {
    std::string& written = connection.transport->written();
    auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(written.data()), written.size());
    std::size_t offset = 0;
    while (offset < bytes.size() && failure_.empty()) {
      auto rest = bytes.subspan(offset);
      auto split = protocol::split_frame(rest, std::size_t{1} << 28);
      if (split.status != protocol::FrameStatus::kComplete) {
        failure_ = "the broker flushed a partial or malformed frame";
        break;
      }
      auto decoded = protocol::decode(
          split.frame, rest.subspan(split.frame.header_size, split.frame.remaining_length),
          connection.client->version());
      if (!decoded) {
        failure_ = "the broker wrote a packet of type " +
                   std::to_string(split.frame.first_byte >> 4) +
                   " that does not decode: " + decoded.error().message;
      }
      offset += split.frame.size();
    }
    written.clear();
  }

  // Declared first, destroyed last: queued tasks may hold sessions.
  std::vector<std::unique_ptr<QueueExecutor>> executors_;
  ListenerOptions listener_;
  std::unique_ptr<BrokerCore> core_;
  TimePoint now_;
  std::unique_ptr<Connection> slots_[kSlots];
  std::vector<std::unique_ptr<Connection>> retired_;
  std::uint64_t next_number_ = 0;
  std::string failure_;
};

}  // namespace

std::string drive_sessions(std::span<const std::uint8_t> input) {
  log::set_level(log::Level::kOff);  // a line per connect would swamp the fuzzer
  Script script(input);
  const std::uint8_t options = script.byte();
  Driver driver((options & 1) != 0, (options & 2) != 0 ? 2 : 1);
  driver.run(script);
  return driver.failure();
}

}  // namespace starling::fuzz
