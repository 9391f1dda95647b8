// The HTTP listener: Prometheus metrics at /metrics and the admin API under
// /api/v1/, checked over real HTTP against a broker on ephemeral ports.
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

#include "broker_test.hpp"
#include "http_client.hpp"

namespace starling::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kToken = "test-admin-token";

// The value of the sample `series` ("starling_x" or `starling_x{a="b"}`),
// or nullopt when the exposition has no such line.
std::optional<double> sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return std::nullopt;
}

json::value parse(const HttpReply& reply) {
  boost::system::error_code error;
  json::value value = json::parse(reply.body, error);
  EXPECT_FALSE(error) << "not JSON: " << reply.body;
  return value;
}

class HttpTest : public BrokerTest {
 protected:
  void SetUp() override { STARLING_SKIP_ON_MOSQUITTO("no HTTP listener"); }

  // Starts the broker with the HTTP listener on a free port.
  void start_with_http(const std::string& token = kToken,
                       const std::function<void(HttpOptions&)>& adjust = {}) {
    start_broker([&](Options& options) {
      options.http.enabled = true;
      options.http.bind = "127.0.0.1:0";
      options.http.admin_token = token;
      if (adjust) adjust(options.http);
    });
  }

  HttpClient http() {
    for (const Endpoint& endpoint : broker().starling().endpoints()) {
      if (endpoint.type == "http") return HttpClient(endpoint.port);
    }
    ADD_FAILURE() << "no http endpoint";
    return HttpClient(0);
  }

  std::string metrics() {
    HttpReply reply = http().get("/metrics");
    EXPECT_EQ(reply.status, 200);
    return reply.body;
  }

  double metric(const std::string& series) { return sample(metrics(), series).value_or(-1); }

  // Waits until `series` reaches at least `wanted`.
  bool metric_reaches(const std::string& series, double wanted) {
    return eventually([&] { return metric(series) >= wanted; });
  }

  json::value admin_get(const std::string& target) {
    HttpReply reply = http().get(target, kToken);
    EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
    return parse(reply);
  }
};

// --- configuration -------------------------------------------------------------

TEST_F(HttpTest, TheHttpEndpointIsReportedWithItsRealPort) {
  start_with_http();
  const auto endpoints = broker().starling().endpoints();
  ASSERT_EQ(endpoints.size(), 2u);
  EXPECT_EQ(endpoints[0].type, "tcp");
  EXPECT_EQ(endpoints[1].type, "http");
  EXPECT_NE(endpoints[1].port, 0);
  EXPECT_NE(endpoints[1].port, endpoints[0].port);
}

TEST_F(HttpTest, WithoutHttpOptionsThereIsNoHttpEndpoint) {
  for (const Endpoint& endpoint : broker().starling().endpoints()) {
    EXPECT_NE(endpoint.type, "http");
  }
}

TEST_F(HttpTest, AnInvalidHttpBindStopsTheBrokerFromStarting) {
  Options options = TestBroker::default_options();
  options.storage.durability = "memory";
  options.http.enabled = true;
  options.http.bind = "not-an-address";
  auto started = Broker::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("http"), std::string::npos) << started.error().message;
}

// --- /metrics -----------------------------------------------------------------

TEST_F(HttpTest, MetricsAreInPrometheusTextFormatAndNeedNoToken) {
  start_with_http();
  HttpReply reply = http().get("/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* family : {"connections gauge", "connections_total counter",
                             "messages_received_total counter", "messages_sent_total counter",
                             "bytes_received_total counter", "messages_dropped_total counter",
                             "queued_messages gauge", "storage_write_seconds histogram",
                             "storage_sync_batch_size histogram", "listener_connections gauge"}) {
    EXPECT_NE(reply.body.find(std::string("# TYPE starling_") + family + "\n"), std::string::npos)
        << family;
  }
  EXPECT_NE(reply.body.find("# HELP starling_connections "), std::string::npos);
  // Every sample line is "starling_<name>[{labels}] <number>".
  std::istringstream lines(reply.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("#")) continue;
    EXPECT_TRUE(line.starts_with("starling_")) << line;
    const std::size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    char* end = nullptr;
    std::strtod(line.c_str() + space + 1, &end);
    EXPECT_EQ(*end, '\0') << line;
  }
}

