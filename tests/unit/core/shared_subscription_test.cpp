// Shared subscriptions: one member per message, and a leaving member's
// unacknowledged messages go to another.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_broker.hpp"
#include "test_client.hpp"

namespace starling::testing {
namespace {

using protocol::Version;
using ::testing::IsEmpty;

class SharedSubscription : public ::testing::Test {
 protected:
  SharedSubscription() {
    first.connect("first");
    first.subscribe("$share/g/jobs/#", 1);
    second.connect("second");
    second.subscribe("$share/g/jobs/#", 1);
    publisher.connect("p");
  }

  TestBroker broker;
  TestClient first{broker, Version::kV5};
  TestClient second{broker, Version::kV5};
  TestClient publisher{broker, Version::kV5};
};

TEST_F(SharedSubscription, EachMessageGoesToOneMemberInTurn) {
  publisher.send(publish_packet("jobs/1", "a", 1, 1));
  publisher.send(publish_packet("jobs/2", "b", 1, 2));
  std::vector<protocol::Publish> to_first = first.expect_publishes();
  std::vector<protocol::Publish> to_second = second.expect_publishes();
  ASSERT_EQ(to_first.size(), 1u);
  ASSERT_EQ(to_second.size(), 1u);
  EXPECT_NE(to_first[0].payload, to_second[0].payload);
}

TEST_F(SharedSubscription, AMembersUnacknowledgedMessageGoesToAnotherMemberWhenItLeaves) {
  publisher.send(publish_packet("jobs/1", "job", 1, 1));
  std::vector<protocol::Publish> to_first = first.expect_publishes();
  std::vector<protocol::Publish> to_second = second.expect_publishes();
  ASSERT_EQ(to_first.size() + to_second.size(), 1u);
  TestClient& holder = to_first.empty() ? second : first;
  TestClient& other = to_first.empty() ? first : second;

  holder.lose_connection();
  std::vector<protocol::Publish> redelivered = other.expect_publishes();
  ASSERT_EQ(redelivered.size(), 1u);
  EXPECT_EQ(redelivered[0].payload, "job");
}

TEST_F(SharedSubscription, AnAcknowledgedMessageIsNotRedelivered) {
  publisher.send(publish_packet("jobs/1", "job", 1, 1));
  std::vector<protocol::Publish> to_first = first.expect_publishes();
  std::vector<protocol::Publish> to_second = second.expect_publishes();
  ASSERT_EQ(to_first.size() + to_second.size(), 1u);
  TestClient& holder = to_first.empty() ? second : first;
  TestClient& other = to_first.empty() ? first : second;
  holder.send(protocol::Puback{(to_first.empty() ? to_second : to_first)[0].packet_id});

  holder.lose_connection();
  EXPECT_THAT(other.received(), IsEmpty());
}

}  // namespace
}  // namespace starling::testing
