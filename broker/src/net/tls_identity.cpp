#include "net/tls_identity.hpp"

#include <openssl/x509.h>

namespace starling {

std::optional<PeerIdentity> verified_peer_identity(SSL* ssl) {
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (!certificate) return std::nullopt;
  std::optional<PeerIdentity> identity;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    identity.emplace();
    X509_NAME* subject = X509_get_subject_name(certificate);
    if (BIO* bio = BIO_new(BIO_s_mem())) {
      X509_NAME_print_ex(bio, subject, 0, XN_FLAG_RFC2253);
      char* data = nullptr;
      long size = BIO_get_mem_data(bio, &data);
      if (size > 0) identity->subject.assign(data, static_cast<std::size_t>(size));
      BIO_free(bio);
    }
    int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (index >= 0) {
      ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
      unsigned char* utf8 = nullptr;
      int length = ASN1_STRING_to_UTF8(&utf8, value);
      if (length > 0) identity->common_name.assign(reinterpret_cast<char*>(utf8), length);
      OPENSSL_free(utf8);
    }
  }
  X509_free(certificate);
  return identity;
}

}  // namespace starling
