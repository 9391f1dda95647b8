#include "protocol/utf8.hpp"

#include <cstddef>
#include <cstdint>

namespace starling::protocol {
namespace {

bool is_continuation(std::uint8_t byte) {
  return (byte & 0xC0) == 0x80;
}

// Length of the sequence a lead byte starts and the allowed range of the
// second byte, which is where overlong forms, surrogates and values above
// U+10FFFF are ruled out (Unicode table 3-7). Length 0: invalid lead byte.
struct LeadRule {
  std::size_t length = 0;
  std::uint8_t second_min = 0x80;
  std::uint8_t second_max = 0xBF;
};

LeadRule rule_for(std::uint8_t lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {2};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};  // excludes the surrogates
  if (lead >= 0xE1 && lead <= 0xEF) return {3};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4};
  if (lead == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {};                                 // continuation byte, overlong 0xC0/0xC1, or 0xF5..0xFF
}

}  // namespace

bool is_valid_mqtt_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t lead = bytes[i];
    if (lead < 0x80) {
      if (lead == 0) return false;
      ++i;
      continue;
    }
    const LeadRule rule = rule_for(lead);
    if (rule.length == 0 || size - i < rule.length) return false;
    const std::uint8_t second = bytes[i + 1];
    if (second < rule.second_min || second > rule.second_max) return false;
    for (std::size_t k = 2; k < rule.length; ++k) {
      if (!is_continuation(bytes[i + k])) return false;
    }
    i += rule.length;
  }
  return true;
}

}  // namespace starling::protocol
