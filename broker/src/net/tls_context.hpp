#pragma once
// Builds a listener's TLS server context from its options: certificate
// chain, key, client CAs, verification mode, protocol floor and ciphers.
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

// Fails with a message naming the file and OpenSSL's reason when a file
// cannot be read or the key does not match the certificate.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const ListenerOptions& options);

}  // namespace starling
