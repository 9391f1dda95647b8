// TLS listeners end to end: real clients (Paho, mosquitto_pub) over TLS,
// client certificates good and bad, the certificate's identity as the
// username and in the plugins' view, and certificate reload.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "broker_test.hpp"
#include "test_certificates.hpp"

#include <gmock/gmock.h>

namespace starling::test {
namespace {

namespace asio = boost::asio;

class TlsTest : public BrokerTest {
 protected:
  void SetUp() override { STARLING_SKIP_ON_MOSQUITTO("Starling's TLS listener options"); }

  // Starts a broker with its usual tcp listener and a tls listener, which
  // `adjust` may change.
  void start_with_tls(const std::function<void(ListenerOptions&)>& adjust = {},
                      std::vector<PluginOptions> plugins = {}) {
    start_broker([&](Options& options) {
      ListenerOptions tls;
      tls.type = "tls";
      tls.bind = "127.0.0.1:0";
      tls.cert_file = certificates_.server().cert;
      tls.key_file = certificates_.server().key;
      tls.ca_file = certificates_.ca_file();
      if (adjust) adjust(tls);
      options.listeners.push_back(tls);
      options.plugins = std::move(plugins);
    });
  }

  std::uint16_t tls_port() { return broker().starling().endpoints().at(1).port; }
  std::string tls_uri() { return "ssl://127.0.0.1:" + std::to_string(tls_port()); }

  // Paho's TLS settings: trust the test CA, present `client` if given.
  ConnectSettings tls_settings(const CertificateFiles* client = nullptr) {
    mqtt::ssl_options ssl;
    ssl.set_trust_store(certificates_.ca_file());
    ssl.set_enable_server_cert_auth(true);
    if (client) {
      ssl.set_key_store(client->cert);
      ssl.set_private_key(client->key);
    }
    ConnectSettings settings;
    settings.ssl = ssl;
    return settings;
  }

  std::unique_ptr<TestClient> tls_client(const std::string& name, int version = kV5) {
    return std::make_unique<TestClient>(tls_uri(), client_id(name), version);
  }

  // Whether the TLS listener lets a client presenting `client` (none if
  // null) through the handshake and answers its CONNECT with a CONNACK 0.
  // A bare OpenSSL client rather than Paho: Paho 1.3.11 fails the next
  // connection of the process after a refused TLS handshake.
  bool connect_accepted(const CertificateFiles* client, int max_tls_version = 0) {
    asio::io_context io;
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(certificates_.ca_file());
    context.set_verify_mode(asio::ssl::verify_peer);
    if (max_tls_version != 0) SSL_CTX_set_max_proto_version(context.native_handle(), max_tls_version);
    if (client) {
      context.use_certificate_chain_file(client->cert);
      context.use_private_key_file(client->key, asio::ssl::context::pem);
    }
    asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), tls_port()});
    boost::system::error_code error;
    stream.handshake(asio::ssl::stream_base::client, error);
    if (error) return false;
    // CONNECT, MQTT 3.1.1, clean session, keep-alive 60, client id "c".
    const std::uint8_t connect[] = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 'c'};
    asio::write(stream, asio::buffer(connect), error);
    if (error) return false;
    std::uint8_t connack[4] = {};
    asio::read(stream, asio::buffer(connack), error);
    return !error && connack[0] == 0x20 && connack[3] == 0;
  }

  // The common name of the certificate the TLS listener presents now.
  std::string served_common_name() {
    asio::io_context io;
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(certificates_.ca_file());
    context.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), tls_port()});
    stream.handshake(asio::ssl::stream_base::client);
    X509* certificate = SSL_get1_peer_certificate(stream.native_handle());
    char name[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, name, sizeof name);
    X509_free(certificate);
    return name;
  }

  TestCertificates certificates_;
};

TEST_F(TlsTest, ClientsPublishAndSubscribeOverTlsInV5AndV311) {
  start_with_tls();
  for (int version : {kV5, kV311}) {
    auto subscriber = tls_client("sub", version);
    subscriber->connect(tls_settings());
    subscriber->subscribe(topic("t"), 1);
    auto publisher = tls_client("pub", version);
    publisher->connect(tls_settings());
    const std::string payload(100000, 'x');  // several TLS records
    publisher->publish(topic("t"), payload, 1);
    ASSERT_TRUE(subscriber->received().wait_for(1)) << "version " << version;
    EXPECT_EQ(subscriber->received().at(0)->to_string(), payload);
  }
}

TEST_F(TlsTest, TlsAndPlainClientsShareTopics) {
  start_with_tls();
  auto plain = connected_client("plain", kV5);
  plain->subscribe(topic("t"), 0);
  auto secure = tls_client("secure");
  secure->connect(tls_settings());
  secure->publish(topic("t"), "over tls", 0);
  ASSERT_TRUE(plain->received().wait_for(1));
  EXPECT_EQ(plain->received().at(0)->to_string(), "over tls");
}

