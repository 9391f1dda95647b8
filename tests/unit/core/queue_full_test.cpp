// A subscriber's full queue, end to end in the core: which message goes
// under limits.queue_full_policy, the store and the statistics, and the
// rate-limited log line that makes the drops visible.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/broker_core.hpp"
#include "storage/store.hpp"
#include "test_broker.hpp"
#include "test_client.hpp"
#include "util/log.hpp"

namespace starling::testing {
namespace {

using protocol::Version;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// Collects the warnings logged while it lives.
class CapturedWarnings {
 public:
  CapturedWarnings()
      : previous_(log::set_sink([this](log::Level level, std::string_view line) {
          if (level < log::Level::kWarn) return;
          std::lock_guard lock(mutex_);
          lines_.emplace_back(line);
        })) {}
  ~CapturedWarnings() { log::set_sink(std::move(previous_)); }
  CapturedWarnings(const CapturedWarnings&) = delete;
  CapturedWarnings& operator=(const CapturedWarnings&) = delete;

  // The lines that contain `text`.
  std::vector<std::string> matching(const std::string& text) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> found;
    for (const std::string& line : lines_) {
      if (line.find(text) != std::string::npos) found.push_back(line);
    }
    return found;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  log::Sink previous_;
};

protocol::Connect persistent_connect(std::string client_id) {
  protocol::Connect connect = connect_packet(Version::kV5, std::move(client_id), true);
  connect.properties.session_expiry_interval = 600;
  return connect;
}

// A persistent subscriber to "t" at QoS 1 that has gone offline.
void offline_subscriber(TestBroker& broker, const std::string& id) {
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect(persistent_connect(id));
  subscriber.subscribe("t", 1);
  subscriber.send(protocol::Disconnect{});
}

void publish_qos1(TestBroker& broker, const std::vector<std::string>& payloads) {
  TestClient publisher(broker, Version::kV5);
  publisher.connect("publisher");
  std::uint16_t id = 1;
  for (const std::string& payload : payloads) {
    publisher.send(publish_packet("t", payload, 1, id++));
    (void)publisher.received();
  }
}

std::vector<std::string> delivered_on_return(TestBroker& broker, const std::string& id) {
  TestClient subscriber(broker, Version::kV5);
  protocol::Connect connect = persistent_connect(id);
  connect.clean_start = false;
  subscriber.send(connect);
  std::vector<std::string> found;
  for (protocol::Packet& packet : subscriber.received()) {
    if (auto* publish = std::get_if<protocol::Publish>(&packet)) found.push_back(publish->payload);
  }
  return found;
}

// Keeps what the core stores, applied at once on the submitting thread (the
// manual executors are not thread-safe, so no writer thread).
class InlineStore final : public storage::Store {
 public:
  void submit(storage::WriteBatch batch, bool, Completion done) override {
    for (const storage::WriteBatch::Op& op : batch.ops()) {
      if (auto* message = std::get_if<storage::WriteBatch::Box<storage::StoredMessage>>(&op)) {
        messages[(*message)->id] = (*message)->payload;
      } else if (auto* gone = std::get_if<storage::WriteBatch::DeleteMessage>(&op)) {
        messages.erase(gone->id);
      } else if (auto* entry = std::get_if<storage::StoredOutbound>(&op)) {
        outbound.insert({entry->client_id, entry->message_id});
      } else if (auto* removed = std::get_if<storage::WriteBatch::DeleteOutbound>(&op)) {
        outbound.erase({removed->client_id, removed->message_id});
      }
    }
    if (done) done(Status{});
  }
  Status flush() override { return {}; }
  Result<storage::Snapshot> load() override { return storage::Snapshot{}; }

