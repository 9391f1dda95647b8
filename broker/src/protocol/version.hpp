#pragma once
#include <cstdint>

namespace starling::protocol {

// The protocol level byte of CONNECT.
enum class Version : std::uint8_t { kV31 = 3, kV311 = 4, kV5 = 5 };

constexpr bool is_v5(Version v) { return v == Version::kV5; }
// The Protocol Level byte of CONNECT: 3, 4 or 5.
constexpr std::uint8_t protocol_level(Version v) { return static_cast<std::uint8_t>(v); }

}  // namespace starling::protocol