TEST_F(TlsTest, ARequiredClientCertificateMustBePresentValidAndFromTheTrustedCa) {
  start_with_tls([](ListenerOptions& tls) { tls.require_client_cert = true; });
  auto good = tls_client("good");
  EXPECT_NO_THROW(good->connect(tls_settings(&certificates_.client())));
  EXPECT_TRUE(good->is_connected());

  EXPECT_TRUE(connect_accepted(&certificates_.client()));
  EXPECT_FALSE(connect_accepted(nullptr));
  EXPECT_FALSE(connect_accepted(&certificates_.expired_client()));
  EXPECT_FALSE(connect_accepted(&certificates_.stranger_client()));
  EXPECT_TRUE(connect_accepted(&certificates_.client(), TLS1_2_VERSION));
  EXPECT_FALSE(connect_accepted(nullptr, TLS1_2_VERSION));
  expect_broker_still_serves_clients();
}

TEST_F(TlsTest, AnOptionalClientCertificateMayBeLeftOutButNotBeInvalid) {
  start_with_tls();  // ca_file set, require_client_cert false
  EXPECT_TRUE(connect_accepted(nullptr));
  EXPECT_TRUE(connect_accepted(&certificates_.client()));
  EXPECT_FALSE(connect_accepted(&certificates_.expired_client()));
  EXPECT_FALSE(connect_accepted(&certificates_.stranger_client()));
}

TEST_F(TlsTest, TheCertificateIdentityBecomesTheUsernameAndPluginsSeeIt) {
  PluginOptions recorder;
  recorder.path = STARLING_FIXTURE_SCRIPTED;
  recorder.options = {{"identity_topic", topic("identity")}};
  start_with_tls(
      [](ListenerOptions& tls) {
        tls.require_client_cert = true;
        tls.use_identity_as_username = true;
        tls.allow_anonymous = false;
      },
      {recorder});
  auto watcher = connected_client("watcher", kV5);
  watcher->subscribe(topic("identity") + "/#", 1);

  auto device = tls_client("device");
  ConnectSettings settings = tls_settings(&certificates_.client());
  settings.username = "claimed-name";  // replaced by the certificate's
  ASSERT_NO_THROW(device->connect(settings));

  ASSERT_TRUE(eventually([&] {
    for (std::size_t i = 0; i < watcher->received().size(); ++i) {
      if (watcher->received().at(i)->get_topic() == topic("identity") + "/" + device->client_id()) return true;
    }
    return false;
  }));
  std::string identity;
  for (std::size_t i = 0; i < watcher->received().size(); ++i) {
    auto message = watcher->received().at(i);
    if (message->get_topic() == topic("identity") + "/" + device->client_id()) identity = message->to_string();
  }
  EXPECT_THAT(identity, ::testing::StartsWith("device-1|127.0.0.1:"));
  EXPECT_THAT(identity, ::testing::EndsWith("|CN=device-1,O=Starling Tests|device-1"));
}

TEST_F(TlsTest, WithoutACertificateIdentityAnAnonymousOnlyListenerRefuses) {
  start_with_tls([](ListenerOptions& tls) {
    tls.use_identity_as_username = true;
    tls.allow_anonymous = false;
  });
  EXPECT_FALSE(connect_accepted(nullptr));
  EXPECT_TRUE(connect_accepted(&certificates_.client()));
}

