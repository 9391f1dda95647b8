#pragma once
// Typed reads of a plugin's [plugins.options] (they arrive as text).
#include <charconv>
#include <cstdint>
#include <string>

#include "starling/plugin.hpp"
#include "starling/result.hpp"

namespace starling::plugins {

// The decimal integer under `key`, `fallback` when it is absent, or an error
// naming the key when it is not an integer from 0 to `max`.
inline Result<std::uint64_t> unsigned_option(const plugin::Options& options, const std::string& key,
                                             std::uint64_t fallback, std::uint64_t max) {
  if (!options.has(key)) return fallback;
  const std::string text = options.get(key);
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || value > max) {
    return Error{0, "option " + key + " must be an integer from 0 to " + std::to_string(max) +
                        ", got \"" + text + "\""};
  }
  return value;
}

}  // namespace starling::plugins
