#include "net/proxy_header.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace starling {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

const Bytes kV2Signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

// A v2 header: signature, version/command, family/protocol, then `body`.
Bytes v2(std::uint8_t version_command, std::uint8_t family, const Bytes& body) {
  Bytes header = kV2Signature;
  header.push_back(version_command);
  header.push_back(family);
  header.push_back(static_cast<std::uint8_t>(body.size() >> 8));
  header.push_back(static_cast<std::uint8_t>(body.size()));
  header.insert(header.end(), body.begin(), body.end());
  return header;
}

const Bytes kV2Ipv4Body = {192, 0, 2, 7, 10, 0, 0, 1, 0x13, 0xEC, 0x07, 0x5B};  // :5100 -> :1883

// Feeds `stream` to proxy_header_bytes_wanted as a reader would, taking
// exactly what it asks for; returns the header it delimited, or the error.
Result<Bytes> delimit(const Bytes& stream) {
  Bytes received;
  while (true) {
    auto wanted = proxy_header_bytes_wanted(received);
    if (!wanted.ok()) return wanted.error();
    if (*wanted == 0) return received;
    if (received.size() + *wanted > stream.size()) return Error{1, "asked past the stream"};
    received.insert(received.end(), stream.begin() + received.size(),
                    stream.begin() + received.size() + *wanted);
  }
}

TEST(ProxyHeaderTest, V1Tcp4HeaderGivesTheSourceAddressAndPort) {
  auto header = parse_proxy_header(bytes("PROXY TCP4 192.0.2.7 10.0.0.1 5100 1883\r\n"));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(header->source, "192.0.2.7:5100");
}

TEST(ProxyHeaderTest, V1Tcp6HeaderGivesABracketedAddress) {
  auto header = parse_proxy_header(bytes("PROXY TCP6 2001:db8::7 2001:db8::1 5100 1883\r\n"));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(header->source, "[2001:db8::7]:5100");
}

TEST(ProxyHeaderTest, V1UnknownKeepsTheSocketAddress) {
  auto header = parse_proxy_header(bytes("PROXY UNKNOWN ffff:f...f:ffff 1 2\r\n"));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_FALSE(header->source.has_value());
}

TEST(ProxyHeaderTest, V1HeadersWithBadFieldsAreRefused) {
  for (const char* line :
       {"PROXY TCP4 192.0.2.7 10.0.0.1 5100\r\n", "PROXY TCP4 2001:db8::7 10.0.0.1 5100 1883\r\n",
        "PROXY TCP4 192.0.2.7 10.0.0.1 65536 1883\r\n",
        "PROXY TCP4 192.0.2.7 10.0.0.1 05100 1883\r\n",
        "PROXY TCP4 192.0.2.7 10.0.0.1 51x0 1883\r\n",
        "PROXY UDP4 192.0.2.7 10.0.0.1 5100 1883\r\n",
        "PROXY TCP4  192.0.2.7 10.0.0.1 5100 1883\r\n",
        "PROXY TCP4 192.0.2.7 10.0.0.1 5100 1883\n"}) {
    EXPECT_FALSE(parse_proxy_header(bytes(line)).ok()) << line;
  }
}

TEST(ProxyHeaderTest, V1HeaderIsDelimitedAtItsCrlfWithoutReadingFurther) {
  const std::string line = "PROXY TCP4 192.0.2.7 10.0.0.1 5100 1883\r\n";
  auto header = delimit(bytes(line + "\x10\x0c\x00\x04MQTT"));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(*header, bytes(line));
}

TEST(ProxyHeaderTest, V1HeaderWithoutCrlfWithin107BytesIsRefused) {
  const std::string line = "PROXY TCP4 " + std::string(120, '1');
  auto header = delimit(bytes(line));
  ASSERT_FALSE(header.ok());
  EXPECT_NE(header.error().message.find("107"), std::string::npos) << header.error().message;
}