TEST_F(TlsTest, ReloadServesTheNewCertificateWithoutDroppingConnections) {
  const std::string cert_file = certificates_.directory() + "/live.crt";
  const std::string key_file = certificates_.directory() + "/live.key";
  std::filesystem::copy_file(certificates_.server().cert, cert_file);
  std::filesystem::copy_file(certificates_.server().key, key_file);
  start_with_tls([&](ListenerOptions& tls) {
    tls.cert_file = cert_file;
    tls.key_file = key_file;
  });
  auto before = tls_client("before");
  before->connect(tls_settings());
  before->subscribe(topic("t"), 1);
  EXPECT_EQ(served_common_name(), "localhost");

  CertificateFiles renewed = certificates_.make_server("renewed");
  std::filesystem::copy_file(renewed.cert, cert_file, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(renewed.key, key_file, std::filesystem::copy_options::overwrite_existing);
  ASSERT_TRUE(broker().starling().reload_certificates().ok());

  EXPECT_EQ(served_common_name(), "renewed");
  auto after = tls_client("after");
  after->connect(tls_settings());
  after->publish(topic("t"), "still here", 1);
  ASSERT_TRUE(before->received().wait_for(1)) << "the connection made before the reload was dropped";
}

TEST_F(TlsTest, AFailedReloadKeepsTheWorkingCertificate) {
  const std::string key_file = certificates_.directory() + "/live.key";
  std::filesystem::copy_file(certificates_.server().key, key_file);
  start_with_tls([&](ListenerOptions& tls) { tls.key_file = key_file; });
  std::ofstream(key_file) << "not a key\n";
  auto reloaded = broker().starling().reload_certificates();
  ASSERT_FALSE(reloaded.ok());
  EXPECT_THAT(reloaded.error().message, ::testing::HasSubstr(key_file));
  EXPECT_EQ(served_common_name(), "localhost");
}

TEST_F(TlsTest, UnreadableCertificateFilesStopTheBrokerNamingTheFile) {
  Options options = TestBroker::default_options();
  options.storage.durability = "memory";  // no ./data shared with tests running beside it
  ListenerOptions tls;
  tls.type = "tls";
  tls.bind = "127.0.0.1:0";
  tls.cert_file = certificates_.directory() + "/missing.crt";
  tls.key_file = certificates_.server().key;
  options.listeners.push_back(tls);
  auto started = Broker::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.error().message, ::testing::HasSubstr("missing.crt"));

  options.listeners.back().cert_file = certificates_.client().cert;  // not the key's certificate
  started = Broker::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.error().message, ::testing::HasSubstr("server-"));
  EXPECT_THAT(started.error().message, ::testing::HasSubstr("mismatch"));
}

TEST_F(TlsTest, ACipherListWithNothingUsableStopsTheBrokerNamingIt) {
  Options options = TestBroker::default_options();
  options.storage.durability = "memory";  // no ./data shared with tests running beside it
  ListenerOptions tls;
  tls.type = "tls";
  tls.bind = "127.0.0.1:0";
  tls.cert_file = certificates_.server().cert;
  tls.key_file = certificates_.server().key;
  tls.ciphers = "NO-SUCH-CIPHER:ALSO-MISSING";
  options.listeners.push_back(tls);
  auto started = Broker::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.error().message, ::testing::HasSubstr("ciphers 'NO-SUCH-CIPHER:ALSO-MISSING'"));
  EXPECT_THAT(started.error().message, ::testing::HasSubstr("no usable cipher"));
}

TEST_F(TlsTest, Tls13OnlyListenerRefusesTls12Clients) {
  start_with_tls([](ListenerOptions& tls) { tls.tls_min_version = "1.3"; });
  EXPECT_TRUE(connect_accepted(nullptr));
  EXPECT_FALSE(connect_accepted(nullptr, TLS1_2_VERSION));
}

TEST_F(TlsTest, MosquittoClientsWorkOverTlsWithACaFileAndAClientCertificate) {
  if (!std::filesystem::exists("/usr/bin/mosquitto_pub")) GTEST_SKIP() << "mosquitto-clients not installed";
  start_with_tls([](ListenerOptions& tls) { tls.require_client_cert = true; });
  auto subscriber = connected_client("sub", kV5);
  subscriber->subscribe(topic("t"), 1);
  const std::string command = "timeout 10 /usr/bin/mosquitto_pub -h 127.0.0.1 -p " +
                              std::to_string(tls_port()) + " --cafile " + certificates_.ca_file() +
                              " --cert " + certificates_.client().cert + " --key " +
                              certificates_.client().key + " -q 1 -t '" + topic("t") +
                              "' -m from-mosquitto";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  ASSERT_TRUE(subscriber->received().wait_for(1));
  EXPECT_EQ(subscriber->received().at(0)->to_string(), "from-mosquitto");
}

TEST_F(TlsTest, AClientStallingInTheHandshakeIsClosedAtTheConnectTimeout) {
  start_broker([&](Options& options) {
    options.limits.connect_timeout_ms = 300;
    ListenerOptions tls;
    tls.type = "tls";
    tls.bind = "127.0.0.1:0";
    tls.cert_file = certificates_.server().cert;
    tls.key_file = certificates_.server().key;
    options.listeners.push_back(tls);
  });
  RawClient silent(tls_port());  // TCP connected, never starts TLS
  EXPECT_TRUE(silent.wait_closed(std::chrono::seconds(5)));
}

TEST_F(TlsTest, GarbageInsteadOfAHandshakeIsClosedAndTheBrokerServesOthers) {
  start_with_tls();
  RawClient raw(tls_port());
  raw.send(raw::Bytes(64, 0x10));
  EXPECT_TRUE(raw.wait_closed(std::chrono::seconds(5)));
  expect_broker_still_serves_clients();
}

}  // namespace
}  // namespace starling::test
