#include "net/tls_context.hpp"

#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace starling {

namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL's error queue, drained, or the Asio message when it is empty.
std::string openssl_reason(const boost::system::error_code& error) {
  std::string reason;
  while (unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    if (!reason.empty()) reason += "; ";
    reason += text;
  }
  return reason.empty() ? error.message() : reason;
}

Error file_error(const std::string& what, const std::string& file,
                 const boost::system::error_code& error) {
  return Error{1, "cannot load " + what + " '" + file + "': " + openssl_reason(error)};
}

}  // namespace

Result<std::shared_ptr<ssl::context>> make_tls_context(const ListenerOptions& options) {
  ERR_clear_error();
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(native,
                                options.tls_min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  boost::system::error_code error;
  context->use_certificate_chain_file(options.cert_file, error);
  if (error) return file_error("certificate", options.cert_file, error);
  context->use_private_key_file(options.key_file, ssl::context::pem, error);
  if (error) return file_error("private key", options.key_file, error);
  if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(native, options.ciphers.c_str()) != 1) {
    return Error{1, "ciphers '" + options.ciphers + "': no usable cipher in the list"};
  }
  if (!options.ca_file.empty()) {
    context->load_verify_file(options.ca_file, error);
    if (error) return file_error("CA file", options.ca_file, error);
    auto mode = ssl::verify_peer;
    if (options.require_client_cert) mode |= ssl::verify_fail_if_no_peer_cert;
    context->set_verify_mode(mode);
    // Session resumption with client certificates needs a context id.
    static const unsigned char kSessionContext[] = "starling";
    SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  }
  return context;
}

}  // namespace starling
