// v5 Receive Maximum in both directions: the broker respects the client's,
// and enforces its own.
#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

using FlowControlTest = BrokerTest;

// Reads PUBLISH packets for `period`, without acknowledging them.
std::vector<raw::ReceivedPublish> collect_publishes(RawClient& client,
                                                    std::chrono::milliseconds period) {
  std::vector<raw::ReceivedPublish> publishes;
  const auto deadline = std::chrono::steady_clock::now() + period;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    auto packet = client.read_packet(left);
    if (!packet) break;
    if (auto publish = raw::parse_publish(Version::kV5, *packet)) publishes.push_back(*publish);
  }
  return publishes;
}

class OutboundWindowTest : public FlowControlTest {
 protected:
  static constexpr int kTotal = 10;

  // A raw subscriber with Receive Maximum 3 that acknowledges nothing, and
  // kTotal QoS 1 messages published to it.
  void SetUp() override {
    const std::string t = topic("window");
    slow_ = raw_connected(
        {.client_id = client_id("slow"), .properties = raw::property_u16(raw::kReceiveMaximum, 3)});
    ASSERT_EQ(slow_->subscribe(Version::kV5, t, 1), 1);
    auto publisher = connected_client("pub", kV5);
    for (int i = 0; i < kTotal; ++i) publisher->publish(t, std::to_string(i), 1);
  }

  std::unique_ptr<RawClient> slow_;
};

TEST_F(OutboundWindowTest, BrokerStopsSendingAtTheClientsReceiveMaximum) {
  const auto first = collect_publishes(*slow_, 1000ms);
  EXPECT_EQ(first.size(), 3u) << "broker ignored the client's Receive Maximum of 3";
}

TEST_F(OutboundWindowTest, EachAcknowledgementLetsExactlyOneMoreMessageThrough) {
  // MQTT-4.9.0-2 / 3.3.4: never more than Receive Maximum unacknowledged.
  STARLING_SKIP_ON_MOSQUITTO(
      "2.0.11 sends three more messages after a single PUBACK, leaving five of a "
      "Receive Maximum of three unacknowledged");
  const auto first = collect_publishes(*slow_, 1000ms);
  ASSERT_EQ(first.size(), 3u);
  slow_->send(raw::puback(Version::kV5, first[0].packet_id));
  const auto second = collect_publishes(*slow_, 500ms);
  ASSERT_EQ(second.size(), 1u) << "the window opened by more than the one acknowledged";

  // Acknowledging everything as it arrives drains the rest, in order.
  std::vector<std::string> payloads;
  for (const auto& p : first) payloads.push_back(p.payload);
  payloads.push_back(second[0].payload);
  for (std::size_t i = 1; i < first.size(); ++i) {
    slow_->send(raw::puback(Version::kV5, first[i].packet_id));
  }
  slow_->send(raw::puback(Version::kV5, second[0].packet_id));
  while (payloads.size() < kTotal) {
    auto packet = slow_->read_until(raw::kPublish, kArrivalTimeout);
    ASSERT_TRUE(packet.has_value()) << "only " << payloads.size() << " of " << kTotal << " arrived";
    auto publish = raw::parse_publish(Version::kV5, *packet);
    ASSERT_TRUE(publish.has_value());
    payloads.push_back(publish->payload);
    slow_->send(raw::puback(Version::kV5, publish->packet_id));
  }
  for (int i = 0; i < kTotal; ++i) EXPECT_EQ(payloads[i], std::to_string(i));
}

TEST_F(FlowControlTest, ClientExceedingTheBrokersReceiveMaximumIsDisconnectedWith0x93) {
  // MQTT-3.3.4-7 / 3.3.4-8.
  STARLING_SKIP_ON_MOSQUITTO(
      "2.0.11 answers the excess QoS 2 PUBLISH with PUBREC 0x97 (Quota exceeded) and keeps "
      "the connection instead of sending DISCONNECT 0x93");
  start_broker([](Options& o) { o.limits.receive_maximum = 2; });
  auto greedy = raw_connected({.client_id = client_id("greedy")});
  // QoS 2 publishes stay in flight until PUBREL, which this client never sends.
  for (std::uint16_t id = 1; id <= 3; ++id) {
    greedy->send(raw::publish(
        Version::kV5, {.topic = topic("flood"), .payload = "x", .qos = 2, .packet_id = id}));
  }
  auto disconnect = greedy->read_until(raw::kDisconnect, kArrivalTimeout);
  ASSERT_TRUE(disconnect.has_value()) << "no DISCONNECT after exceeding Receive Maximum";
  EXPECT_EQ(raw::disconnect_reason(*disconnect), 0x93);
  EXPECT_TRUE(greedy->wait_closed(kArrivalTimeout));
  expect_broker_still_serves_clients();
}

TEST_F(FlowControlTest, ClientWithinTheBrokersReceiveMaximumIsServed) {
  start_broker([](Options& o) { o.limits.receive_maximum = 2; });
  auto polite = raw_connected({.client_id = client_id("polite")});
  for (std::uint16_t id = 1; id <= 2; ++id) {
    polite->send(raw::publish(Version::kV5,
                              {.topic = topic("ok"), .payload = "x", .qos = 2, .packet_id = id}));
  }
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(polite->read_until(raw::kPubrec, kArrivalTimeout));
  polite->send(raw::pubrel(Version::kV5, 1));
  ASSERT_TRUE(polite->read_until(raw::kPubcomp, kArrivalTimeout));
  polite->send(
      raw::publish(Version::kV5, {.topic = topic("ok"), .payload = "x", .qos = 2, .packet_id = 3}));
  EXPECT_TRUE(polite->read_until(raw::kPubrec, kArrivalTimeout).has_value());
  EXPECT_FALSE(polite->peer_closed());
}

}  // namespace
}  // namespace starling::test
