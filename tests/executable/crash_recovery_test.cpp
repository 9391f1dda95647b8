// Nothing acknowledged is lost: the real broker is killed with SIGKILL and
// restarted on the same data directory, and clients find every message the
// broker acknowledged (QoS 2: exactly once), their sessions and retained
// messages.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "../integration/raw_client.hpp"
#include "starling_process.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::uint8_t kPublish = 3, kPuback = 4, kPubrec = 5, kPubrel = 6, kPubcomp = 7;
constexpr std::uint8_t kSessionExpiry = 0x11;

class CrashRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = fs::temp_directory_path() /
                ("starling-crash-" + std::to_string(getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(data_dir_);
  }
  void TearDown() override {
    broker_.reset();
    fs::remove_all(data_dir_);
  }

  std::uint16_t start_logged() {
    broker_ = std::make_unique<StarlingProcess>(std::vector<std::string>{
        "--listen", "127.0.0.1:0", "--data-dir", data_dir_.string()});
    std::smatch m;
    std::string line = broker_->wait_for_line("listening on", 20s);
    if (!std::regex_search(line, m, std::regex(R"(127\.0\.0\.1:(\d+))"))) return 0;
    return static_cast<std::uint16_t>(std::stoi(m[1]));
  }
  void kill_broker() {
    broker_->signal(SIGKILL);
    broker_->wait_exit(10s);
    broker_.reset();
  }

  raw::Connect persistent(const std::string& id, bool clean = false) {
    raw::Connect c;
    c.version = raw::Version::kV5;
    c.client_id = id;
    c.clean = clean;
    c.properties = raw::property_u32(kSessionExpiry, 3600);
    return c;
  }

  fs::path data_dir_;
  std::unique_ptr<StarlingProcess> broker_;
};

std::uint16_t packet_id_of(const raw::Packet& p) {
  return static_cast<std::uint16_t>((p.body[0] << 8) | p.body[1]);
}

raw::Bytes ack(std::uint8_t first_byte, std::uint16_t id) {
  return raw::frame(first_byte, raw::Bytes{static_cast<std::uint8_t>(id >> 8),
                                           static_cast<std::uint8_t>(id & 0xFF)});
}

// Publishes `count` messages "m-<i>" at `qos` on `topic`, pipelined, and
// returns the payloads the broker acknowledged (PUBACK, or PUBCOMP for QoS 2).
std::set<std::string> publish_acknowledged(RawClient& client, const std::string& topic, int count,
                                           std::uint8_t qos, int stop_reading_after = -1) {
  std::map<std::uint16_t, std::string> sent;
  for (int i = 1; i <= count; ++i) {
    raw::Publish p{.topic = topic, .payload = "m-" + std::to_string(i), .qos = qos,
                   .packet_id = static_cast<std::uint16_t>(i)};
    sent[p.packet_id] = p.payload;
    client.send(raw::publish(raw::Version::kV5, p));
  }
  std::set<std::string> acknowledged;
  while (static_cast<int>(acknowledged.size()) < count &&
         (stop_reading_after < 0 || static_cast<int>(acknowledged.size()) < stop_reading_after)) {
    auto packet = client.read_packet(5s);
    if (!packet) break;
    if (packet->type() == kPuback && packet->body.size() >= 2 &&
        (packet->body.size() == 2 || packet->body[2] < 0x80)) {
      acknowledged.insert(sent[packet_id_of(*packet)]);
    } else if (packet->type() == kPubrec) {
      client.send(ack(0x62, packet_id_of(*packet)));
    } else if (packet->type() == kPubcomp) {
      acknowledged.insert(sent[packet_id_of(*packet)]);
    }
  }
  return acknowledged;
}

// Receives as a QoS-aware client would: a QoS 2 message is handed to the
// application once per packet id until PUBREL. Returns payload -> times.
std::map<std::string, int> receive_all(RawClient& client, std::chrono::milliseconds quiet) {
  std::map<std::string, int> delivered;
  std::set<std::uint16_t> awaiting_pubrel;
  for (;;) {
    auto packet = client.read_packet(quiet);
    if (!packet) break;
    if (packet->type() == kPublish) {
      auto publish = raw::parse_publish(raw::Version::kV5, *packet);
      if (!publish) continue;
      if (publish->qos == 1) {
        ++delivered[publish->payload];
        client.send(raw::puback(raw::Version::kV5, publish->packet_id));
      } else if (publish->qos == 2) {
        if (awaiting_pubrel.insert(publish->packet_id).second) ++delivered[publish->payload];
        client.send(ack(0x50, publish->packet_id));
      }
    } else if (packet->type() == kPubrel) {
      awaiting_pubrel.erase(packet_id_of(*packet));
      client.send(ack(0x70, packet_id_of(*packet)));
    }
  }
  return delivered;
}

