#include "config/config_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "config/config_error.hpp"
#include "options_equal.hpp"

namespace starling {
namespace {

using testing::expect_same_listeners;
using testing::expect_same_options;

// The error message of parsing `text` as "starling.toml"; fails the test if
// parsing succeeds.
std::string error_of(const std::string& text) {
  Result<Options> result = parse_config(text, "starling.toml");
  if (result.ok()) {
    ADD_FAILURE() << "expected an error for:\n" << text;
    return "";
  }
  EXPECT_EQ(result.error().code, kConfigErrorCode);
  return result.error().message;
}

TEST(ConfigFile, AnEmptyFileGivesTheDefaults) {
  Result<Options> options = parse_config("", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  expect_same_options(*options, Options{});
}

TEST(ConfigFile, CommentsAndBlankLinesAloneGiveTheDefaults) {
  Result<Options> options = parse_config("# nothing here\n\n   # still nothing\n", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  expect_same_options(*options, Options{});
}

TEST(ConfigFile, EveryKeyIsParsed) {
  const std::string text = R"(
data_dir = "/var/lib/starling"
threads = 8
log_level = "debug"

[[listeners]]
type = "tcp"
bind = "0.0.0.0:1884"
allow_anonymous = false

[[listeners]]
bind = "[::1]:0"

[mqtt]
max_keep_alive = 600
topic_alias_maximum = 10
maximum_qos = 1
retain_available = false
wildcard_subscriptions = false
shared_subscriptions = false
subscription_identifiers = false
allow_zero_length_client_id = false
queue_qos0_offline = true
max_session_expiry = 3600

[limits]
max_packet_size = 65536
receive_maximum = 100
max_inflight = 20
max_queued_messages = 500
max_queued_bytes = 10000000000
connect_timeout_ms = 2500
queue_full_policy = "drop_oldest"
)";
  Result<Options> options = parse_config(text, "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;

  Options expected;
  expected.data_dir = "/var/lib/starling";
  expected.threads = 8;
  expected.log_level = "debug";
  expected.listeners = {{"tcp", "0.0.0.0:1884", false}, {"tcp", "[::1]:0", true}};
  expected.mqtt = {600, 10, 1, false, false, false, false, false, true, 3600};
  expected.limits = {65536, 100, 20, 500, 10000000000ull, 2500, "drop_oldest"};
  expect_same_options(*options, expected);
}

TEST(ConfigFile, SectionsMayBeWrittenAsInlineTablesAndDottedKeys) {
  Result<Options> options = parse_config(
      "mqtt = { maximum_qos = 0 }\n"
      "limits.max_inflight = 7\n"
      "listeners = [ { bind = \"localhost:1\" } ]\n",
      "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->mqtt.maximum_qos, 0);
  EXPECT_EQ(options->limits.max_inflight, 7);
  expect_same_listeners(options->listeners, {{"tcp", "localhost:1", true}});
}

TEST(ConfigFile, AbsentListenersLeaveTheListEmptyMeaningTheDefaultListener) {
  Result<Options> options = parse_config("threads = 2\n", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_TRUE(options->listeners.empty());
}

TEST(ConfigFile, IntegersAtTheEdgesOfTheirRangesAreAccepted) {
  Result<Options> options = parse_config(
      "threads = 1024\n"
      "[mqtt]\nmax_keep_alive = 65535\nmaximum_qos = 2\nmax_session_expiry = 4294967295\n"
      "[limits]\nmax_packet_size = 16\nreceive_maximum = 1\nmax_inflight = 65535\n"
      "max_queued_bytes = 9223372036854775807\n",
      "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->threads, 1024u);
  EXPECT_EQ(options->mqtt.max_session_expiry, 4294967295u);
  EXPECT_EQ(options->limits.max_packet_size, 16u);
  EXPECT_EQ(options->limits.max_queued_bytes, 9223372036854775807ull);
}

// --- errors: each names the file, the line and the key ---

TEST(ConfigFile, AnOutOfRangeIntegerNamesFileLineAndKey) {
  EXPECT_EQ(error_of("[limits]\n\n\n\n\n\nmax_packet_size = -1\n"),
            "starling.toml:7: limits.max_packet_size: expected an integer from 16 to 268435460, "
            "got -1");
  EXPECT_EQ(error_of("[limits]\nmax_packet_size = 268435461\n"),
            "starling.toml:2: limits.max_packet_size: expected an integer from 16 to 268435460, "
            "got 268435461");
}

TEST(ConfigFile, Uint16FieldsRejectValuesAbove65535) {
  EXPECT_EQ(error_of("[mqtt]\nmax_keep_alive = 65536\n"),
            "starling.toml:2: mqtt.max_keep_alive: expected an integer from 0 to 65535, got 65536");
  EXPECT_EQ(error_of("[mqtt]\ntopic_alias_maximum = 70000\n"),
            "starling.toml:2: mqtt.topic_alias_maximum: expected an integer from 0 to 65535, got "
            "70000");
}

TEST(ConfigFile, MaximumQosMustBeZeroToTwo) {
  EXPECT_EQ(error_of("[mqtt]\nmaximum_qos = 3\n"),
            "starling.toml:2: mqtt.maximum_qos: expected an integer from 0 to 2, got 3");
}

TEST(ConfigFile, ReceiveMaximumAndMaxInflightMustBeAtLeastOne) {
  EXPECT_EQ(error_of("[limits]\nreceive_maximum = 0\n"),
            "starling.toml:2: limits.receive_maximum: expected an integer from 1 to 65535, got 0");
  EXPECT_EQ(error_of("[limits]\nmax_inflight = 0\n"),
            "starling.toml:2: limits.max_inflight: expected an integer from 1 to 65535, got 0");
}

TEST(ConfigFile, ThreadsAbove1024AreRejected) {
  EXPECT_EQ(error_of("threads = 1025\n"),
            "starling.toml:1: threads: expected an integer from 0 to 1024, got 1025");
}

TEST(ConfigFile, AnIntegerTooLargeForTomlIsOutOfRangeNotWrapped) {
  EXPECT_EQ(error_of("[mqtt]\nmax_session_expiry = 99999999999999999999\n"),
            "starling.toml:2: mqtt.max_session_expiry: expected an integer from 0 to 4294967295, "
            "got 9223372036854775807");
}

TEST(ConfigFile, AWrongTypeNamesTheKeyAndShowsTheValue) {
  EXPECT_EQ(error_of("threads = \"four\"\n"),
            "starling.toml:1: threads: expected an integer from 0 to 1024, got \"four\"");
  EXPECT_EQ(error_of("threads = 1.5\n"),
            "starling.toml:1: threads: expected an integer from 0 to 1024, got 1.5");
  EXPECT_EQ(error_of("[mqtt]\nretain_available = \"yes\"\n"),
            "starling.toml:2: mqtt.retain_available: expected true or false, got \"yes\"");
  EXPECT_EQ(error_of("data_dir = 3\n"), "starling.toml:1: data_dir: expected a string, got 3");
  EXPECT_EQ(error_of("log_level = [\"info\"]\n"),
            "starling.toml:1: log_level: expected a string, got an array");
}

TEST(ConfigFile, ASectionThatIsNotATableIsAnError) {
  EXPECT_EQ(error_of("mqtt = 1\n"), "starling.toml:1: mqtt: expected a table ([mqtt]), got 1");
  EXPECT_EQ(error_of("limits = \"big\"\n"),
            "starling.toml:1: limits: expected a table ([limits]), got \"big\"");
}

TEST(ConfigFile, AnUnknownLogLevelIsAnError) {
  EXPECT_EQ(error_of("\nlog_level = \"loud\"\n"),
            "starling.toml:2: log_level: expected one of trace, debug, info, warn, error, off, "
            "got 'loud'");
}

TEST(ConfigFile, AnEmptyDataDirIsAnError) {
  EXPECT_EQ(error_of("data_dir = \"\"\n"), "starling.toml:1: data_dir: must not be empty");
}

TEST(ConfigFile, SysIntervalAndPresenceEventsAreRead) {
  Result<Options> options = parse_config("sys_interval = 1\npresence_events = false\n", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->sys_interval, 1u);
  EXPECT_FALSE(options->presence_events);
}

TEST(ConfigFile, SysIntervalDefaultsToTenAndZeroTurnsItOff) {
  EXPECT_EQ(Options{}.sys_interval, 10u);
  EXPECT_TRUE(Options{}.presence_events);
  Result<Options> options = parse_config("sys_interval = 0\n", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->sys_interval, 0u);
}

TEST(ConfigFile, ABadSysIntervalNamesTheKeyAndTheRange) {
  EXPECT_EQ(error_of("sys_interval = -1\n"),
            "starling.toml:1: sys_interval: expected an integer from 0 to 86400, got -1");
  EXPECT_EQ(error_of("sys_interval = 86401\n"),
            "starling.toml:1: sys_interval: expected an integer from 0 to 86400, got 86401");
  EXPECT_EQ(error_of("sys_interval = \"10s\"\n"),
            "starling.toml:1: sys_interval: expected an integer from 0 to 86400, got \"10s\"");
  EXPECT_EQ(error_of("presence_events = 1\n"),
            "starling.toml:1: presence_events: expected true or false, got 1");
}

TEST(ConfigFile, AMisspelledSysIntervalSuggestsTheRightKey) {
  EXPECT_EQ(error_of("sys_intervall = 5\n"),
            "starling.toml:1: unknown key 'sys_intervall' (did you mean 'sys_interval'?)");
}

TEST(ConfigFile, AnUnknownKeySuggestsTheClosestKnownKey) {
  EXPECT_EQ(error_of("\n[mqtt]\nmax_qos = 1\n"),
            "starling.toml:3: unknown key 'mqtt.max_qos' (did you mean 'mqtt.maximum_qos'?)");
  EXPECT_EQ(error_of("thread = 4\n"),
            "starling.toml:1: unknown key 'thread' (did you mean 'threads'?)");
}

TEST(ConfigFile, AKeyInTheWrongSectionSuggestsTheRightOne) {
  EXPECT_EQ(error_of("[mqtt]\nmax_packet_size = 100\n"),
            "starling.toml:2: unknown key 'mqtt.max_packet_size' (did you mean "
            "'limits.max_packet_size'?)");
}

TEST(ConfigFile, AnUnknownKeyWithNothingCloseHasNoSuggestion) {
  EXPECT_EQ(error_of("[limits]\nzzz = 1\n"), "starling.toml:2: unknown key 'limits.zzz'");
}

TEST(ConfigFile, AnUnknownSectionIsAnError) {
  EXPECT_EQ(error_of("[cache]\npath = \"x\"\n"), "starling.toml:1: unknown section 'cache'");
  EXPECT_EQ(error_of("[limit]\n"),
            "starling.toml:1: unknown section 'limit' (did you mean 'limits'?)");
}

TEST(ConfigFile, StorageSectionSetsDurabilityAndFlushInterval) {
  auto options = parse_config("[storage]\ndurability = \"batched\"\nbatched_flush_ms = 250\n",
                              "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->storage.durability, "batched");
  EXPECT_EQ(options->storage.batched_flush_ms, 250u);
}

TEST(ConfigFile, StorageDefaultsToSyncDurability) {
  auto options = parse_config("", "starling.toml");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->storage.durability, "sync");
}

TEST(ConfigFile, AnUnknownDurabilityModeIsAnErrorListingTheModes) {
  EXPECT_EQ(error_of("[storage]\ndurability = \"fast\"\n"),
            "starling.toml:2: storage.durability: expected one of sync, batched, memory, got 'fast'");
}

TEST(ConfigFile, QueueFullPolicyDefaultsToDropNew) {
  auto options = parse_config("", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->limits.queue_full_policy, "drop_new");
}

TEST(ConfigFile, QueueFullPolicyAcceptsDropOldest) {
  auto options = parse_config("[limits]\nqueue_full_policy = \"drop_oldest\"\n", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->limits.queue_full_policy, "drop_oldest");
}

TEST(ConfigFile, AnUnknownQueueFullPolicyNamesFileLineAndKeyAndListsThePolicies) {
  EXPECT_EQ(error_of("[limits]\nmax_inflight = 5\nqueue_full_policy = \"drop_random\"\n"),
            "starling.toml:3: limits.queue_full_policy: expected one of drop_new, drop_oldest, "
            "got 'drop_random'");
}

TEST(ConfigFile, AQueueFullPolicyThatIsNotAStringNamesTheKey) {
  EXPECT_EQ(error_of("[limits]\nqueue_full_policy = 1\n"),
            "starling.toml:2: limits.queue_full_policy: expected a string, got 1");
}

TEST(ConfigFile, AMisspelledQueueFullPolicyKeySuggestsTheRightOne) {
  EXPECT_EQ(error_of("[limits]\nqueue_ful_policy = \"drop_new\"\n"),
            "starling.toml:2: unknown key 'limits.queue_ful_policy' (did you mean "
            "'limits.queue_full_policy'?)");
}

TEST(ConfigFile, AFlushIntervalOfZeroIsAnError) {
  EXPECT_NE(error_of("[storage]\nbatched_flush_ms = 0\n").find("starling.toml:2: storage.batched_flush_ms"),
            std::string::npos);
}

TEST(ConfigFile, AnUnknownSubsectionIsAnUnknownKey) {
  EXPECT_EQ(error_of("[mqtt.extra]\nx = 1\n"), "starling.toml:1: unknown key 'mqtt.extra'");
}

TEST(ConfigFile, AnEmptyListenersArrayIsAnError) {
  EXPECT_EQ(error_of("threads = 1\nlisteners = []\n"),
            "starling.toml:2: listeners: must not be empty (leave it out for the default "
            "listener)");
}

TEST(ConfigFile, ListenersMustBeAnArrayOfTables) {
  EXPECT_EQ(error_of("listeners = \"127.0.0.1:1883\"\n"),
            "starling.toml:1: listeners: expected an array of tables ([[listeners]]), got "
            "\"127.0.0.1:1883\"");
  EXPECT_EQ(error_of("listeners = [1]\n"),
            "starling.toml:1: listeners[0]: expected a table, got 1");
}

TEST(ConfigFile, AnUnknownListenerTypeIsAnError) {
  EXPECT_EQ(error_of("[[listeners]]\ntype = \"quic\"\n"),
            "starling.toml:2: listeners[0].type: unknown listener type 'quic' (supported: tcp, "
            "tls, ws, wss, unix)");
}

TEST(ConfigFile, ListenersReadEveryKey) {
  Result<Options> options = parse_config(
      "[[listeners]]\n"
      "type = \"wss\"\nbind = \"0.0.0.0:8884\"\nallow_anonymous = false\n"
      "protocol_versions = [\"3.1.1\", \"5\"]\nmax_connections = 500\n"
      "mount_point = \"tenant-a/\"\nproxy_protocol = true\npath = \"/ws\"\n"
      "cert_file = \"/etc/s/cert.pem\"\nkey_file = \"/etc/s/key.pem\"\n"
      "ca_file = \"/etc/s/ca.pem\"\nrequire_client_cert = true\n"
      "use_identity_as_username = true\ntls_min_version = \"1.3\"\n"
      "ciphers = \"ECDHE-ECDSA-AES128-GCM-SHA256\"\n"
      "[[listeners]]\ntype = \"unix\"\nbind = \"/run/starling/mqtt.sock\"\n",
      "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  ASSERT_EQ(options->listeners.size(), 2u);
  const ListenerOptions& wss = options->listeners[0];
  EXPECT_EQ(wss.type, "wss");
  EXPECT_EQ(wss.bind, "0.0.0.0:8884");
  EXPECT_FALSE(wss.allow_anonymous);
  EXPECT_EQ(wss.protocol_versions, (std::vector<std::uint8_t>{4, 5}));
  EXPECT_EQ(wss.max_connections, 500u);
  EXPECT_EQ(wss.mount_point, "tenant-a/");
  EXPECT_TRUE(wss.proxy_protocol);
  EXPECT_EQ(wss.path, "/ws");
  EXPECT_EQ(wss.cert_file, "/etc/s/cert.pem");
  EXPECT_EQ(wss.key_file, "/etc/s/key.pem");
  EXPECT_EQ(wss.ca_file, "/etc/s/ca.pem");
  EXPECT_TRUE(wss.require_client_cert);
  EXPECT_TRUE(wss.use_identity_as_username);
  EXPECT_EQ(wss.tls_min_version, "1.3");
  EXPECT_EQ(wss.ciphers, "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(options->listeners[1].type, "unix");
  EXPECT_EQ(options->listeners[1].bind, "/run/starling/mqtt.sock");
}

TEST(ConfigFile, ListenerKeysThatDoNotFitTogetherAreErrors) {
  EXPECT_EQ(error_of("[[listeners]]\ntype = \"tls\"\nbind = \"127.0.0.1:8883\"\n"),
            "starling.toml:1: listeners[0]: a tls listener needs cert_file and key_file");
  EXPECT_EQ(error_of("[[listeners]]\ncert_file = \"c.pem\"\n"),
            "starling.toml:1: listeners[0]: TLS settings on a tcp listener (use type \"tls\" or "
            "\"wss\")");
  EXPECT_EQ(error_of("[[listeners]]\ntype = \"tls\"\ncert_file = \"c\"\nkey_file = \"k\"\n"
                     "require_client_cert = true\n"),
            "starling.toml:1: listeners[0]: require_client_cert needs ca_file, the CAs that sign "
            "client certificates");
  EXPECT_EQ(error_of("[[listeners]]\ntype = \"unix\"\nbind = \"\"\n"),
            "starling.toml:1: listeners[0]: a unix listener binds a socket path of 1 to 107 bytes, "
            "got ''");
  EXPECT_EQ(error_of("[[listeners]]\nprotocol_versions = []\n"),
            "starling.toml:1: listeners[0]: protocol_versions cannot be empty");
}

TEST(ConfigFile, BadListenerValuesNameTheKey) {
  EXPECT_EQ(error_of("[[listeners]]\nprotocol_versions = [\"4\"]\n"),
            "starling.toml:2: listeners[0].protocol_versions: expected \"3.1\", \"3.1.1\" or "
            "\"5\", got '4'");
  EXPECT_EQ(error_of("[[listeners]]\nprotocol_versions = \"5\"\n"),
            "starling.toml:2: listeners[0].protocol_versions: expected an array like "
            "[\"3.1.1\", \"5\"], got \"5\"");
  EXPECT_EQ(error_of("[[listeners]]\nmount_point = \"a/#\"\n"),
            "starling.toml:2: listeners[0].mount_point: a mount point cannot hold '+', '#' or "
            "NUL, got 'a/#'");
  EXPECT_EQ(error_of("[[listeners]]\ntype = \"ws\"\npath = \"mqtt\"\n"),
            "starling.toml:3: listeners[0].path: expected an absolute HTTP path like \"/mqtt\", "
            "got 'mqtt'");
  EXPECT_EQ(error_of("[[listeners]]\ntls_min_version = \"1.1\"\n"),
            "starling.toml:2: listeners[0].tls_min_version: expected one of 1.2, 1.3, got '1.1'");
}

TEST(ConfigFile, NewLimitsAreRead) {
  Result<Options> options = parse_config(
      "[limits]\nmax_connections = 10000\nmax_connect_rate = 200\npublish_rate = 50\n"
      "publish_bytes_rate = 1048576\nmax_topic_length = 1024\nmax_topic_levels = 16\n",
      "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->limits.max_connections, 10000u);
  EXPECT_EQ(options->limits.max_connect_rate, 200u);
  EXPECT_EQ(options->limits.publish_rate, 50u);
  EXPECT_EQ(options->limits.publish_bytes_rate, 1048576u);
  EXPECT_EQ(options->limits.max_topic_length, 1024u);
  EXPECT_EQ(options->limits.max_topic_levels, 16u);
}

TEST(ConfigFile, ABadBindNamesTheListenerByIndex) {
  EXPECT_EQ(error_of("[[listeners]]\nbind = \"127.0.0.1:1\"\n[[listeners]]\nbind = \"1883\"\n"),
            "starling.toml:4: listeners[1].bind: expected HOST:PORT or [IPv6]:PORT, got '1883'");
  EXPECT_EQ(error_of("[[listeners]]\nbind = \"127.0.0.1:65536\"\n"),
            "starling.toml:2: listeners[0].bind: port must be a number from 0 to 65535, got "
            "'65536' in '127.0.0.1:65536'");
  EXPECT_EQ(error_of("[[listeners]]\nbind = \"example.com:1883\"\n"),
            "starling.toml:2: listeners[0].bind: host must be an IPv4 address, [IPv6] address, "
            "'localhost' or '*', got 'example.com' in 'example.com:1883'");
}

TEST(ConfigFile, AnUnknownListenerKeySuggestsTheClosest) {
  EXPECT_EQ(error_of("[[listeners]]\nbnd = \"127.0.0.1:1883\"\n"),
            "starling.toml:2: unknown key 'listeners[0].bnd' (did you mean 'listeners[0].bind'?)");
}

TEST(ConfigFile, ATomlSyntaxErrorNamesFileAndLine) {
  EXPECT_EQ(error_of("threads = 1\nlog_level = \n"),
            "starling.toml:2: invalid TOML: missing value after key-value separator '='");
}

TEST(ConfigFile, ADuplicateKeyIsASyntaxErrorOnTheSecondLine) {
  const std::string message = error_of("threads = 1\nthreads = 2\n");
  EXPECT_TRUE(message.starts_with("starling.toml:2: invalid TOML: ")) << message;
}

TEST(ConfigFile, SeveralProblemsAreAllReportedInFileOrder) {
  EXPECT_EQ(error_of("threads = -1\n[mqtt]\nmaximum_qos = 9\n[limits]\nmax_inflight = 0\n"),
            "starling.toml:1: threads: expected an integer from 0 to 1024, got -1\n"
            "starling.toml:3: mqtt.maximum_qos: expected an integer from 0 to 2, got 9\n"
            "starling.toml:5: limits.max_inflight: expected an integer from 1 to 65535, got 0");
}

TEST(ConfigFile, TheSourceNameIsUsedAsGiven) {
  Result<Options> result = parse_config("threads = -1\n", "/etc/starling/broker.toml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "/etc/starling/broker.toml:1: threads: expected an integer from 0 to 1024, got -1");
}

TEST(ConfigFile, LoadingAMissingFileReportsTheSystemError) {
  Result<Options> result = load_config_file("/nonexistent/starling.toml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kConfigErrorCode);
  EXPECT_EQ(result.error().message,
            "cannot read config file '/nonexistent/starling.toml': No such file or directory");
}

TEST(ConfigFile, LoadingADirectoryReportsTheSystemError) {
  Result<Options> result = load_config_file("/");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "cannot read config file '/': Is a directory");
}

TEST(ConfigFile, LoadingAFileParsesItAndNamesItInErrors) {
  const std::string path = ::testing::TempDir() + "config_file_test.toml";
  {
    std::ofstream file(path);
    file << "threads = 3\n";
  }
  Result<Options> loaded = load_config_file(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->threads, 3u);

  {
    std::ofstream file(path);
    file << "threads = 3000\n";
  }
  Result<Options> bad = load_config_file(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            path + ":1: threads: expected an integer from 0 to 1024, got 3000");
  std::remove(path.c_str());
}

TEST(ConfigFile, WithoutAnHttpSectionTheHttpListenerIsOff) {
  Result<Options> options = parse_config("threads = 1\n", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_FALSE(options->http.enabled);
}

TEST(ConfigFile, AnEmptyHttpSectionTurnsTheListenerOnWithDefaultsAndNoAdminApi) {
  Result<Options> options = parse_config("[http]\n", "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_TRUE(options->http.enabled);
  EXPECT_EQ(options->http.bind, "127.0.0.1:8080");
  EXPECT_EQ(options->http.admin_token, "");
}

TEST(ConfigFile, EveryHttpKeyIsParsed) {
  Result<Options> options = parse_config(
      "[http]\nbind = \"0.0.0.0:0\"\nadmin_token = \"s3cret-Token\"\nmax_connections = 4\n"
      "max_body_size = 2048\nrequest_timeout_ms = 1500\n",
      "starling.toml");
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_TRUE(options->http.enabled);
  EXPECT_EQ(options->http.bind, "0.0.0.0:0");
  EXPECT_EQ(options->http.admin_token, "s3cret-Token");
  EXPECT_EQ(options->http.max_connections, 4u);
  EXPECT_EQ(options->http.max_body_size, 2048u);
  EXPECT_EQ(options->http.request_timeout_ms, 1500u);
}

TEST(ConfigFile, AnHttpBindThatIsNotHostPortIsAnError) {
  EXPECT_EQ(error_of("[http]\nbind = \"8080\"\n"),
            "starling.toml:2: http.bind: expected HOST:PORT or [IPv6]:PORT, got '8080'");
}

TEST(ConfigFile, AnAdminTokenWithSpacesIsAnError) {
  EXPECT_EQ(error_of("[http]\nadmin_token = \"two words\"\n"),
            "starling.toml:2: http.admin_token: an admin token is printable ASCII without spaces");
}

TEST(ConfigFile, HttpLimitsMustBeAboveZero) {
  EXPECT_NE(error_of("[http]\nmax_connections = 0\n").find("http.max_connections"),
            std::string::npos);
  EXPECT_NE(error_of("[http]\nrequest_timeout_ms = 0\n").find("http.request_timeout_ms"),
            std::string::npos);
}

TEST(ConfigFile, AnUnknownHttpKeySuggestsTheClosest) {
  EXPECT_EQ(error_of("[http]\nadmin_tokn = \"x\"\n"),
            "starling.toml:2: unknown key 'http.admin_tokn' (did you mean 'http.admin_token'?)");
}

}  // namespace
}  // namespace starling
