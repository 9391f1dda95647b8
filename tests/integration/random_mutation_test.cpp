// Valid packet sequences with random bytes changed must never bring the
// broker down or stop it from serving well-behaved clients.
#include <unistd.h>

#include <random>

#include "broker_test.hpp"

namespace starling::test {
namespace {

using raw::Version;
using namespace std::chrono_literals;

constexpr int kIterations = 2000;
constexpr int kCheckEvery = 200;
constexpr std::uint32_t kSeed = 20240611;  // fixed: a failure must be reproducible

class RandomMutationTest : public BrokerTest {
 protected:
  // CONNECT + SUBSCRIBE + PUBLISH (+ DISCONNECT) as one byte string, in
  // several shapes so mutations hit will, property and QoS code paths.
  std::vector<raw::Bytes> seeds() {
    const std::string t = "fuzz/" + std::to_string(::getpid()) + "/t";
    std::vector<raw::Bytes> result;
    for (Version v : {Version::kV311, Version::kV5}) {
      const bool v5 = v == Version::kV5;
      raw::Connect connect{.version = v, .client_id = "fz", .keep_alive = 30};
      result.push_back(raw::concat({raw::connect(connect), raw::subscribe(v, 1, "fuzz/#", 1),
                                    raw::publish(v, {.topic = t, .payload = "hello", .qos = 1}),
                                    raw::disconnect(v)}));
      connect.will = raw::Will{
          .topic = t + "/will",
          .payload = "w",
          .qos = 1,
          .properties = v5 ? raw::property_u32(raw::kWillDelayInterval, 0) : raw::Bytes{}};
      if (v5) {
        connect.properties = raw::concat({raw::property_u32(raw::kSessionExpiryInterval, 0),
                                          raw::property_u16(raw::kReceiveMaximum, 5),
                                          raw::property_u16(raw::kTopicAliasMaximum, 4)});
      }
      raw::Bytes publish_properties =
          v5 ? raw::concat({raw::property_u16(raw::kTopicAlias, 1),
                            raw::property_u32(raw::kMessageExpiryInterval, 10),
                            raw::property_string(0x03, "text/plain")})
             : raw::Bytes{};
      result.push_back(
          raw::concat({raw::connect(connect),
                       raw::subscribe(v, 7, "$share/g/fuzz/+/t", 2,
                                      v5 ? raw::property_varint(raw::kSubscriptionIdentifier, 3)
                                         : raw::Bytes{}),
                       raw::publish(v, {.topic = t,
                                        .payload = "two",
                                        .qos = 2,
                                        .retain = true,
                                        .packet_id = 9,
                                        .properties = publish_properties}),
                       raw::pubrel(v, 9)}));
    }
    return result;
  }

  static raw::Bytes mutate(raw::Bytes bytes, std::mt19937& rng) {
    std::uniform_int_distribution<int> byte(0, 255);
    const int edits = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int i = 0; i < edits && !bytes.empty(); ++i) {
      std::uniform_int_distribution<std::size_t> position(0, bytes.size() - 1);
      switch (std::uniform_int_distribution<int>(0, 9)(rng)) {
        case 0:  // cut the tail off
          bytes.resize(position(rng));
          break;
        case 1:  // insert a byte
          bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(position(rng)),
                       static_cast<std::uint8_t>(byte(rng)));
          break;
        case 2:  // flip one bit
          bytes[position(rng)] ^= static_cast<std::uint8_t>(1u << (byte(rng) % 8));
          break;
        default:  // replace a byte
          bytes[position(rng)] = static_cast<std::uint8_t>(byte(rng));
      }
    }
    return bytes;
  }
};

TEST_F(RandomMutationTest, BrokerSurvivesRandomlyMutatedPackets) {
  const auto valid = seeds();
  std::mt19937 rng(kSeed);

  // A client that stays connected throughout: the mutations must not
  // disturb it either.
  const std::string probe_topic = topic("probe");
  auto probe = connected_client("long-lived-probe", kV5);
  probe->subscribe(probe_topic, 1);

  const auto started = std::chrono::steady_clock::now();
  for (int i = 1; i <= kIterations; ++i) {
    const raw::Bytes& seed = valid[static_cast<std::size_t>(i) % valid.size()];
    const raw::Bytes input = mutate(seed, rng);
    {
      RawClient client(broker().port());
      client.send(input);
      // Give the broker a moment to act on it; most inputs are closed at once.
      client.drain(10ms);
    }
    if (i % kCheckEvery == 0) {
      SCOPED_TRACE("after iteration " + std::to_string(i));
      ASSERT_TRUE(broker().running()) << "broker died";
      const std::size_t before = probe->received().size();
      probe->publish(probe_topic, "ping " + std::to_string(i), 1);
      ASSERT_TRUE(probe->received().wait_for(before + 1))
          << "the long-lived client stopped working";
      ASSERT_NO_FATAL_FAILURE(expect_broker_still_serves_clients());
    }
  }
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, 60s) << "the mutation loop is too slow for the suite's time budget";
}

}  // namespace
}  // namespace starling::test
