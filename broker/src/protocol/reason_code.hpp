#pragma once
// MQTT 5.0 reason codes (spec 2.4). v3.1.1 return codes are derived from these
// by the encoder (see connack_return_code_v3 in encoder.hpp).
#include <cstdint>
#include <string_view>

namespace starling::protocol {

enum class ReasonCode : std::uint8_t {
  kSuccess = 0x00,
  kNormalDisconnection = 0x00,
  kGrantedQos0 = 0x00,
  kGrantedQos1 = 0x01,
  kGrantedQos2 = 0x02,
  kDisconnectWithWillMessage = 0x04,
  kNoMatchingSubscribers = 0x10,
  kNoSubscriptionExisted = 0x11,
  kContinueAuthentication = 0x18,
  kReAuthenticate = 0x19,
  kUnspecifiedError = 0x80,
  kMalformedPacket = 0x81,
  kProtocolError = 0x82,
  kImplementationSpecificError = 0x83,
  kUnsupportedProtocolVersion = 0x84,
  kClientIdentifierNotValid = 0x85,
  kBadUserNameOrPassword = 0x86,
  kNotAuthorized = 0x87,
  kServerUnavailable = 0x88,
  kServerBusy = 0x89,
  kBanned = 0x8A,
  kServerShuttingDown = 0x8B,
  kBadAuthenticationMethod = 0x8C,
  kKeepAliveTimeout = 0x8D,
  kSessionTakenOver = 0x8E,
  kTopicFilterInvalid = 0x8F,
  kTopicNameInvalid = 0x90,
  kPacketIdentifierInUse = 0x91,
  kPacketIdentifierNotFound = 0x92,
  kReceiveMaximumExceeded = 0x93,
  kTopicAliasInvalid = 0x94,
  kPacketTooLarge = 0x95,
  kMessageRateTooHigh = 0x96,
  kQuotaExceeded = 0x97,
  kAdministrativeAction = 0x98,
  kPayloadFormatInvalid = 0x99,
  kRetainNotSupported = 0x9A,
  kQosNotSupported = 0x9B,
  kUseAnotherServer = 0x9C,
  kServerMoved = 0x9D,
  kSharedSubscriptionsNotSupported = 0x9E,
  kConnectionRateExceeded = 0x9F,
  kMaximumConnectTime = 0xA0,
  kSubscriptionIdentifiersNotSupported = 0xA1,
  kWildcardSubscriptionsNotSupported = 0xA2,
};

constexpr bool is_failure(ReasonCode code) { return static_cast<std::uint8_t>(code) >= 0x80; }

// A short English name ("malformed packet"), for logs and reason strings.
std::string_view to_string(ReasonCode code);

}  // namespace starling::protocol