TEST_F(HttpTest, MetricsMoveAsTrafficFlows) {
  start_with_http();
  const std::string before = metrics();
  const double received_qos0 =
      sample(before, "starling_messages_received_total{qos=\"0\"}").value();
  const double received_qos1 =
      sample(before, "starling_messages_received_total{qos=\"1\"}").value();
  const double sent_qos1 = sample(before, "starling_messages_sent_total{qos=\"1\"}").value();
  const double bytes_in = sample(before, "starling_bytes_received_total").value();
  const double connections_total = sample(before, "starling_connections_total").value();

  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("m/#"), 1);
  auto publisher = connected_client("pub", kV311);
  for (int i = 0; i < 3; ++i) publisher->publish(topic("m/zero"), "z", 0);
  for (int i = 0; i < 2; ++i) publisher->publish(topic("m/one"), "o", 1);
  publisher->publish(topic("m/kept"), "retained", 1, true);  // a durable store write
  ASSERT_TRUE(subscriber->received().wait_for(6));

  EXPECT_TRUE(metric_reaches("starling_messages_received_total{qos=\"0\"}", received_qos0 + 3));
  EXPECT_TRUE(metric_reaches("starling_messages_received_total{qos=\"1\"}", received_qos1 + 3));
  EXPECT_TRUE(metric_reaches("starling_messages_sent_total{qos=\"1\"}", sent_qos1 + 3));
  const std::string after = metrics();
  EXPECT_GT(sample(after, "starling_bytes_received_total").value(), bytes_in);
  EXPECT_GT(sample(after, "starling_bytes_sent_total").value(), 0);
  EXPECT_GE(sample(after, "starling_connections_total").value(), connections_total + 2);
  EXPECT_GE(sample(after, "starling_connections").value(), 2);
  EXPECT_GE(sample(after, "starling_listener_connections{listener=\"tcp://127.0.0.1:0\"}").value(),
            2);
  EXPECT_GE(
      sample(after, "starling_listener_accepted_total{listener=\"tcp://127.0.0.1:0\"}").value(), 2);
  EXPECT_GE(sample(after, "starling_retained_messages").value(), 1);
  EXPECT_GE(sample(after, "starling_subscriptions").value(), 1);
  EXPECT_GE(sample(after, "starling_sessions_online").value(), 2);
  EXPECT_GT(sample(after, "starling_storage_write_seconds_count").value(), 0);
  EXPECT_GT(sample(after, "starling_storage_sync_batch_size_count").value(), 0);
  EXPECT_EQ(sample(after, "starling_storage_write_seconds_bucket{le=\"+Inf\"}"),
            sample(after, "starling_storage_write_seconds_count"));
}

TEST_F(HttpTest, QueueDepthCountsMessagesWaitingForAnOfflineSession) {
  start_with_http();
  ConnectSettings persistent;
  persistent.clean = false;
  auto sleeper = connected_client("sleeper", kV311, persistent);
  sleeper->subscribe(topic("q"), 1);
  sleeper->disconnect();
  EXPECT_TRUE(metric_reaches("starling_sessions", 1));

  auto publisher = connected_client("pub", kV311);
  for (int i = 0; i < 4; ++i) publisher->publish(topic("q"), "wait for me", 1);
  EXPECT_TRUE(metric_reaches("starling_queued_messages", 4));
  EXPECT_GE(metric("starling_queued_bytes"), 4 * 11);
}