TEST_F(CrashRecoveryTest, AcknowledgedQos1MessagesForAnOfflineSubscriberSurviveSigkill) {
  std::uint16_t port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  {
    RawClient subscriber(port);
    ASSERT_TRUE(subscriber.handshake(persistent("crash-sub1")));
    ASSERT_EQ(subscriber.subscribe(raw::Version::kV5, "crash1/#", 1), 1);
  }  // dropped: the session stays, offline
  RawClient publisher(port);
  ASSERT_TRUE(publisher.handshake(persistent("crash-pub1", true)));
  auto acknowledged = publish_acknowledged(publisher, "crash1/x", 300, 1);
  ASSERT_EQ(acknowledged.size(), 300u);
  kill_broker();

  port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  RawClient subscriber(port);
  auto connack = subscriber.handshake(persistent("crash-sub1"));
  ASSERT_TRUE(connack);
  EXPECT_TRUE(connack->session_present);
  auto delivered = receive_all(subscriber, 1500ms);
  for (const std::string& payload : acknowledged) {
    EXPECT_GE(delivered[payload], 1) << payload << " was acknowledged but never delivered";
  }
}

TEST_F(CrashRecoveryTest, Qos2MessagesAreDeliveredExactlyOnceAcrossSigkill) {
  std::uint16_t port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  {
    RawClient subscriber(port);
    ASSERT_TRUE(subscriber.handshake(persistent("crash-sub2")));
    ASSERT_EQ(subscriber.subscribe(raw::Version::kV5, "crash2/#", 2), 2);
  }
  RawClient publisher(port);
  ASSERT_TRUE(publisher.handshake(persistent("crash-pub2", true)));
  auto acknowledged = publish_acknowledged(publisher, "crash2/x", 100, 2);
  ASSERT_EQ(acknowledged.size(), 100u);

  // The subscriber takes the first messages: PUBREC for some, then the broker dies
  // before any PUBCOMP.
  std::map<std::string, int> delivered;
  std::set<std::uint16_t> awaiting_pubrel;
  {
    RawClient subscriber(port);
    ASSERT_TRUE(subscriber.handshake(persistent("crash-sub2")));
    int received = 0;
    while (received < 20) {
      auto packet = subscriber.read_packet(5s);
      ASSERT_TRUE(packet.has_value());
      if (packet->type() != kPublish) continue;
      auto publish = raw::parse_publish(raw::Version::kV5, *packet);
      ASSERT_TRUE(publish);
      if (awaiting_pubrel.insert(publish->packet_id).second) ++delivered[publish->payload];
      subscriber.send(ack(0x50, publish->packet_id));  // PUBREC
      ++received;
    }
    // Wait for some PUBRELs: the broker has moved those on.
    for (int i = 0; i < 10; ++i) {
      auto packet = subscriber.read_until(kPubrel, 2s);
      if (!packet) break;
    }
    kill_broker();
  }

  port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  RawClient subscriber(port);
  auto connack = subscriber.handshake(persistent("crash-sub2"));
  ASSERT_TRUE(connack);
  EXPECT_TRUE(connack->session_present);
  // Same client state as before the crash (it kept its packet ids awaiting PUBREL).
  for (;;) {
    auto packet = subscriber.read_packet(1500ms);
    if (!packet) break;
    if (packet->type() == kPublish) {
      auto publish = raw::parse_publish(raw::Version::kV5, *packet);
      if (awaiting_pubrel.insert(publish->packet_id).second) ++delivered[publish->payload];
      subscriber.send(ack(0x50, publish->packet_id));
    } else if (packet->type() == kPubrel) {
      awaiting_pubrel.erase(packet_id_of(*packet));
      subscriber.send(ack(0x70, packet_id_of(*packet)));
    }
  }
  for (const std::string& payload : acknowledged) {
    EXPECT_EQ(delivered[payload], 1) << payload;
  }
}

