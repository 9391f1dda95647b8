#pragma once
// What the spec says about each v5 property (2.2.2.2): its name, how its
// value is encoded, and in which packets it may appear.
#include <cstdint>
#include <string_view>

#include "protocol/properties.hpp"

namespace starling::protocol {

// Where a property block sits. kWill is the will properties of CONNECT;
// kPublishResponse covers PUBACK, PUBREC, PUBREL and PUBCOMP.
enum class PropertyScope : std::uint8_t {
  kConnect,
  kWill,
  kConnack,
  kPublish,
  kPublishResponse,
  kSubscribe,
  kSuback,
  kUnsubscribe,
  kUnsuback,
  kDisconnect,
  kAuth,
};

enum class PropertyType : std::uint8_t {
  kByte,
  kTwoByteInteger,
  kFourByteInteger,
  kVariableByteInteger,
  kUtf8String,
  kBinaryData,
  kUtf8StringPair,
};

struct PropertyInfo {
  PropertyId id;
  std::string_view name;
  PropertyType type;
  std::uint16_t scopes;  // bit i set: allowed in PropertyScope i
};

// Null for an identifier the spec does not define.
const PropertyInfo* find_property(std::uint32_t id);

constexpr bool allowed_in(const PropertyInfo& info, PropertyScope scope) {
  return (info.scopes >> static_cast<unsigned>(scope)) & 1u;
}

}  // namespace starling::protocol