TEST_F(HttpTest, DroppedMessagesAreCountedByReason) {
  // One queued message per session at most: the next ones are dropped.
  start_broker([&](Options& options) {
    options.http.enabled = true;
    options.http.bind = "127.0.0.1:0";
    options.limits.max_queued_messages = 1;
  });
  EXPECT_EQ(metric("starling_messages_dropped_total{reason=\"queue_full\"}"), 0);
  ConnectSettings persistent;
  persistent.clean = false;
  auto sleeper = connected_client("sleeper", kV311, persistent);
  sleeper->subscribe(topic("d"), 1);
  sleeper->disconnect();
  auto publisher = connected_client("pub", kV311);
  for (int i = 0; i < 3; ++i) publisher->publish(topic("d"), "x", 1);
  EXPECT_TRUE(metric_reaches("starling_messages_dropped_total{reason=\"queue_full\"}", 2));
  EXPECT_EQ(metric("starling_messages_dropped_total{reason=\"too_large\"}"), 0);
}

TEST_F(HttpTest, HookLatencyIsMeasuredPerPluginAndHook) {
  start_broker([&](Options& options) {
    options.http.enabled = true;
    options.http.bind = "127.0.0.1:0";
    PluginOptions plugin;
    plugin.path = STARLING_FIXTURE_V1_ALLOW_ALL;
    options.plugins.push_back(plugin);
  });
  auto client = connected_client("c", kV5);
  client->publish(topic("hooked"), "x", 1);
  const std::string name = std::filesystem::path(STARLING_FIXTURE_V1_ALLOW_ALL).filename();
  const std::string labels = "{plugin=\"" + name + "\",hook=\"";
  EXPECT_TRUE(metric_reaches("starling_plugin_hook_seconds_count" + labels + "authenticate\"}", 1));
  EXPECT_TRUE(
      metric_reaches("starling_plugin_hook_seconds_count" + labels + "authorize_publish\"}", 1));
  // A hook the plugin lacks has no series.
  EXPECT_FALSE(sample(metrics(), "starling_plugin_hook_seconds_count" + labels + "connected\"}"));
}

// --- the admin API: access ------------------------------------------------------

TEST_F(HttpTest, AdminRequestsWithoutOrWithAWrongTokenGet401) {
  start_with_http();
  for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {},
           {{"Authorization", "Bearer wrong-token"}},
           {{"Authorization", std::string("Bearer ") + kToken + "x"}},
           {{"Authorization", std::string("Basic ") + kToken}},
           {{"Authorization", "Bearer"}}}) {
    HttpReply reply = http().request("GET", "/api/v1/clients", "", headers);
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_EQ(reply.header("WWW-Authenticate"), "Bearer realm=\"starling\"");
    EXPECT_TRUE(parse(reply).as_object().contains("error"));
  }
  // Nothing mutating gets through without the token either.
  EXPECT_EQ(http().post("/api/v1/publish", R"({"topic":"t","payload":"x"})", "nope").status, 401);
  EXPECT_EQ(http().del("/api/v1/retained?filter=%23").status, 401);
}

TEST_F(HttpTest, WithoutAnAdminTokenTheApiIsOffButMetricsWork) {
  start_with_http("");
  EXPECT_EQ(http().get("/metrics").status, 200);
  HttpReply reply = http().get("/api/v1/clients", kToken);
  EXPECT_EQ(reply.status, 404);
  EXPECT_NE(parse(reply).at("error").as_string().find("admin_token"), json::string::npos);
}

// --- clients -------------------------------------------------------------------------

