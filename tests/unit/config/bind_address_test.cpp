#include "config/bind_address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace starling {
namespace {

void expect_parses(const std::string& text, const std::string& host, std::uint16_t port) {
  Result<BindAddress> bind = parse_bind_address(text);
  ASSERT_TRUE(bind.ok()) << text << ": " << bind.error().message;
  EXPECT_EQ(bind->host, host) << text;
  EXPECT_EQ(bind->port, port) << text;
}

std::string error_of(const std::string& text) {
  Result<BindAddress> bind = parse_bind_address(text);
  if (bind.ok()) {
    ADD_FAILURE() << "expected '" << text << "' to be rejected";
    return "";
  }
  return bind.error().message;
}

TEST(BindAddress, AcceptsIpv4LiteralsLocalhostAndStar) {
  expect_parses("127.0.0.1:1883", "127.0.0.1", 1883);
  expect_parses("0.0.0.0:0", "0.0.0.0", 0);
  expect_parses("localhost:65535", "localhost", 65535);
  expect_parses("*:8883", "*", 8883);
}

TEST(BindAddress, AcceptsBracketedIpv6Literals) {
  expect_parses("[::1]:1883", "::1", 1883);
  expect_parses("[::]:1", "::", 1);
  expect_parses("[fe80::1:2]:80", "fe80::1:2", 80);
}

TEST(BindAddress, RejectsAMissingPort) {
  EXPECT_EQ(error_of("127.0.0.1"), "expected HOST:PORT or [IPv6]:PORT, got '127.0.0.1'");
  EXPECT_EQ(error_of(""), "expected HOST:PORT or [IPv6]:PORT, got ''");
}

TEST(BindAddress, RejectsPortsThatAreNotNumbersFrom0To65535) {
  EXPECT_EQ(error_of("127.0.0.1:"),
            "port must be a number from 0 to 65535, got '' in '127.0.0.1:'");
  EXPECT_EQ(error_of("127.0.0.1:65536"),
            "port must be a number from 0 to 65535, got '65536' in '127.0.0.1:65536'");
  EXPECT_EQ(error_of("127.0.0.1:-1"),
            "port must be a number from 0 to 65535, got '-1' in '127.0.0.1:-1'");
  EXPECT_EQ(error_of("127.0.0.1:http"),
            "port must be a number from 0 to 65535, got 'http' in '127.0.0.1:http'");
}

TEST(BindAddress, RejectsHostNamesOtherThanLocalhost) {
  EXPECT_EQ(error_of("example.com:1883"),
            "host must be an IPv4 address, [IPv6] address, 'localhost' or '*', got 'example.com' "
            "in 'example.com:1883'");
  EXPECT_EQ(error_of(":1883"),
            "host must be an IPv4 address, [IPv6] address, 'localhost' or '*', got '' in ':1883'");
  EXPECT_FALSE(parse_bind_address("256.0.0.1:1").ok());
  EXPECT_FALSE(parse_bind_address("1.2.3:1").ok());
}

TEST(BindAddress, RejectsIpv6WithoutBracketsAndSaysHowToWriteIt) {
  EXPECT_EQ(error_of("::1:1883"),
            "an IPv6 address needs brackets, as in '[::1]:1883', got '::1:1883'");
}

TEST(BindAddress, RejectsBracketsAroundSomethingThatIsNotIpv6) {
  EXPECT_EQ(error_of("[127.0.0.1]:1"), "'127.0.0.1' in '[127.0.0.1]:1' is not an IPv6 address");
}

}  // namespace
}  // namespace starling
