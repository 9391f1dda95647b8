// The broker while its store cannot write (a full disk, injected under
// RocksDB): it never acknowledges a QoS 1 PUBLISH it could not store, QoS 0
// keeps flowing, it says so in the log, and once space returns QoS 1 is
// acknowledged and delivered again. Starling only.
#include <gmock/gmock.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker_test.hpp"
#include "faulty_file_system.hpp"
#include "storage/rocksdb_store.hpp"
#include "util/log.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

constexpr std::uint8_t kQuotaExceeded = 0x97;

class StorageFailureTest : public BrokerTest {
 protected:
  void SetUp() override {
    STARLING_SKIP_ON_MOSQUITTO("the fault is injected into Starling's own store");
    previous_sink_ = log::set_sink([this](log::Level level, std::string_view line) {
      if (level < log::Level::kWarn) return;
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    });
    start_broker_with_store(
        [this](const std::string& directory,
               std::uint32_t batched_flush_ms) -> Result<std::unique_ptr<storage::Store>> {
          auto store = storage::RocksDbStore::open({directory, batched_flush_ms, env_.get()});
          if (!store.ok()) return store.error();
          return std::unique_ptr<storage::Store>(std::move(store).value());
        });
  }

  void TearDown() override {
    stop_broker();  // the store uses env_
    log::set_sink(std::move(previous_sink_));
  }

  void set_disk_full(bool full) { fs_->set_disk_full(full); }

  // A persistent v5 subscriber to `filter` at QoS 1, so every QoS 1 PUBLISH
  // on it must be stored before it is acknowledged.
  std::unique_ptr<RawClient> persistent_subscriber(const std::string& filter) {
    auto subscriber =
        raw_connected({.client_id = client_id("sub"),
                       .properties = raw::property_u32(raw::kSessionExpiryInterval, 600)});
    EXPECT_EQ(subscriber->subscribe(Version::kV5, filter, 1), 1);
    return subscriber;
  }

  std::unique_ptr<RawClient> publisher(Version version) {
    return raw_connected({.version = version, .client_id = client_id("pub")});
  }

  // Reads until the connection closes; the packet types received, in order.
  static std::vector<std::uint8_t> types_until_closed(RawClient& client) {
    std::vector<std::uint8_t> types;
    while (auto packet = client.read_packet(kArrivalTimeout)) types.push_back(packet->type());
    return types;
  }

  // The next PUBLISH `client` receives, if one comes in time.
  static std::optional<raw::ReceivedPublish> next_publish(RawClient& client, Version version) {
    auto packet = client.read_until(raw::kPublish, kArrivalTimeout);
    if (!packet) return std::nullopt;
    return raw::parse_publish(version, *packet);
  }

  std::vector<std::string> logged(const std::string& text) {
    std::lock_guard lock(log_mutex_);
    std::vector<std::string> found;
    for (const std::string& line : log_) {
      if (line.find(text) != std::string::npos) found.push_back(line);
    }
    return found;
  }