TEST_F(HttpTest, ClientsAreListedInPagesWithSessionStateAndSubscriptions) {
  start_with_http();
  auto a = connected_client("a", kV5);
  auto b = connected_client("b", kV311);
  auto c = connected_client("c", kV5);
  b->subscribe(topic("x/+"), 1);

  json::value first = admin_get("/api/v1/clients?limit=2");
  EXPECT_EQ(first.at("total").to_number<std::int64_t>(), 3);
  const json::array& page = first.at("clients").as_array();
  ASSERT_EQ(page.size(), 2u);
  // Sorted by client id: a-..., b-...
  EXPECT_EQ(page[0].at("client_id").as_string(), a->client_id());
  EXPECT_EQ(page[1].at("client_id").as_string(), b->client_id());
  EXPECT_EQ(page[0].at("protocol_version").to_number<std::int64_t>(), 5);
  EXPECT_EQ(page[1].at("protocol_version").to_number<std::int64_t>(), 4);
  EXPECT_TRUE(page[1].at("connected").as_bool());
  EXPECT_NE(page[1].at("address").as_string().find("127.0.0.1"), json::string::npos);
  const json::array& subscriptions = page[1].at("subscriptions").as_array();
  ASSERT_EQ(subscriptions.size(), 1u);
  EXPECT_EQ(subscriptions[0].at("filter").as_string(), topic("x/+"));
  EXPECT_EQ(subscriptions[0].at("qos").to_number<std::int64_t>(), 1);

  json::value second = admin_get("/api/v1/clients?offset=2&limit=2");
  ASSERT_EQ(second.at("clients").as_array().size(), 1u);
  EXPECT_EQ(second.at("clients").as_array()[0].at("client_id").as_string(), c->client_id());
  EXPECT_EQ(admin_get("/api/v1/clients?offset=10").at("clients").as_array().size(), 0u);

  EXPECT_EQ(http().get("/api/v1/clients?limit=abc", kToken).status, 400);
  EXPECT_EQ(http().get("/api/v1/clients?limit=0", kToken).status, 400);
  EXPECT_EQ(http().get("/api/v1/clients?offset=-1", kToken).status, 400);
  EXPECT_EQ(http().post("/api/v1/clients", "{}", kToken).status, 405);
}

TEST_F(HttpTest, OneClientIsFoundByItsUrlEncodedId) {
  start_with_http();
  TestClient odd(broker(), "dev/1 ü", kV5);
  odd.connect();
  odd.subscribe(topic("one"), 2);
  json::value client = admin_get("/api/v1/clients/dev%2F1%20%C3%BC");
  EXPECT_EQ(client.at("client_id").as_string(), "dev/1 ü");
  EXPECT_EQ(client.at("subscriptions").as_array().size(), 1u);
  EXPECT_EQ(client.at("keep_alive").to_number<std::int64_t>(), 60);

  HttpReply missing = http().get("/api/v1/clients/nobody-here", kToken);
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(parse(missing).as_object().contains("error"));
  EXPECT_EQ(http().get("/api/v1/clients/bad%zz", kToken).status, 400);
}

TEST_F(HttpTest, AnOfflineSessionIsListedAsDisconnected) {
  start_with_http();
  ConnectSettings persistent;
  persistent.clean = false;
  auto sleeper = connected_client("sleeper", kV311, persistent);
  const std::string id = sleeper->client_id();
  sleeper->disconnect();
  ASSERT_TRUE(
      eventually([&] { return !admin_get("/api/v1/clients/" + id).at("connected").as_bool(); }));
  // Kicking needs a connection.
  EXPECT_EQ(http().del("/api/v1/clients/" + id, kToken).status, 409);
}

// A watcher subscribed to the wills, and a victim with a will.
class HttpKickTest : public HttpTest {
 protected:
  void start(int victim_version) {
    start_with_http();
    watcher_ = connected_client("watcher", kV5);
    watcher_->subscribe(topic("wills/#"), 1);
    ConnectSettings settings;
    settings.will = mqtt::will_options(topic("wills/victim"), std::string("victim gone"), 1, false);
    victim_ = connected_client("victim", victim_version, settings);
  }

  std::unique_ptr<TestClient> watcher_;
  std::unique_ptr<TestClient> victim_;
};

