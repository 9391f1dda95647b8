#include "password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <limits>
#include <vector>

#include "base64.hpp"

namespace starling::plugins::auth_file {
namespace {

std::vector<std::string_view> split_dollars(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dollar = text.find('$', start);
    parts.push_back(text.substr(start, dollar - start));
    if (dollar == std::string_view::npos) return parts;
    start = dollar + 1;
  }
}

Result<std::string> decode_field(std::string_view text, const char* what) {
  auto bytes = decode_base64(text);
  if (!bytes || bytes->empty()) return Error{0, std::string(what) + " is not valid base64"};
  return std::move(*bytes);
}

std::string pbkdf2_sha512(std::string_view password, std::string_view salt,
                          std::uint32_t iterations) {
  std::string out(kSha512Bytes, '\0');
  const int ok =
      PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha512(),
                        static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return ok == 1 ? out : std::string();
}

std::string salted_sha512(std::string_view password, std::string_view salt) {
  std::string out(kSha512Bytes, '\0');
  unsigned int size = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool ok =
      context != nullptr && EVP_DigestInit_ex(context, EVP_sha512(), nullptr) == 1 &&
      EVP_DigestUpdate(context, password.data(), password.size()) == 1 &&
      EVP_DigestUpdate(context, salt.data(), salt.size()) == 1 &&
      EVP_DigestFinal_ex(context, reinterpret_cast<unsigned char*>(out.data()), &size) == 1;
  EVP_MD_CTX_free(context);
  return ok ? out : std::string();
}

}  // namespace

Result<PasswordHash> parse_password_hash(std::string_view text) {
  const auto parts = split_dollars(text);
  // "$7$..." splits into an empty first part, the kind, then the fields.
  if (parts.size() < 2 || !parts[0].empty()) {
    return Error{0, "the password is not hashed (expected $7$... or $6$...; use starling-passwd)"};
  }
  PasswordHash hash;
  std::string_view salt_text;
  std::string_view hash_text;
  if (parts[1] == "7") {
    if (parts.size() != 5) return Error{0, "expected $7$<iterations>$<salt>$<hash>"};
    std::uint32_t iterations = 0;
    const char* end = parts[2].data() + parts[2].size();
    const auto [stop, error] = std::from_chars(parts[2].data(), end, iterations);
    if (error != std::errc() || stop != end || iterations == 0 ||
        iterations > static_cast<std::uint32_t>(std::numeric_limits<int>::max())) {
      return Error{0, "the iteration count \"" + std::string(parts[2]) + "\" is not valid"};
    }
    hash.kind = HashKind::kPbkdf2Sha512;
    hash.iterations = iterations;
    salt_text = parts[3];
    hash_text = parts[4];
  } else if (parts[1] == "6") {
    if (parts.size() != 4) return Error{0, "expected $6$<salt>$<hash>"};
    hash.kind = HashKind::kSaltedSha512;
    salt_text = parts[2];
    hash_text = parts[3];
  } else {
    return Error{0, "unknown hash type $" + std::string(parts[1]) + "$ (expected $7$ or $6$)"};
  }
  auto salt = decode_field(salt_text, "the salt");
  if (!salt) return salt.error();
  auto digest = decode_field(hash_text, "the hash");
  if (!digest) return digest.error();
  if (digest->size() != kSha512Bytes) {
    return Error{0, "the hash is " + std::to_string(digest->size()) + " bytes, expected 64"};
  }
  hash.salt = std::move(*salt);
  hash.hash = std::move(*digest);
  return hash;
}

std::string format_password_hash(const PasswordHash& hash) {
  if (hash.kind == HashKind::kSaltedSha512) {
    return "$6$" + encode_base64(hash.salt) + "$" + encode_base64(hash.hash);
  }
  return "$7$" + std::to_string(hash.iterations) + "$" + encode_base64(hash.salt) + "$" +
         encode_base64(hash.hash);
}

Result<PasswordHash> hash_password(std::string_view password, std::uint32_t iterations) {
  PasswordHash hash;
  hash.kind = HashKind::kPbkdf2Sha512;
  hash.iterations = iterations;
  hash.salt.assign(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(hash.salt.data()),
                 static_cast<int>(hash.salt.size())) != 1) {
    return Error{0, "OpenSSL could not generate a random salt"};
  }
  hash.hash = pbkdf2_sha512(password, hash.salt, iterations);
  if (hash.hash.empty()) return Error{0, "OpenSSL PBKDF2 failed"};
  return hash;
}

bool verify_password(const PasswordHash& hash, std::string_view password) {
  const std::string computed = hash.kind == HashKind::kSaltedSha512
                                   ? salted_sha512(password, hash.salt)
                                   : pbkdf2_sha512(password, hash.salt, hash.iterations);
  return computed.size() == hash.hash.size() && !computed.empty() &&
         CRYPTO_memcmp(computed.data(), hash.hash.data(), computed.size()) == 0;
}

}  // namespace starling::plugins::auth_file
