// Shared subscriptions ($share/<group>/<filter>): each message goes to one
// member of each group.
#include <map>
#include <set>

#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

class SharedSubscriptionTest : public BrokerTest {
 protected:
  std::string shared(const std::string& group, const std::string& filter) {
    return "$share/" + group + "/" + filter;
  }

  // Waits until the members together hold `total` messages.
  static bool wait_for_total(const std::vector<std::unique_ptr<TestClient>>& members,
                             std::size_t total) {
    return eventually([&] {
      std::size_t sum = 0;
      for (const auto& m : members) sum += m->received().size();
      return sum >= total;
    });
  }
};

TEST_F(SharedSubscriptionTest, MessagesAreSplitAmongTheMembersAndEachIsDeliveredOnce) {
  const std::string t = topic("jobs");
  std::vector<std::unique_ptr<TestClient>> members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(connected_client("worker", kV5));
    members.back()->subscribe(shared("workers", t), 1);
  }
  auto publisher = connected_client("pub", kV5);
  constexpr int kMessages = 30;
  for (int i = 0; i < kMessages; ++i) publisher->publish(t, std::to_string(i), 1);

  ASSERT_TRUE(wait_for_total(members, kMessages));
  std::this_thread::sleep_for(kQuietPeriod);  // any duplicate would show up now
  std::multiset<std::string> seen;
  for (const auto& member : members) {
    const std::size_t got = member->received().size();
    EXPECT_GT(got, 0u) << member->client_id() << " got nothing";
    EXPECT_LT(got, static_cast<std::size_t>(kMessages)) << member->client_id() << " got all";
    for (const auto& message : member->received().snapshot()) {
      seen.insert(message->get_payload_str());
    }
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ(seen.count(std::to_string(i)), 1u) << "message " << i;
  }
}

TEST_F(SharedSubscriptionTest, EveryGroupAndEveryPlainSubscriberGetsEachMessage) {
  const std::string t = topic("fanout");
  auto group_a = connected_client("a", kV5);
  group_a->subscribe(shared("a", t), 1);
  auto group_b = connected_client("b", kV5);
  group_b->subscribe(shared("b", t), 1);
  auto plain = connected_client("plain", kV311);
  plain->subscribe(t, 1);
  auto publisher = connected_client("pub", kV5);
  for (int i = 0; i < 5; ++i) publisher->publish(t, std::to_string(i), 1);

  EXPECT_TRUE(group_a->received().wait_for(5));
  EXPECT_TRUE(group_b->received().wait_for(5));
  EXPECT_TRUE(plain->received().wait_for(5));
}

TEST_F(SharedSubscriptionTest, SharedSubscriptionWithWildcardFilterMatchesLikeANormalOne) {
  const std::string base = topic("sensors");
  auto member = connected_client("m", kV5);
  member->subscribe(shared("g", base + "/+/temp"), 1);
  auto publisher = connected_client("pub", kV5);
  publisher->publish(base + "/kitchen/temp", "21", 1);
  publisher->publish(base + "/kitchen/humidity", "40", 1);
  ASSERT_TRUE(member->received().wait_for(1));
  EXPECT_TRUE(member->received().stays_at(1));
  EXPECT_EQ(member->received().at(0)->get_topic(), base + "/kitchen/temp");
}

TEST_F(SharedSubscriptionTest, UnacknowledgedMessagesOfADepartingMemberGoToAnotherMember) {
  // MQTT-4.8.2: when a member's session ends with QoS 1 messages unacknowledged,
  // the server SHOULD send them to another member.
  STARLING_SKIP_ON_MOSQUITTO(
      "2.0.11 drops the unacknowledged messages with the departing member's session");
  const std::string t = topic("handover");
  const std::string filter = shared("g", t);
  auto leaving = raw_connected({.client_id = client_id("leaving")});  // expiry 0
  ASSERT_EQ(leaving->subscribe(Version::kV5, filter, 1), 1);
  auto staying = connected_client("staying", kV5);
  staying->subscribe(filter, 1);

  auto publisher = connected_client("pub", kV5);
  constexpr int kMessages = 10;
  for (int i = 0; i < kMessages; ++i) publisher->publish(t, std::to_string(i), 1);

  // The raw member takes its share and acknowledges none of it.
  std::set<std::string> held;
  while (auto packet = leaving->read_packet(500ms)) {
    if (auto publish = raw::parse_publish(Version::kV5, *packet)) held.insert(publish->payload);
  }
  ASSERT_FALSE(held.empty()) << "the raw member got no share; nothing to test";
  leaving->close();

  ASSERT_TRUE(staying->received().wait_for(kMessages))
      << "only " << staying->received().size() << " of " << kMessages
      << " reached the remaining member";
  std::set<std::string> got;
  for (const auto& message : staying->received().snapshot()) got.insert(message->get_payload_str());
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kMessages));
}

}  // namespace
}  // namespace starling::test
