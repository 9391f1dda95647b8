#pragma once
// One password hash in Mosquitto 2's password-file format:
//   $7$<iterations>$<base64 salt>$<base64 hash>   PBKDF2-HMAC-SHA512, 64-byte hash
//                                                 (what mosquitto_passwd 2.x writes)
//   $6$<base64 salt>$<base64 hash>                SHA512(password + salt), one round
//                                                 (mosquitto 1.x files; verified only)
// Pure functions; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "starling/result.hpp"

namespace starling::plugins::auth_file {

// What starling-passwd uses unless told otherwise (-I). mosquitto_passwd
// 2.0 uses 101; more iterations make a stolen file slower to crack, and
// each CONNECT costs one worker thread proportionally more (a few ms at
// 10000 on a current core).
inline constexpr std::uint32_t kDefaultIterations = 10000;
inline constexpr std::size_t kSaltBytes = 12;  // as mosquitto_passwd
inline constexpr std::size_t kSha512Bytes = 64;

enum class HashKind {
  kPbkdf2Sha512,  // $7$
  kSaltedSha512,  // $6$
};

struct PasswordHash {
  HashKind kind = HashKind::kPbkdf2Sha512;
  std::uint32_t iterations = 1;  // 1 for kSaltedSha512
  std::string salt;              // raw bytes
  std::string hash;              // raw bytes, kSha512Bytes long
};

// Parses the part of a password-file line after "user:".
Result<PasswordHash> parse_password_hash(std::string_view text);

// The text parse_password_hash reads back.
std::string format_password_hash(const PasswordHash& hash);

// A PBKDF2-SHA512 hash of `password` with a fresh random salt.
// REQUIRES: iterations >= 1. Fails only when OpenSSL does.
Result<PasswordHash> hash_password(std::string_view password, std::uint32_t iterations);

// True when `password` matches; compares in constant time. Costs
// `iterations` rounds of HMAC-SHA512: call it off the broker's threads.
bool verify_password(const PasswordHash& hash, std::string_view password);

}  // namespace starling::plugins::auth_file