TEST(ProxyHeaderTest, V1HeaderOfTheFull107BytesIsAccepted) {
  const std::string tcp6 =
      "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
      "65535 65535\r\n";
  ASSERT_TRUE(delimit(bytes(tcp6)).ok());
  std::string unknown = "PROXY UNKNOWN ";
  unknown += std::string(kProxyV1MaxBytes - unknown.size() - 2, 'x') + "\r\n";
  auto header = delimit(bytes(unknown));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_TRUE(parse_proxy_header(*header).ok());
}

TEST(ProxyHeaderTest, V2ProxyIpv4GivesTheSourceAddressAndPort) {
  auto header = parse_proxy_header(v2(0x21, 0x11, kV2Ipv4Body));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(header->source, "192.0.2.7:5100");
}

TEST(ProxyHeaderTest, V2ProxyIpv6GivesABracketedAddress) {
  Bytes body(36, 0);
  body[0] = 0x20;
  body[1] = 0x01;
  body[2] = 0x0d;
  body[3] = 0xb8;
  body[15] = 0x07;
  body[32] = 0x13;
  body[33] = 0xEC;
  auto header = parse_proxy_header(v2(0x21, 0x21, body));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(header->source, "[2001:db8::7]:5100");
}

TEST(ProxyHeaderTest, V2LocalKeepsTheSocketAddress) {
  auto header = parse_proxy_header(v2(0x20, 0x00, {}));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_FALSE(header->source.has_value());
}

TEST(ProxyHeaderTest, V2UnixFamilyKeepsTheSocketAddress) {
  auto header = parse_proxy_header(v2(0x21, 0x31, Bytes(216, 0)));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_FALSE(header->source.has_value());
}

TEST(ProxyHeaderTest, V2TlvsAfterTheAddressesAreIgnored) {
  Bytes body = kV2Ipv4Body;
  body.insert(body.end(), {0x04, 0x00, 0x03, 'a', 'b', 'c'});  // PP2_TYPE_NOOP
  auto header = parse_proxy_header(v2(0x21, 0x11, body));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(header->source, "192.0.2.7:5100");
}

TEST(ProxyHeaderTest, V2WithWrongVersionOrCommandOrShortAddressesIsRefused) {
  EXPECT_FALSE(parse_proxy_header(v2(0x11, 0x11, kV2Ipv4Body)).ok());
  EXPECT_FALSE(parse_proxy_header(v2(0x22, 0x11, kV2Ipv4Body)).ok());
  EXPECT_FALSE(
      parse_proxy_header(v2(0x21, 0x11, Bytes(kV2Ipv4Body.begin(), kV2Ipv4Body.begin() + 8))).ok());
  EXPECT_FALSE(parse_proxy_header(v2(0x21, 0x21, kV2Ipv4Body)).ok());
}

TEST(ProxyHeaderTest, V2HeaderIsDelimitedByItsLengthWithoutReadingFurther) {
  Bytes header = v2(0x21, 0x11, kV2Ipv4Body);
  Bytes stream = header;
  stream.insert(stream.end(), {0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T'});
  auto delimited = delimit(stream);
  ASSERT_TRUE(delimited.ok()) << delimited.error().message;
  EXPECT_EQ(*delimited, header);
}

TEST(ProxyHeaderTest, MqttConnectWithoutHeaderIsRefusedFromItsFirstByte) {
  auto wanted = proxy_header_bytes_wanted(Bytes{0x10});
  EXPECT_FALSE(wanted.ok());
  EXPECT_FALSE(delimit(bytes("\x10\x0c\x00\x04MQTT\x05\x02\x00\x3c")).ok());
}

TEST(ProxyHeaderTest, TlsClientHelloWithoutHeaderIsRefused) {
  EXPECT_FALSE(proxy_header_bytes_wanted(Bytes{0x16, 0x03, 0x01}).ok());
}

TEST(ProxyHeaderTest, AnEmptyStartAsksForThePrefix) {
  auto wanted = proxy_header_bytes_wanted({});
  ASSERT_TRUE(wanted.ok());
  EXPECT_EQ(*wanted, 8u);
}

}  // namespace
}  // namespace starling