TEST_F(HttpKickTest, KickingAClientWithoutItsWillDoesNotPublishIt) {
  start(kV5);
  HttpReply reply = http().del("/api/v1/clients/" + victim_->client_id() + "?will=false", kToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_FALSE(parse(reply).at("will").as_bool());
  EXPECT_EQ(victim_->wait_for_server_disconnect(), 0x98);  // Administrative action
  EXPECT_TRUE(watcher_->received().stays_at(0));
}

TEST_F(HttpKickTest, KickingAClientWithItsWillPublishesIt) {
  start(kV311);
  HttpReply reply =
      http().post("/api/v1/clients/" + victim_->client_id() + "/disconnect?will=true", "", kToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(victim_->wait_for_server_disconnect().has_value());
  ASSERT_TRUE(watcher_->received().wait_for(1));
  EXPECT_EQ(watcher_->received().at(0)->get_payload_str(), "victim gone");
}

TEST_F(HttpKickTest, KickingWithoutAWillFlagPublishesTheWill) {
  start(kV5);
  ASSERT_EQ(http().del("/api/v1/clients/" + victim_->client_id(), kToken).status, 200);
  ASSERT_TRUE(watcher_->received().wait_for(1));
  EXPECT_EQ(watcher_->received().at(0)->get_payload_str(), "victim gone");
}

TEST_F(HttpTest, KickingNeedsAKnownClientAndAValidWillFlag) {
  start_with_http();
  auto client = connected_client("c", kV5);
  EXPECT_EQ(http().del("/api/v1/clients/nobody?will=false", kToken).status, 404);
  EXPECT_EQ(http().del("/api/v1/clients/" + client->client_id() + "?will=maybe", kToken).status,
            400);
  EXPECT_EQ(http().get("/api/v1/clients/" + client->client_id() + "/disconnect", kToken).status,
            405);
  EXPECT_TRUE(client->is_connected());
}

// --- retained messages ----------------------------------------------------------------

TEST_F(HttpTest, RetainedMessagesAreListedAndDeletedByFilter) {
  start_with_http();
  auto publisher = connected_client("pub", kV311);
  publisher->publish(topic("r/1"), "one", 1, true);
  publisher->publish(topic("r/2"), std::string("\xff\x00\x01", 3), 1, true);
  publisher->publish(topic("other"), "three", 1, true);

  const std::string r_all = "?filter=" + topic("r") + "/%23";
  json::value listed = admin_get("/api/v1/retained" + r_all);
  ASSERT_EQ(listed.at("total").to_number<std::int64_t>(), 2);
  const json::array& messages = listed.at("messages").as_array();
  EXPECT_EQ(messages[0].at("topic").as_string(), topic("r/1"));
  EXPECT_EQ(messages[0].at("payload").as_string(), "one");
  EXPECT_EQ(messages[1].at("payload_base64").as_string(), "/wAB");  // not UTF-8
  EXPECT_EQ(admin_get("/api/v1/retained").at("total").to_number<std::int64_t>(), 3);

  HttpReply deleted = http().del("/api/v1/retained?filter=" + topic("r") + "/%2B", kToken);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(parse(deleted).at("deleted").to_number<std::int64_t>(), 2);
  EXPECT_EQ(admin_get("/api/v1/retained" + r_all).at("total").to_number<std::int64_t>(), 0);
  EXPECT_EQ(admin_get("/api/v1/retained").at("total").to_number<std::int64_t>(), 1);

  // A new subscriber gets only what is left.
  auto subscriber = connected_client("sub", kV311);
  subscriber->subscribe(topic("#"), 1);
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_TRUE(subscriber->received().stays_at(1));
  EXPECT_EQ(subscriber->received().at(0)->get_topic(), topic("other"));
}

TEST_F(HttpTest, RetainedRequestsNeedAValidFilter) {
  start_with_http();
  EXPECT_EQ(http().get("/api/v1/retained?filter=a/%23/b", kToken).status, 400);
  EXPECT_EQ(http().get("/api/v1/retained?filter=", kToken).status, 400);
  HttpReply no_filter = http().del("/api/v1/retained", kToken);
  EXPECT_EQ(no_filter.status, 400);
  EXPECT_NE(parse(no_filter).at("error").as_string().find("filter"), json::string::npos);
  EXPECT_EQ(http().post("/api/v1/retained", "{}", kToken).status, 405);
}

// --- publish -------------------------------------------------------------------------

TEST_F(HttpTest, APublishThroughTheApiReachesSubscribers) {
  start_with_http();
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("api"), 1);
  json::object body{{"topic", topic("api")}, {"payload", "hello \"world\""}, {"qos", 1}};
  HttpReply reply = http().post("/api/v1/publish", json::serialize(body), kToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->get_payload_str(), "hello \"world\"");
  EXPECT_EQ(subscriber->received().at(0)->get_qos(), 1);

  // Retained: a later subscriber gets it.
  json::object kept{{"topic", topic("kept")}, {"payload", "stay"}, {"retain", true}};
  ASSERT_EQ(http().post("/api/v1/publish", json::serialize(kept), kToken).status, 200);
  auto late = connected_client("late", kV311);
  late->subscribe(topic("kept"), 0);
  ASSERT_TRUE(late->received().wait_for(1));
  EXPECT_EQ(late->received().at(0)->get_payload_str(), "stay");
}

TEST_F(HttpTest, APublishWithABadBodyIsRefusedWith400) {
  start_with_http();
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe("#", 0);
  for (const std::string& body :
       {std::string("{not json"), std::string("[1,2]"), std::string(R"({"payload":"x"})"),
        std::string(R"({"topic":"a/+","payload":"x"})"), std::string(R"({"topic":""})"),
        std::string(R"({"topic":"t","qos":3})"), std::string(R"({"topic":"t","qos":"1"})"),
        std::string(R"({"topic":"t","retain":1})"), std::string(R"({"topic":"t","extra":1})"),
        std::string("")}) {
    HttpReply reply = http().post("/api/v1/publish", body, kToken);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_TRUE(parse(reply).as_object().contains("error")) << body;
  }
  EXPECT_EQ(http().get("/api/v1/publish", kToken).status, 405);
  EXPECT_TRUE(subscriber->received().stays_at(0));
}

// --- subscriptions and stats -----------------------------------------------------------

TEST_F(HttpTest, SubscriptionsAreListedByFilter) {
  start_with_http();
  auto one = connected_client("one", kV5);
  auto two = connected_client("two", kV5);
  one->subscribe(topic("s/a"), 0);
  two->subscribe(topic("s/+"), 2);
  two->subscribe(topic("elsewhere"), 1);

  json::value under_s = admin_get("/api/v1/subscriptions?filter=" + topic("s") + "/%23");
  EXPECT_EQ(under_s.at("total").to_number<std::int64_t>(), 2);
  const json::array& list = under_s.at("subscriptions").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("client_id").as_string(), one->client_id());
  EXPECT_EQ(list[0].at("filter").as_string(), topic("s/a"));
  EXPECT_EQ(list[1].at("filter").as_string(), topic("s/+"));
  EXPECT_EQ(list[1].at("qos").to_number<std::int64_t>(), 2);
  EXPECT_EQ(admin_get("/api/v1/subscriptions").at("total").to_number<std::int64_t>(), 3);
  EXPECT_EQ(http().get("/api/v1/subscriptions?filter=%23/x", kToken).status, 400);
}