  std::map<storage::MessageId, std::string> messages;             // id -> payload
  std::set<std::pair<std::string, storage::MessageId>> outbound;  // (client id, message id)
};

TEST(QueueFull, DropNewKeepsTheOldestMessagesForAnOfflineSubscriber) {
  Options options;
  options.limits.max_queued_messages = 2;
  TestBroker broker(options);
  offline_subscriber(broker, "s");
  publish_qos1(broker, {"1", "2", "3", "4"});

  EXPECT_EQ(broker.core().stats().messages_dropped_queue_full.load(), 2u);
  EXPECT_THAT(delivered_on_return(broker, "s"), ElementsAre("1", "2"));
}

TEST(QueueFull, DropOldestKeepsTheNewestMessagesAndCountsTheEvictedOnesAsDropped) {
  Options options;
  options.limits.max_queued_messages = 2;
  options.limits.queue_full_policy = "drop_oldest";
  TestBroker broker(options);
  offline_subscriber(broker, "s");
  publish_qos1(broker, {"1", "2", "3", "4"});

  EXPECT_EQ(broker.core().stats().messages_dropped_queue_full.load(), 2u);
  EXPECT_THAT(delivered_on_return(broker, "s"), ElementsAre("3", "4"));
}

TEST(QueueFull, AnEvictedMessageIsRemovedFromTheStore) {
  Options options;
  options.limits.max_queued_messages = 1;
  options.limits.queue_full_policy = "drop_oldest";
  TestBroker broker(options);
  auto owned = std::make_unique<InlineStore>();
  InlineStore& store = *owned;
  broker.core().set_store(std::move(owned), true);
  offline_subscriber(broker, "s");
  publish_qos1(broker, {"evicted", "kept"});

  ASSERT_THAT(store.messages, SizeIs(1));
  const auto& [id, payload] = *store.messages.begin();
  EXPECT_EQ(payload, "kept");
  EXPECT_THAT(store.outbound, ElementsAre(std::pair<std::string, storage::MessageId>("s", id)));
}

TEST(QueueFull, AFirstDropIsLoggedAtOnceWithTheClientIdAndTheReason) {
  Options options;
  options.limits.max_queued_messages = 1;
  TestBroker broker(options);
  offline_subscriber(broker, "sleepy");
  CapturedWarnings log;
  publish_qos1(broker, {"1", "2"});

  EXPECT_THAT(
      log.matching("dropped"),
      ElementsAre(HasSubstr("client 'sleepy': dropped 1 message (queue full: 1 new refused)")));
}

TEST(QueueFull, FurtherDropsAreSummarisedInOneLinePerIntervalNotOneEach) {
  Options options;
  options.limits.max_queued_messages = 1;
  TestBroker broker(options);
  offline_subscriber(broker, "sleepy");
  CapturedWarnings log;
  publish_qos1(broker, {"1", "2", "3", "4", "5"});
  ASSERT_THAT(log.matching("dropped"), SizeIs(1));

  broker.advance(std::chrono::seconds(5));
  broker.tick();
  EXPECT_THAT(log.matching("dropped"), SizeIs(1)) << "summary before its interval was over";

  broker.advance(std::chrono::seconds(6));
  broker.tick();
  EXPECT_THAT(log.matching("dropped"),
              ElementsAre(HasSubstr("dropped 1 message"),
                          HasSubstr("client 'sleepy': dropped 3 messages in the last")));
  broker.advance(std::chrono::seconds(20));
  broker.tick();
  EXPECT_THAT(log.matching("dropped"), SizeIs(2)) << "nothing new was dropped";
}

TEST(QueueFull, EvictionsAreLoggedAsSuch) {
  Options options;
  options.limits.max_queued_messages = 1;
  options.limits.queue_full_policy = "drop_oldest";
  TestBroker broker(options);
  offline_subscriber(broker, "sleepy");
  CapturedWarnings log;
  publish_qos1(broker, {"1", "2"});

  EXPECT_THAT(
      log.matching("dropped"),
      ElementsAre(HasSubstr("client 'sleepy': dropped 1 message (queue full: 1 queued evicted)")));
}

TEST(QueueFull, DropsNotYetReportedAreLoggedWhenTheSessionEnds) {
  Options options;
  options.limits.max_queued_messages = 1;
  TestBroker broker(options);
  TestClient subscriber(broker, Version::kV5);
  subscriber.connect(persistent_connect("leaving"));
  subscriber.subscribe("t", 1);
  subscriber.send(protocol::Disconnect{});
  CapturedWarnings log;
  publish_qos1(broker, {"1", "2", "3"});
  ASSERT_THAT(log.matching("dropped"), SizeIs(1));

  // A clean start ends the old session.
  TestClient replacement(broker, Version::kV5);
  replacement.connect("leaving");
  EXPECT_THAT(log.matching("dropped"),
              ElementsAre(HasSubstr("dropped 1 message"),
                          HasSubstr("client 'leaving': dropped 1 message in the last")));
}

}  // namespace
}  // namespace starling::testing
