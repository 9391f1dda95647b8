// Table of invalid packets, each with the reason code the broker must answer
// with. Bodies are written out byte by byte; the remaining length is added.
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

#include "wire_bytes.hpp"

namespace starling::protocol {
namespace {

using testing::decode_bytes;
using testing::frame;
using testing::parse_bytes;

constexpr int kMalformed = 0x81;
constexpr int kProtocol = 0x82;
constexpr int kUnsupported = 0x84;

constexpr Version k31 = Version::kV31;
constexpr Version k311 = Version::kV311;
constexpr Version k5 = Version::kV5;

struct BadPacket {
  const char* rule;
  Version version;
  std::uint8_t first_byte;
  const char* body;
  int expected_code;
};

std::ostream& operator<<(std::ostream& os, const BadPacket& row) {
  return os << row.rule;
}

// CONNECT bodies: "MQTT" level 5/4, then flags, keep alive 60, ...
const BadPacket kBadPackets[] = {
    // Fixed header.
    {"packet type 0 is reserved", k311, 0x00, "", kMalformed},
    {"PUBREL flags must be 0010", k311, 0x60, "00 01", kMalformed},
    {"SUBSCRIBE flags must be 0010", k311, 0x80, "00 01 00 01 'a' 00", kMalformed},
    {"UNSUBSCRIBE flags must be 0010", k5, 0xA0, "00 01 00 00 01 'a'", kMalformed},
    {"PUBACK flags must be 0", k311, 0x41, "00 01", kMalformed},
    {"PINGREQ flags must be 0", k311, 0xC2, "", kMalformed},
    {"CONNACK flags must be 0", k311, 0x21, "00 00", kMalformed},
    {"DISCONNECT flags must be 0", k5, 0xE1, "", kMalformed},
    {"CONNECT flags must be 0", k311, 0x11, "00 04 'MQTT' 04 02 00 3C 00 01 'c'", kMalformed},
    {"AUTH does not exist in v3.1.1", k311, 0xF0, "", kMalformed},
    {"AUTH does not exist in v3.1", k31, 0xF0, "", kMalformed},
    {"AUTH flags must be 0", k5, 0xF1, "", kMalformed},
    // PUBLISH.
    {"PUBLISH QoS 3", k311, 0x36, "00 01 't' 00 01", kMalformed},
    {"PUBLISH DUP at QoS 0", k311, 0x38, "00 01 't'", kMalformed},
    {"PUBLISH QoS 1 packet id 0", k311, 0x32, "00 01 't' 00 00", kProtocol},
    {"PUBLISH QoS 2 packet id 0 in v5", k5, 0x34, "00 01 't' 00 00 00", kProtocol},
    {"PUBLISH QoS 1 without packet id", k311, 0x32, "00 01 't'", kMalformed},
    {"topic with overlong NUL", k311, 0x30, "00 02 C0 80", kMalformed},
    {"topic with U+0000", k311, 0x30, "00 03 'a' 00 'b'", kMalformed},
    {"topic with a surrogate", k311, 0x30, "00 03 ED A0 80", kMalformed},
    {"topic with a truncated sequence", k31, 0x30, "00 02 'a' E2", kMalformed},
    {"topic length past the packet", k311, 0x30, "00 05 't'", kMalformed},
    {"PUBLISH without topic length", k311, 0x30, "00", kMalformed},
    {"v5 PUBLISH without property length", k5, 0x30, "00 01 't'", kMalformed},
    {"property length past the packet", k5, 0x30, "00 01 't' 05 01", kMalformed},
    {"property length of 5 bytes", k5, 0x30, "00 01 't' FF FF FF FF 01", kMalformed},
    {"unknown property 0x05", k5, 0x30, "00 01 't' 02 05 00", kMalformed},
    {"unknown property 0x00", k5, 0x30, "00 01 't' 02 00 00", kMalformed},
    {"session expiry not allowed in PUBLISH", k5, 0x30, "00 01 't' 05 11 00 00 00 01", kMalformed},
    {"duplicate payload format indicator", k5, 0x30, "00 01 't' 04 01 00 01 00", kProtocol},
    {"duplicate topic alias", k5, 0x30, "00 01 't' 06 23 00 01 23 00 02", kProtocol},
    {"payload format indicator 2", k5, 0x30, "00 01 't' 02 01 02", kProtocol},
    {"subscription identifier 0", k5, 0x30, "00 01 't' 02 0B 00", kProtocol},
    {"subscription identifier of 5 bytes", k5, 0x30, "00 01 't' 05 0B FF FF FF FF", kMalformed},
    {"truncated message expiry interval", k5, 0x30, "00 01 't' 03 02 00 00", kMalformed},
    {"user property key not UTF-8", k5, 0x30, "00 01 't' 07 26 00 01 FF 00 01 'v'", kMalformed},
    {"content type not UTF-8", k5, 0x30, "00 01 't' 04 03 00 01 C1", kMalformed},
    // PUBACK, PUBREC, PUBREL, PUBCOMP.
    {"v3.1.1 PUBACK of 3 bytes", k311, 0x40, "00 01 00", kMalformed},
    {"v3.1 PUBREC of 1 byte", k31, 0x50, "00", kMalformed},
    {"v3.1.1 PUBCOMP of 0 bytes", k311, 0x70, "", kMalformed},
    {"PUBACK packet id 0", k311, 0x40, "00 00", kProtocol},
    {"PUBREC packet id 0", k5, 0x50, "00 00", kProtocol},
    {"PUBREL packet id 0", k311, 0x62, "00 00", kProtocol},
    {"PUBCOMP packet id 0", k5, 0x70, "00 00", kProtocol},
    {"PUBACK reason 0x81 is not a PUBACK reason", k5, 0x40, "00 01 81", kMalformed},
    {"PUBREL reason 0x10 is not a PUBREL reason", k5, 0x62, "00 01 10", kMalformed},
    {"topic alias not allowed in PUBACK", k5, 0x40, "00 01 00 03 23 00 01", kMalformed},
    {"bytes after PUBACK properties", k5, 0x40, "00 01 00 00 FF", kMalformed},
    {"duplicate reason string in PUBREC", k5, 0x50, "00 01 00 08 1F 00 01 'a' 1F 00 01 'b'",
     kProtocol},
    // SUBSCRIBE.
    {"SUBSCRIBE without entries", k311, 0x82, "00 01", kProtocol},
    {"v5 SUBSCRIBE without entries", k5, 0x82, "00 01 00", kProtocol},
    {"SUBSCRIBE packet id 0", k311, 0x82, "00 00 00 01 'a' 00", kProtocol},
    {"v3 subscription option bit 2", k311, 0x82, "00 01 00 01 'a' 04", kMalformed},
    {"v3 subscription option bit 7", k31, 0x82, "00 01 00 01 'a' 80", kMalformed},
    {"v5 subscription option bit 6", k5, 0x82, "00 01 00 00 01 'a' 40", kMalformed},
    {"v5 subscription option bit 7", k5, 0x82, "00 01 00 00 01 'a' 81", kMalformed},
    {"v3 subscription QoS 3", k311, 0x82, "00 01 00 01 'a' 03", kMalformed},
    {"v5 subscription QoS 3", k5, 0x82, "00 01 00 00 01 'a' 03", kMalformed},
    {"retain handling 3", k5, 0x82, "00 01 00 00 01 'a' 30", kProtocol},
    {"SUBSCRIBE entry without options", k311, 0x82, "00 01 00 01 'a'", kMalformed},
    {"topic filter not UTF-8", k311, 0x82, "00 01 00 01 FF 00", kMalformed},
    {"two subscription identifiers in SUBSCRIBE", k5, 0x82, "00 01 04 0B 01 0B 02 00 01 'a' 00",
     kProtocol},
    {"reason string not allowed in SUBSCRIBE", k5, 0x82, "00 01 04 1F 00 01 'x' 00 01 'a' 00",
     kMalformed},
    // UNSUBSCRIBE.
    {"UNSUBSCRIBE without filters", k311, 0xA2, "00 01", kProtocol},
    {"v5 UNSUBSCRIBE without filters", k5, 0xA2, "00 01 00", kProtocol},
    {"UNSUBSCRIBE packet id 0", k311, 0xA2, "00 00 00 01 'a'", kProtocol},
    {"reason string not allowed in UNSUBSCRIBE", k5, 0xA2, "00 01 04 1F 00 01 'x' 00 01 'a'",
     kMalformed},
    {"UNSUBSCRIBE filter cut short", k311, 0xA2, "00 01 00 03 'a'", kMalformed},
    // SUBACK, UNSUBACK, CONNACK.
    {"v3 SUBACK return code 3", k311, 0x90, "00 01 03", kMalformed},
    {"SUBACK without return codes", k311, 0x90, "00 01", kProtocol},
    {"v5 SUBACK without reason codes", k5, 0x90, "00 01 00", kProtocol},
    {"v5 SUBACK reason 0x10", k5, 0x90, "00 01 00 10", kMalformed},
    {"v3 UNSUBACK with a payload", k311, 0xB0, "00 01 00", kMalformed},
    {"v5 UNSUBACK reason 0x10", k5, 0xB0, "00 01 00 10", kMalformed},
    {"v3 CONNACK return code 6", k311, 0x20, "00 06", kMalformed},
    {"CONNACK reserved acknowledge flag", k311, 0x20, "02 00", kMalformed},
    {"v3 CONNACK of 3 bytes", k311, 0x20, "00 00 00", kMalformed},
    {"v5 CONNACK without property length", k5, 0x20, "00 00", kMalformed},
    {"v5 CONNACK reason 0x04", k5, 0x20, "00 04 00", kMalformed},
    {"receive maximum 0", k5, 0x20, "00 00 03 21 00 00", kProtocol},
    {"maximum packet size 0", k5, 0x20, "00 00 05 27 00 00 00 00", kProtocol},
    {"maximum QoS 2", k5, 0x20, "00 00 02 24 02", kProtocol},
    {"retain available 2", k5, 0x20, "00 00 02 25 02", kProtocol},
    {"wildcard subscription available 2", k5, 0x20, "00 00 02 28 02", kProtocol},
    {"subscription identifier available 2", k5, 0x20, "00 00 02 29 02", kProtocol},
    {"shared subscription available 2", k5, 0x20, "00 00 02 2A 02", kProtocol},
    {"will delay interval not allowed in CONNACK", k5, 0x20, "00 00 05 18 00 00 00 01", kMalformed},
    // PINGREQ, PINGRESP, DISCONNECT, AUTH.
    {"PINGREQ with a body", k311, 0xC0, "00", kMalformed},
    {"PINGRESP with a body", k5, 0xD0, "00", kMalformed},
    {"v3 DISCONNECT with a body", k311, 0xE0, "00", kMalformed},
    {"v5 DISCONNECT reason 0x01", k5, 0xE0, "01", kMalformed},
    {"receive maximum not allowed in DISCONNECT", k5, 0xE0, "00 03 21 00 0A", kMalformed},
    {"duplicate session expiry in DISCONNECT", k5, 0xE0, "00 0A 11 00 00 00 01 11 00 00 00 02",
     kProtocol},
    {"AUTH reason 0x87", k5, 0xF0, "87", kMalformed},
    {"server reference not allowed in AUTH", k5, 0xF0, "18 04 1C 00 01 's'", kMalformed},
    // CONNECT.
    {"unsupported level 6", k5, 0x10, "00 04 'MQTT' 06 02 00 3C 00 00", kUnsupported},
    {"MQTT name with level 3", k311, 0x10, "00 04 'MQTT' 03 02 00 3C 00 01 'c'", kUnsupported},
    {"MQIsdp name with level 4", k311, 0x10, "00 06 'MQIsdp' 04 02 00 3C 00 01 'c'", kUnsupported},
    {"unknown protocol name", k311, 0x10, "00 04 'HTTP' 04 02 00 3C 00 01 'c'", kUnsupported},
    {"CONNECT without protocol name", k311, 0x10, "00", kMalformed},
    {"reserved connect flag", k311, 0x10, "00 04 'MQTT' 04 03 00 3C 00 01 'c'", kMalformed},
    {"will QoS without will flag", k311, 0x10, "00 04 'MQTT' 04 0A 00 3C 00 01 'c'", kMalformed},
    {"will retain without will flag", k5, 0x10, "00 04 'MQTT' 05 22 00 3C 00 00 01 'c'",
     kMalformed},
    {"will QoS 3", k311, 0x10, "00 04 'MQTT' 04 1E 00 3C 00 01 'c' 00 01 'w' 00 00", kMalformed},
    {"v3.1.1 password without user name", k311, 0x10,
     "00 04 'MQTT' 04 42 00 3C 00 01 'c' 00 01 'p'", kMalformed},
    {"v3.1 password without user name", k31, 0x10, "00 06 'MQIsdp' 03 42 00 3C 00 01 'c' 00 01 'p'",
     kMalformed},
    {"client id not UTF-8", k311, 0x10, "00 04 'MQTT' 04 02 00 3C 00 02 ED BF", kMalformed},
    {"user name not UTF-8", k311, 0x10, "00 04 'MQTT' 04 82 00 3C 00 01 'c' 00 01 FF", kMalformed},
    {"bytes after CONNECT payload", k311, 0x10, "00 04 'MQTT' 04 02 00 3C 00 01 'c' 00",
     kMalformed},
    {"user name flag without user name", k311, 0x10, "00 04 'MQTT' 04 82 00 3C 00 01 'c'",
     kMalformed},
    {"CONNECT without keep alive", k311, 0x10, "00 04 'MQTT' 04 02 00", kMalformed},
    {"topic alias not allowed in CONNECT", k5, 0x10, "00 04 'MQTT' 05 02 00 3C 03 23 00 01 00 00",
     kMalformed},
    {"session expiry not allowed in will", k5, 0x10,
     "00 04 'MQTT' 05 06 00 3C 00 00 01 'c' 05 11 00 00 00 01 00 01 'w' 00 00", kMalformed},
    {"will payload format indicator 3", k5, 0x10,
     "00 04 'MQTT' 05 06 00 3C 00 00 01 'c' 02 01 03 00 01 'w' 00 00", kProtocol},
    {"request problem information 2", k5, 0x10, "00 04 'MQTT' 05 02 00 3C 02 17 02 00 00",
     kProtocol},
    {"request response information 2", k5, 0x10, "00 04 'MQTT' 05 02 00 3C 02 19 02 00 00",
     kProtocol},
    {"duplicate receive maximum in CONNECT", k5, 0x10,
     "00 04 'MQTT' 05 02 00 3C 06 21 00 01 21 00 02 00 00", kProtocol},
    {"maximum packet size 0 in CONNECT", k5, 0x10,
     "00 04 'MQTT' 05 02 00 3C 05 27 00 00 00 00 00 00", kProtocol},
    {"authentication data without method", k5, 0x10,
     "00 04 'MQTT' 05 02 00 3C 04 16 00 01 'x' 00 00", kProtocol},
};

class MalformedInput : public ::testing::TestWithParam<BadPacket> {};

TEST_P(MalformedInput, IsRejectedWithTheExpectedReasonCode) {
  const BadPacket& row = GetParam();
  const Result<Packet> result =
      decode_bytes(frame(row.first_byte, parse_bytes(row.body)), row.version);
  ASSERT_FALSE(result.ok()) << row.rule;
  EXPECT_EQ(result.error().code, row.expected_code) << row.rule << ": " << result.error().message;
  EXPECT_FALSE(result.error().message.empty());
}

// "PUBLISH QoS 3" -> "PUBLISH_QoS_3", so a failure names its rule.
std::string rule_name(const ::testing::TestParamInfo<BadPacket>& info) {
  std::string name;
  for (const char* c = info.param.rule; *c != '\0'; ++c) {
    name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedInput, ::testing::ValuesIn(kBadPackets), rule_name);

TEST(MalformedInputTable, HasAtLeastFortyRows) {
  EXPECT_GE(std::size(kBadPackets), 40u);
}

}  // namespace
}  // namespace starling::protocol