TEST_F(HttpTest, StatsReportConnectionsSessionsAndMessages) {
  start_with_http();
  auto client = connected_client("c", kV5);
  client->publish(topic("t"), "x", 1);
  ASSERT_TRUE(eventually([&] {
    return admin_get("/api/v1/stats").at("messages").at("received").to_number<std::int64_t>() >= 1;
  }));
  json::value stats = admin_get("/api/v1/stats");
  EXPECT_GE(stats.at("connections").at("current").to_number<std::int64_t>(), 1);
  EXPECT_GE(stats.at("sessions").to_number<std::int64_t>(), 1);
  EXPECT_GE(stats.at("messages").at("received_by_qos").at("1").to_number<std::int64_t>(), 1);
  EXPECT_GT(stats.at("bytes").at("received").to_number<std::int64_t>(), 0);
  EXPECT_GE(stats.at("uptime_seconds").to_number<std::int64_t>(), 0);
}

// --- hostile input ---------------------------------------------------------------------

TEST_F(HttpTest, BadRequestsGetErrorStatusesAndTheServerKeepsServing) {
  start_with_http(kToken, [](HttpOptions& http) { http.max_body_size = 1024; });
  EXPECT_EQ(http().get("/nowhere").status, 404);
  EXPECT_EQ(http().get("/api/v2/clients", kToken).status, 404);
  EXPECT_EQ(http().get("/api/v1/nothing", kToken).status, 404);
  HttpReply wrong_method = http().post("/metrics", "");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("Allow"), "GET");
  EXPECT_EQ(http().raw("NOT HTTP AT ALL\r\n\r\n").status, 400);
  EXPECT_EQ(http().raw("GET /metrics HTTP/1.1\r\nContent-Length: nope\r\n\r\n").status, 400);
  EXPECT_EQ(http().get("metrics-without-slash").status, 400);
  // Over max_body_size, whether announced or just sent.
  const std::string big(4096, 'x');
  EXPECT_EQ(http().post("/api/v1/publish", big, kToken).status, 413);
  // Headers over 8 KiB.
  EXPECT_EQ(
      http().request("GET", "/metrics", "", {{"X-Filler", std::string(16 * 1024, 'h')}}).status,
      431);
  // Random bytes, and a request cut short.
  EXPECT_NE(http().raw(std::string("\x00\x01\xff\r\n\r\n\x16\x03", 8)).status, 200);
  EXPECT_EQ(http().raw("GET /metr").status, 0);
  EXPECT_EQ(http().get("/metrics").status, 200);
  expect_broker_still_serves_clients();
}

