#pragma once
// Certificates made on the fly for the TLS tests: a CA, a server
// certificate for 127.0.0.1 and client certificates (good, expired, signed
// by a stranger CA), written as PEM files into a temporary directory that
// goes away with the object.
#include <memory>
#include <string>

namespace starling::test {

struct CertificateFiles {
  std::string cert;  // PEM certificate
  std::string key;   // PEM private key, unencrypted
};

class TestCertificates {
 public:
  TestCertificates();   // makes every file; throws std::runtime_error on failure
  ~TestCertificates();  // removes the directory
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  const std::string& directory() const { return directory_; }
  const std::string& ca_file() const { return ca_.cert; }
  const std::string& stranger_ca_file() const { return stranger_ca_.cert; }
  const CertificateFiles& server() const { return server_; }
  // CN=device-1, signed by the CA, valid now.
  const CertificateFiles& client() const { return client_; }
  // CN=device-old, signed by the CA, expired a day ago.
  const CertificateFiles& expired_client() const { return expired_client_; }
  // CN=intruder, signed by a CA the broker does not trust.
  const CertificateFiles& stranger_client() const { return stranger_client_; }

  // A new server certificate (CN=`common_name`, same CA) in new files.
  CertificateFiles make_server(const std::string& common_name);

 private:
  struct Authority;
  std::string directory_;
  std::unique_ptr<Authority> authority_;  // the trusted CA's certificate and key
  CertificateFiles ca_, stranger_ca_, server_, client_, expired_client_, stranger_client_;
  int serial_ = 1;
};

}  // namespace starling::test
