#include "protocol/reason_code.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "protocol/encoder.hpp"

namespace starling::protocol {
namespace {

TEST(ReasonCodeToString, NamesCommonCodes) {
  EXPECT_EQ(to_string(ReasonCode::kSuccess), "success");
  EXPECT_EQ(to_string(ReasonCode::kMalformedPacket), "malformed packet");
  EXPECT_EQ(to_string(ReasonCode::kProtocolError), "protocol error");
  EXPECT_EQ(to_string(ReasonCode::kPacketTooLarge), "packet too large");
  EXPECT_EQ(to_string(ReasonCode::kWildcardSubscriptionsNotSupported),
            "wildcard subscriptions not supported");
}

TEST(ReasonCodeToString, GivesEveryDefinedCodeItsOwnName) {
  const std::uint8_t defined[] = {0x00, 0x01, 0x02, 0x04, 0x10, 0x11, 0x18, 0x19, 0x80, 0x81, 0x82,
                                  0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D,
                                  0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
                                  0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
  std::set<std::string_view> names;
  for (std::uint8_t code : defined) {
    const std::string_view name = to_string(static_cast<ReasonCode>(code));
    EXPECT_NE(name, "unknown reason code") << int{code};
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(defined));
}

TEST(ReasonCodeToString, SaysUnknownForAnUndefinedValue) {
  EXPECT_EQ(to_string(static_cast<ReasonCode>(0x05)), "unknown reason code");
}

TEST(ConnackReturnCodeV3, MapsTheSixV3CodesBack) {
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kSuccess), 0);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kUnsupportedProtocolVersion), 1);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kClientIdentifierNotValid), 2);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kServerUnavailable), 3);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kBadUserNameOrPassword), 4);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kNotAuthorized), 5);
}

TEST(ConnackReturnCodeV3, MapsOtherRefusalsToTheClosestV3Code) {
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kBanned), 5);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kBadAuthenticationMethod), 4);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kServerBusy), 3);
  EXPECT_EQ(connack_return_code_v3(ReasonCode::kUnspecifiedError), 3);
}

}  // namespace
}  // namespace starling::protocol
