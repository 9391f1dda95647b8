#pragma once
#include <cstdint>

namespace starling::protocol {

// The protocol level byte of CONNECT.
enum class Version : std::uint8_t { kV31 = 3, kV311 = 4, kV5 = 5 };

constexpr bool is_v5(Version v) { return v == Version::kV5; }

}  // namespace starling::protocol
