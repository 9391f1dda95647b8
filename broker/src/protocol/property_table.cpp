#include "protocol/property_table.hpp"

#include <array>
#include <initializer_list>

namespace starling::protocol {
namespace {

constexpr std::uint16_t scopes(std::initializer_list<PropertyScope> list) {
  std::uint16_t mask = 0;
  for (PropertyScope scope : list)
    mask |= static_cast<std::uint16_t>(1u << static_cast<unsigned>(scope));
  return mask;
}

using S = PropertyScope;
using T = PropertyType;
using P = PropertyId;

constexpr std::uint16_t kMessageScopes = scopes({S::kPublish, S::kWill});
constexpr std::uint16_t kEverywhere =
    scopes({S::kConnect, S::kWill, S::kConnack, S::kPublish, S::kPublishResponse, S::kSubscribe,
            S::kSuback, S::kUnsubscribe, S::kUnsuback, S::kDisconnect, S::kAuth});

constexpr std::array kProperties = {
    PropertyInfo{P::kPayloadFormatIndicator, "payload format indicator", T::kByte, kMessageScopes},
    PropertyInfo{P::kMessageExpiryInterval, "message expiry interval", T::kFourByteInteger,
                 kMessageScopes},
    PropertyInfo{P::kContentType, "content type", T::kUtf8String, kMessageScopes},
    PropertyInfo{P::kResponseTopic, "response topic", T::kUtf8String, kMessageScopes},
    PropertyInfo{P::kCorrelationData, "correlation data", T::kBinaryData, kMessageScopes},
    PropertyInfo{P::kSubscriptionIdentifier, "subscription identifier", T::kVariableByteInteger,
                 scopes({S::kPublish, S::kSubscribe})},
    PropertyInfo{P::kSessionExpiryInterval, "session expiry interval", T::kFourByteInteger,
                 scopes({S::kConnect, S::kConnack, S::kDisconnect})},
    PropertyInfo{P::kAssignedClientIdentifier, "assigned client identifier", T::kUtf8String,
                 scopes({S::kConnack})},
    PropertyInfo{P::kServerKeepAlive, "server keep alive", T::kTwoByteInteger,
                 scopes({S::kConnack})},
    PropertyInfo{P::kAuthenticationMethod, "authentication method", T::kUtf8String,
                 scopes({S::kConnect, S::kConnack, S::kAuth})},
    PropertyInfo{P::kAuthenticationData, "authentication data", T::kBinaryData,
                 scopes({S::kConnect, S::kConnack, S::kAuth})},
    PropertyInfo{P::kRequestProblemInformation, "request problem information", T::kByte,
                 scopes({S::kConnect})},
    PropertyInfo{P::kWillDelayInterval, "will delay interval", T::kFourByteInteger,
                 scopes({S::kWill})},
    PropertyInfo{P::kRequestResponseInformation, "request response information", T::kByte,
                 scopes({S::kConnect})},
    PropertyInfo{P::kResponseInformation, "response information", T::kUtf8String,
                 scopes({S::kConnack})},
    PropertyInfo{P::kServerReference, "server reference", T::kUtf8String,
                 scopes({S::kConnack, S::kDisconnect})},
    PropertyInfo{P::kReasonString, "reason string", T::kUtf8String,
                 scopes({S::kConnack, S::kPublishResponse, S::kSuback, S::kUnsuback, S::kDisconnect,
                         S::kAuth})},
    PropertyInfo{P::kReceiveMaximum, "receive maximum", T::kTwoByteInteger,
                 scopes({S::kConnect, S::kConnack})},
    PropertyInfo{P::kTopicAliasMaximum, "topic alias maximum", T::kTwoByteInteger,
                 scopes({S::kConnect, S::kConnack})},
    PropertyInfo{P::kTopicAlias, "topic alias", T::kTwoByteInteger, scopes({S::kPublish})},
    PropertyInfo{P::kMaximumQos, "maximum QoS", T::kByte, scopes({S::kConnack})},
    PropertyInfo{P::kRetainAvailable, "retain available", T::kByte, scopes({S::kConnack})},
    PropertyInfo{P::kUserProperty, "user property", T::kUtf8StringPair, kEverywhere},
    PropertyInfo{P::kMaximumPacketSize, "maximum packet size", T::kFourByteInteger,
                 scopes({S::kConnect, S::kConnack})},
    PropertyInfo{P::kWildcardSubscriptionAvailable, "wildcard subscription available", T::kByte,
                 scopes({S::kConnack})},
    PropertyInfo{P::kSubscriptionIdentifierAvailable, "subscription identifier available", T::kByte,
                 scopes({S::kConnack})},
    PropertyInfo{P::kSharedSubscriptionAvailable, "shared subscription available", T::kByte,
                 scopes({S::kConnack})},
};

}  // namespace

const PropertyInfo* find_property(std::uint32_t id) {
  for (const PropertyInfo& info : kProperties) {
    if (static_cast<std::uint32_t>(info.id) == id) return &info;
  }
  return nullptr;
}

}  // namespace starling::protocol
