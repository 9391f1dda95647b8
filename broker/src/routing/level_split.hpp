#pragma once
// Splitting a topic name or filter into its levels without copying.
#include <cstddef>
#include <string_view>

namespace starling::routing {

// The position after the last level: there are no more levels to read.
inline constexpr std::size_t kNoMoreLevels = std::string_view::npos;

struct Level {
  std::string_view text;  // the level, without its '/' (may be empty)
  std::size_t next;       // where the following level starts, or kNoMoreLevels
};

// The level of `s` starting at `pos`. "a//b" has levels "a", "" and "b";
// "a/" has "a" and "".
// REQUIRES: pos <= s.size().
inline Level split_level(std::string_view s, std::size_t pos) {
  const std::size_t slash = s.find('/', pos);
  if (slash == std::string_view::npos) {
    return {std::string_view(s.data() + pos, s.size() - pos), kNoMoreLevels};
  }
  return {std::string_view(s.data() + pos, slash - pos), slash + 1};
}

}  // namespace starling::routing
