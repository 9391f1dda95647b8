#pragma once
// MQTT topic filter matching for the bundled plugins (a plugin never links
// against the broker, so it carries its own). Pure functions; thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::plugins {

// True when `filter` is a valid MQTT topic filter: non-empty, `#` only as
// the whole last level, `+` only as a whole level, no NUL.
bool is_valid_filter(std::string_view filter);

// Matches a topic name against a filter. Returns the text each wildcard
// matched, left to right (`+`: one level; `#`: the remaining levels joined
// with '/', empty when it matched the parent level), or nullopt when the
// topic does not match. As the spec requires, a filter starting with a
// wildcard does not match a topic starting with '$'.
std::optional<std::vector<std::string>> match_topic(std::string_view filter,
                                                    std::string_view topic);

inline bool topic_matches(std::string_view filter, std::string_view topic) {
  return match_topic(filter, topic).has_value();
}

// True when every topic `inner` matches is also matched by `outer` (filter
// against filter): `a/#` covers `a/+/b` and `a`, `a/+` does not cover `a/#`.
bool filter_covers(std::string_view outer, std::string_view inner);

// Splits a topic or filter into its levels ("a//b" has three).
std::vector<std::string_view> split_levels(std::string_view text);

}  // namespace starling::plugins
