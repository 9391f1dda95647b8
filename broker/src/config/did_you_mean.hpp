#pragma once
// Spelling suggestions for unknown config keys and command-line flags.
#include <optional>
#include <span>
#include <string_view>

namespace starling {

// Returns the candidate most likely meant by `word` (smallest edit distance),
// or nothing when no candidate is close enough to be a plausible typo.
// The returned view points into `candidates`.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace starling
