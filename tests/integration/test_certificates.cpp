#include "test_certificates.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace starling::test {
namespace {

constexpr long kDay = 24 * 60 * 60;

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificates: ") + what);
}

Key new_key() {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  require(key != nullptr, "key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  require(extension != nullptr, "extension");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// Signed by `issuer` (self-signed when null), valid from `from` to `to`
// seconds relative to now.
Cert make_cert(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
               bool is_ca, int serial, long from, long to, const char* alt_names) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), from);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), to);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Starling Tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (is_ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
  }
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (alt_names) add_extension(cert.get(), signer, NID_subject_alt_name, alt_names);
  require(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "signing");
  return cert;
}

CertificateFiles write_files(const std::string& directory, const std::string& name, X509* cert,
                             EVP_PKEY* key) {
  CertificateFiles files{directory + "/" + name + ".crt", directory + "/" + name + ".key"};
  FILE* out = std::fopen(files.cert.c_str(), "w");
  require(out && PEM_write_X509(out, cert) == 1, "writing a certificate");
  std::fclose(out);
  out = std::fopen(files.key.c_str(), "w");
  require(out && PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "writing a key");
  std::fclose(out);
  return files;
}

}  // namespace

struct TestCertificates::Authority {
  Key key;
  Cert cert;
};

TestCertificates::TestCertificates() : authority_(std::make_unique<Authority>()) {
  char pattern[] = "/tmp/starling-certs-XXXXXX";
  require(mkdtemp(pattern) != nullptr, "temporary directory");
  directory_ = pattern;

  authority_->key = new_key();
  authority_->cert = make_cert("Starling Test CA", authority_->key.get(), nullptr, nullptr, true,
                               serial_++, -kDay, 30 * kDay, nullptr);
  ca_ = write_files(directory_, "ca", authority_->cert.get(), authority_->key.get());

  Key stranger_key = new_key();
  Cert stranger = make_cert("Stranger CA", stranger_key.get(), nullptr, nullptr, true, serial_++,
                            -kDay, 30 * kDay, nullptr);
  stranger_ca_ = write_files(directory_, "stranger-ca", stranger.get(), stranger_key.get());

  server_ = make_server("localhost");

  Key key = new_key();
  Cert cert = make_cert("device-1", key.get(), authority_->cert.get(), authority_->key.get(), false,
                        serial_++, -kDay, 30 * kDay, nullptr);
  client_ = write_files(directory_, "client", cert.get(), key.get());

  key = new_key();
  cert = make_cert("device-old", key.get(), authority_->cert.get(), authority_->key.get(), false,
                   serial_++, -10 * kDay, -kDay, nullptr);
  expired_client_ = write_files(directory_, "expired-client", cert.get(), key.get());

  key = new_key();
  cert = make_cert("intruder", key.get(), stranger.get(), stranger_key.get(), false, serial_++,
                   -kDay, 30 * kDay, nullptr);
  stranger_client_ = write_files(directory_, "stranger-client", cert.get(), key.get());
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

CertificateFiles TestCertificates::make_server(const std::string& common_name) {
  Key key = new_key();
  int serial = serial_++;
  Cert cert = make_cert(common_name, key.get(), authority_->cert.get(), authority_->key.get(), false,
                        serial, -kDay, 30 * kDay, "DNS:localhost,IP:127.0.0.1");
  return write_files(directory_, "server-" + std::to_string(serial), cert.get(), key.get());
}

}  // namespace starling::test