TEST_F(CrashRecoveryTest, EveryMessageAcknowledgedBeforeAKillInTheMiddleOfABurstArrives) {
  std::uint16_t port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  {
    RawClient subscriber(port);
    ASSERT_TRUE(subscriber.handshake(persistent("crash-sub3")));
    ASSERT_EQ(subscriber.subscribe(raw::Version::kV5, "crash3/#", 1), 1);
  }
  std::set<std::string> acknowledged;
  {
    RawClient publisher(port);
    ASSERT_TRUE(publisher.handshake(persistent("crash-pub3", true)));
    // Stop reading after 400 of 3000 acknowledgements and kill the broker
    // while the rest are still being processed.
    acknowledged = publish_acknowledged(publisher, "crash3/x", 3000, 1, 400);
    kill_broker();
    // Acknowledgements already in our socket buffer count too.
    for (;;) {
      auto packet = publisher.read_packet(200ms);
      if (!packet) break;
      if (packet->type() == kPuback) acknowledged.insert("m-" + std::to_string(packet_id_of(*packet)));
    }
  }
  ASSERT_GE(acknowledged.size(), 400u);
  port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  RawClient subscriber(port);
  ASSERT_TRUE(subscriber.handshake(persistent("crash-sub3")));
  auto delivered = receive_all(subscriber, 1500ms);
  for (const std::string& payload : acknowledged) {
    EXPECT_GE(delivered[payload], 1) << payload << " was acknowledged but never delivered";
  }
}

TEST_F(CrashRecoveryTest, RetainedMessagesAndSubscriptionsSurviveSigkill) {
  std::uint16_t port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  {
    RawClient publisher(port);
    ASSERT_TRUE(publisher.handshake(persistent("crash-pub4", true)));
    auto acknowledged = [&] {
      raw::Publish p{.topic = "crash4/status", .payload = "online", .qos = 1, .retain = true};
      publisher.send(raw::publish(raw::Version::kV5, p));
      return publisher.read_until(kPuback, 5s).has_value();
    }();
    ASSERT_TRUE(acknowledged);
  }
  kill_broker();
  port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  RawClient reader(port);
  ASSERT_TRUE(reader.handshake(persistent("crash-reader4", true)));
  ASSERT_EQ(reader.subscribe(raw::Version::kV5, "crash4/#", 1), 1);
  auto packet = reader.read_until(kPublish, 5s);
  ASSERT_TRUE(packet);
  auto publish = raw::parse_publish(raw::Version::kV5, *packet);
  EXPECT_EQ(publish->payload, "online");
  EXPECT_TRUE(publish->retain);
}

TEST_F(CrashRecoveryTest, ASessionWhoseExpiryPassedWhileTheBrokerWasDownIsGone) {
  std::uint16_t port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  {
    RawClient client(port);
    raw::Connect c = persistent("crash-exp5", true);
    c.properties = raw::property_u32(kSessionExpiry, 1);
    ASSERT_TRUE(client.handshake(c));
    ASSERT_EQ(client.subscribe(raw::Version::kV5, "crash5/#", 1), 1);
    client.send(raw::disconnect(raw::Version::kV5));
  }
  usleep(200 * 1000);
  kill_broker();
  sleep(2);
  port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  RawClient client(port);
  auto connack = client.handshake(persistent("crash-exp5"));
  ASSERT_TRUE(connack);
  EXPECT_FALSE(connack->session_present);
}

TEST_F(CrashRecoveryTest, ASessionWithinItsExpiryIsResumedAfterSigkill) {
  std::uint16_t port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  {
    RawClient client(port);
    ASSERT_TRUE(client.handshake(persistent("crash-live6", true)));
    ASSERT_EQ(client.subscribe(raw::Version::kV5, "crash6/#", 1), 1);
  }
  kill_broker();
  port = start_logged();
  ASSERT_GT(port, 0) << broker_->output();
  RawClient client(port);
  auto connack = client.handshake(persistent("crash-live6"));
  ASSERT_TRUE(connack);
  EXPECT_TRUE(connack->session_present);
  RawClient publisher(port);
  ASSERT_TRUE(publisher.handshake(persistent("crash-pub6", true)));
  raw::Publish p{.topic = "crash6/a", .payload = "after restart", .qos = 1};
  publisher.send(raw::publish(raw::Version::kV5, p));
  auto packet = client.read_until(kPublish, 5s);
  ASSERT_TRUE(packet) << "the restored subscription did not match";
  EXPECT_EQ(raw::parse_publish(raw::Version::kV5, *packet)->payload, "after restart");
}

TEST_F(CrashRecoveryTest, AForeignDataDirectoryIsRefusedWithAClearError) {
  fs::create_directories(data_dir_);
  std::ofstream(data_dir_ / "notes.txt") << "not a starling store\n";
  StarlingProcess broker({"--listen", "127.0.0.1:0", "--data-dir", data_dir_.string()});
  EXPECT_EQ(broker.wait_exit(20s), 1);
  EXPECT_NE(broker.output().find("data directory"), std::string::npos) << broker.output();
  EXPECT_TRUE(fs::exists(data_dir_ / "notes.txt"));
}

}  // namespace
}  // namespace starling::test
