// The password hash format shared with Mosquitto 2's mosquitto_passwd.
#include "auth_file/password_hash.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "auth_file/base64.hpp"

namespace starling::plugins::auth_file {
namespace {

// Written by Debian's mosquitto_passwd 2.0.11 for alice / "secret".
constexpr const char* kMosquittoLine =
    "alice:$7$101$+oFpBtAMOwgLDuWO$wfpxSjr9+P/0RLnDaW4Dxe+m4MKxqRnUc0gc0NRghNfExeFmpLgm0aDXboJqgJc4"
    "l0STFED2lHT/TQXOE/QERQ==";
// mosquitto 1.x style: SHA512("legacy" + salt), salt bytes 1..12.
constexpr const char* kLegacyHash =
    "$6$AQIDBAUGBwgJCgsM$ZmINScnf4jTYNeH2ZDlcOt8ckLx5BKWeKCa5L8DKndBAdvK0U/l4AThKb9kq1/XPl28Dz+"
    "OZI6xzeqPXFzFnTA==";

std::string after_colon(const std::string& line) {
  return line.substr(line.find(':') + 1);
}

// A line mosquitto_passwd writes now, when it is installed.
std::string fresh_mosquitto_line(const std::string& password) {
  if (std::system("command -v mosquitto_passwd > /dev/null 2>&1") != 0) return "";
  char path[] = "/tmp/starling-mosquitto-passwd-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return "";
  close(fd);
  // REQUIRES: no single quote in `password`.
  const std::string command =
      std::string("mosquitto_passwd -b ") + path + " alice '" + password + "' > /dev/null 2>&1";
  std::string line;
  if (std::system(command.c_str()) == 0) std::getline(std::ifstream(path), line);
  std::remove(path);
  return line;
}

TEST(PasswordHash, AcceptsTheRightPasswordForALineWrittenByMosquittoPasswd) {
  auto hash = parse_password_hash(after_colon(kMosquittoLine));
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(hash->kind, HashKind::kPbkdf2Sha512);
  EXPECT_EQ(hash->iterations, 101u);
  EXPECT_EQ(hash->salt.size(), kSaltBytes);
  EXPECT_TRUE(verify_password(*hash, "secret"));
  EXPECT_FALSE(verify_password(*hash, "Secret"));
  EXPECT_FALSE(verify_password(*hash, ""));
}

TEST(PasswordHash, AcceptsALineTheInstalledMosquittoPasswdWritesNow) {
  const std::string line = fresh_mosquitto_line("s3cret pass");
  if (line.empty()) GTEST_SKIP() << "mosquitto_passwd is not installed";
  auto hash = parse_password_hash(after_colon(line));
  ASSERT_TRUE(hash.ok()) << line << ": " << hash.error().message;
  EXPECT_TRUE(verify_password(*hash, "s3cret pass"));
  EXPECT_FALSE(verify_password(*hash, "s3cret"));
}

TEST(PasswordHash, AcceptsLegacySaltedSha512Lines) {
  auto hash = parse_password_hash(kLegacyHash);
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(hash->kind, HashKind::kSaltedSha512);
  EXPECT_TRUE(verify_password(*hash, "legacy"));
  EXPECT_FALSE(verify_password(*hash, "legacy2"));
  EXPECT_EQ(format_password_hash(*hash), kLegacyHash);
}

TEST(PasswordHash, AFreshHashIsWrittenInMosquittoFormatAndVerifies) {
  auto hash = hash_password("correct horse", 1000);
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  const std::string text = format_password_hash(*hash);
  EXPECT_EQ(text.rfind("$7$1000$", 0), 0u) << text;
  auto parsed = parse_password_hash(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->salt, hash->salt);
  EXPECT_EQ(parsed->hash, hash->hash);
  EXPECT_TRUE(verify_password(*parsed, "correct horse"));
  EXPECT_FALSE(verify_password(*parsed, "correct horse "));
}

TEST(PasswordHash, TwoHashesOfOnePasswordHaveDifferentSalts) {
  auto first = hash_password("same", 10);
  auto second = hash_password("same", 10);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->salt, second->salt);
  EXPECT_NE(first->hash, second->hash);
}

TEST(PasswordHash, RejectsTextThatIsNotAHash) {
  const char* bad[] = {
      "secret",                                    // plain text
      "$5$abc$def",                                // unknown type
      "$7$101$+oFpBtAMOwgLDuWO",                   // missing hash
      "$7$0$+oFpBtAMOwgLDuWO$AAAA",                // zero iterations
      "$7$x1$+oFpBtAMOwgLDuWO$AAAA",               // iterations not a number
      "$7$101$not base64!$AAAA",                   // salt not base64
      "$7$101$+oFpBtAMOwgLDuWO$AAAA",              // hash too short
      "$6$AQIDBAUGBwgJCgsM$ZmINScnf4jTYNeH2ZDlc",  // legacy hash too short
  };
  for (const char* text : bad) {
    EXPECT_FALSE(parse_password_hash(text).ok()) << text;
  }
}

TEST(Base64, RoundTripsEveryLengthModuloThree) {
  for (const std::string& bytes :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    const std::string text = encode_base64(bytes);
    if (bytes.empty()) {
      EXPECT_EQ(text, "");
      continue;
    }
    EXPECT_EQ(decode_base64(text), bytes) << text;
  }
}

TEST(Base64, RejectsMissingPaddingAndForeignCharacters) {
  EXPECT_FALSE(decode_base64("YWI").has_value());
  EXPECT_FALSE(decode_base64("YW I=").has_value());
  EXPECT_FALSE(decode_base64("Y===").has_value());
  EXPECT_FALSE(decode_base64("YW=I").has_value());
}

}  // namespace
}  // namespace starling::plugins::auth_file
