#pragma once
// Reads who a TLS client is from its certificate, once OpenSSL verified it.
#include <optional>

#include <openssl/ssl.h>

#include "core/transport.hpp"

namespace starling {

// The identity in the client's certificate; nullopt when it sent none or
// it did not verify (optional client certificates let such a client in).
std::optional<PeerIdentity> verified_peer_identity(SSL* ssl);

}  // namespace starling