TEST_F(HttpTest, ConnectionsOverTheCapAreTurnedAwayAndTheCapFreesUp) {
  start_with_http(kToken, [](HttpOptions& http) { http.max_connections = 2; });
  std::vector<int> idle;
  for (int i = 0; i < 2; ++i) idle.push_back(http().open_idle());
  // The two idle ones are counted once the broker accepted them.
  ASSERT_TRUE(eventually([&] {
    const int extra = http().open_idle();
    return HttpClient::closed_by_server(extra, 2s);
  }));
  for (int fd : idle) ::close(fd);
  EXPECT_TRUE(eventually([&] { return http().get("/metrics").status == 200; }));
}

TEST_F(HttpTest, AnIdleConnectionIsClosedAfterTheRequestTimeout) {
  start_with_http(kToken, [](HttpOptions& http) { http.request_timeout_ms = 1000; });
  const int fd = http().open_idle();
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(HttpClient::closed_by_server(fd, 10s));
  EXPECT_EQ(http().get("/metrics").status, 200);
}

TEST_F(HttpTest, KeepAliveConnectionsServeSeveralRequests) {
  start_with_http();
  const std::string one = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  HttpReply reply =
      http().raw(one + one + "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
  // Three answers came back on the one connection.
  std::size_t answers = 0;
  for (std::size_t at = reply.body.find("HTTP/1.1 200"); at != std::string::npos;
       at = reply.body.find("HTTP/1.1 200", at + 1)) {
    ++answers;
  }
  EXPECT_EQ(answers, 2u);  // the first one's head is in reply.headers
}

}  // namespace
}  // namespace starling::test
