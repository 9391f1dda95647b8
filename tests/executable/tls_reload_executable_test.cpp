// SIGHUP reloads the TLS certificates of the running executable: new
// handshakes get the new certificate, a bad file is reported and the old
// certificate kept, and the broker keeps running either way.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "starling_process.hpp"
#include "test_certificates.hpp"

namespace starling::test {
namespace {

using namespace std::chrono_literals;

// The CN of the certificate a TLS server on 127.0.0.1:`port` presents.
std::string served_common_name(int port, const std::string& ca_file) {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(context, ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  std::string name;
  int fd = connect_loopback(port);
  SSL* ssl = SSL_new(context);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) == 1) {
    X509* certificate = SSL_get1_peer_certificate(ssl);
    char text[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, text, sizeof text);
    name = text;
    X509_free(certificate);
  }
  SSL_free(ssl);
  ::close(fd);
  SSL_CTX_free(context);
  return name;
}

int tls_port_from_log(const std::string& line) {
  std::smatch match;
  if (!std::regex_search(line, match, std::regex(R"(tls://127\.0\.0\.1:(\d+))"))) return 0;
  return std::stoi(match[1]);
}

TEST(TlsReloadExecutable, SighupServesTheRenewedCertificateAndSurvivesABadOne) {
  TestCertificates certificates;
  const std::string dir = certificates.directory();
  std::filesystem::copy_file(certificates.server().cert, dir + "/live.crt");
  std::filesystem::copy_file(certificates.server().key, dir + "/live.key");
  const std::string config = dir + "/starling.toml";
  std::ofstream(config) << "[[listeners]]\ntype = \"tls\"\nbind = \"127.0.0.1:0\"\n"
                        << "cert_file = \"" << dir << "/live.crt\"\nkey_file = \"" << dir << "/live.key\"\n";
  StarlingProcess broker({"--config", config});
  const int port = tls_port_from_log(broker.wait_for_line("listening on tls://", 10s));
  ASSERT_GT(port, 0) << broker.output();
  EXPECT_EQ(served_common_name(port, certificates.ca_file()), "localhost");

  CertificateFiles renewed = certificates.make_server("renewed");
  const auto overwrite = std::filesystem::copy_options::overwrite_existing;
  std::filesystem::copy_file(renewed.cert, dir + "/live.crt", overwrite);
  std::filesystem::copy_file(renewed.key, dir + "/live.key", overwrite);
  broker.signal(SIGHUP);
  ASSERT_NE(broker.wait_for_line("certificates reloaded", 10s), "") << broker.output();
  EXPECT_EQ(served_common_name(port, certificates.ca_file()), "renewed");

  std::ofstream(dir + "/live.key") << "garbage\n";
  broker.signal(SIGHUP);
  EXPECT_NE(broker.wait_for_line("keeps its current certificate", 10s), "") << broker.output();
  EXPECT_EQ(served_common_name(port, certificates.ca_file()), "renewed");

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait_exit(10s), 0) << broker.output();
}

}  // namespace
}  // namespace starling::test
