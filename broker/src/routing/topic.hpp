#pragma once
// Topic names and filters: validation and matching (MQTT 5.0 4.7, 3.1.1 4.7).
#include <cstddef>
#include <optional>
#include <string_view>

namespace starling::routing {

// A topic a PUBLISH may carry: at least one character, no '+' or '#', no
// U+0000, at most 65535 bytes. UTF-8 well-formedness is the decoder's job.
bool is_valid_topic_name(std::string_view topic);

// A filter a SUBSCRIBE may carry: '#' only as the last level and alone in
// it, '+' alone in its level, non-empty. A "$share/..." filter is checked
// with parse_shared_subscription, not here.
bool is_valid_topic_filter(std::string_view filter);

// "$share/{group}/{filter}" split into its parts.
struct SharedSubscription {
  std::string_view group;
  std::string_view filter;
};
enum class SharedParse { kNotShared, kShared, kInvalid };
// kInvalid for an empty group, a group containing '+', '#' or '/', or a
// missing or invalid filter. `out` is set only for kShared.
SharedParse parse_shared_subscription(std::string_view filter, SharedSubscription* out);

// True when `topic` matches `filter`. Filters starting with a wildcard do not
// match topics starting with '$'.
bool topic_matches(std::string_view filter, std::string_view topic);

// Number of levels ("a/b/c" has 3).
std::size_t topic_levels(std::string_view topic);

}  // namespace starling::routing