 private:
  std::shared_ptr<storage::FaultyFileSystem> fs_ = std::make_shared<storage::FaultyFileSystem>();
  std::unique_ptr<rocksdb::Env> env_ = storage::make_env(fs_);
  log::Sink previous_sink_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(StorageFailureTest,
       WhileTheDiskIsFullAV5Qos1PublishIsNotAcknowledgedAndTheClientIsToldQuotaExceeded) {
  const std::string t = topic("full");
  auto subscriber = persistent_subscriber(t);
  auto pub = publisher(Version::kV5);

  set_disk_full(true);
  ASSERT_TRUE(pub->send(
      raw::publish(Version::kV5, {.topic = t, .payload = "lost", .qos = 1, .packet_id = 7})));
  auto disconnect = pub->read_packet(kArrivalTimeout);
  ASSERT_TRUE(disconnect.has_value()) << "neither PUBACK nor DISCONNECT";
  ASSERT_EQ(disconnect->type(), raw::kDisconnect) << "got packet type " << int{disconnect->type()};
  EXPECT_EQ(raw::disconnect_reason(*disconnect), kQuotaExceeded);
  EXPECT_TRUE(pub->wait_closed(kArrivalTimeout));
}

TEST_F(StorageFailureTest,
       WhileTheDiskIsFullAV311Qos1PublishIsNotAcknowledgedAndTheConnectionCloses) {
  const std::string t = topic("full");
  auto subscriber = persistent_subscriber(t);
  auto pub = publisher(Version::kV311);

  set_disk_full(true);
  ASSERT_TRUE(pub->send(
      raw::publish(Version::kV311, {.topic = t, .payload = "lost", .qos = 1, .packet_id = 7})));
  EXPECT_THAT(types_until_closed(*pub), ::testing::IsEmpty())
      << "v3.1.1 has no way to refuse: no PUBACK, just close";
  EXPECT_TRUE(pub->peer_closed());
}

TEST_F(StorageFailureTest, TheFailedWriteIsLoggedNamingTheClientAndTheCause) {
  const std::string t = topic("full");
  auto subscriber = persistent_subscriber(t);
  auto pub = publisher(Version::kV5);

  set_disk_full(true);
  ASSERT_TRUE(pub->send(
      raw::publish(Version::kV5, {.topic = t, .payload = "lost", .qos = 1, .packet_id = 7})));
  EXPECT_TRUE(pub->wait_closed(kArrivalTimeout));
  auto lines = logged("store write failed");
  ASSERT_FALSE(lines.empty()) << "nothing logged about the failed write";
  EXPECT_THAT(lines[0], ::testing::HasSubstr("client '"));
  EXPECT_THAT(lines[0], ::testing::HasSubstr("disk full"));
}

TEST_F(StorageFailureTest, WhileTheDiskIsFullQos0StillReachesOnlineSubscribers) {
  const std::string t = topic("qos0");
  auto subscriber = persistent_subscriber(t);
  auto pub = publisher(Version::kV5);

  set_disk_full(true);
  ASSERT_TRUE(
      pub->send(raw::publish(Version::kV5, {.topic = t, .payload = "still flows", .qos = 0})));
  auto received = next_publish(*subscriber, Version::kV5);
  ASSERT_TRUE(received.has_value()) << "QoS 0 did not arrive while the disk was full";
  EXPECT_EQ(received->payload, "still flows");
  EXPECT_FALSE(pub->drain(200ms)) << "a QoS 0 publisher was disconnected";
}

TEST_F(StorageFailureTest, WhenSpaceReturnsQos1PublishesAreAcknowledgedAndDeliveredAgain) {
  const std::string t = topic("recovers");
  auto subscriber = persistent_subscriber(t);
  {
    auto pub = publisher(Version::kV5);
    set_disk_full(true);
    ASSERT_TRUE(pub->send(
        raw::publish(Version::kV5, {.topic = t, .payload = "lost", .qos = 1, .packet_id = 1})));
    ASSERT_TRUE(pub->wait_closed(kArrivalTimeout));
  }

  set_disk_full(false);
  auto pub = publisher(Version::kV5);
  ASSERT_TRUE(pub->send(
      raw::publish(Version::kV5, {.topic = t, .payload = "stored", .qos = 1, .packet_id = 2})));
  auto puback = pub->read_packet(kArrivalTimeout);
  ASSERT_TRUE(puback.has_value()) << "no PUBACK once space returned";
  ASSERT_EQ(puback->type(), raw::kPuback) << "got packet type " << int{puback->type()};
  ASSERT_GE(puback->body.size(), 2u);
  EXPECT_EQ(puback->body[0] << 8 | puback->body[1], 2);
  if (puback->body.size() > 2) {
    EXPECT_EQ(puback->body[2], 0) << "PUBACK reason";
  }

  bool delivered = false;
  while (auto received = next_publish(*subscriber, Version::kV5)) {
    if (received->payload == "stored") {
      delivered = true;
      break;
    }
  }
  EXPECT_TRUE(delivered) << "the acknowledged message never reached the subscriber";
  expect_broker_still_serves_clients();
}

}  // namespace
}  // namespace starling::test
