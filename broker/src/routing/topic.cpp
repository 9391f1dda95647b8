#include "routing/topic.hpp"

#include "routing/level_split.hpp"

namespace starling::routing {
namespace {

constexpr std::size_t kMaxTopicBytes = 65535;
constexpr std::string_view kSharePrefix = "$share/";
// Characters a topic name, or a shared subscription group, must not contain.
constexpr std::string_view kWildcardsAndNul("+#\0", 3);

bool is_wildcard(std::string_view level) {
  return level == "+" || level == "#";
}

}  // namespace

bool is_valid_topic_name(std::string_view topic) {
  if (topic.empty() || topic.size() > kMaxTopicBytes) return false;
  return topic.find_first_of(kWildcardsAndNul) == std::string_view::npos;
}

bool is_valid_topic_filter(std::string_view filter) {
  if (filter.empty() || filter.size() > kMaxTopicBytes) return false;
  if (filter.find('\0') != std::string_view::npos) return false;
  std::size_t pos = 0;
  while (pos != kNoMoreLevels) {
    const Level level = split_level(filter, pos);
    if (level.text.find('#') != std::string_view::npos) {
      if (level.text != "#" || level.next != kNoMoreLevels) return false;
    }
    if (level.text.find('+') != std::string_view::npos && level.text != "+") return false;
    pos = level.next;
  }
  return true;
}

SharedParse parse_shared_subscription(std::string_view filter, SharedSubscription* out) {
  if (!filter.starts_with(kSharePrefix)) return SharedParse::kNotShared;
  if (filter.size() > kMaxTopicBytes) return SharedParse::kInvalid;
  const std::string_view rest = filter.substr(kSharePrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return SharedParse::kInvalid;
  const std::string_view group = rest.substr(0, slash);
  // The group ends at the first '/', so it cannot contain one.
  if (group.empty() || group.find_first_of(kWildcardsAndNul) != std::string_view::npos) {
    return SharedParse::kInvalid;
  }
  const std::string_view shared_filter = rest.substr(slash + 1);
  if (!is_valid_topic_filter(shared_filter)) return SharedParse::kInvalid;
  if (out != nullptr) *out = {group, shared_filter};
  return SharedParse::kShared;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  Level filter_level = split_level(filter, 0);
  if (topic.starts_with('$') && is_wildcard(filter_level.text)) return false;
  std::size_t topic_pos = 0;
  while (true) {
    if (filter_level.text == "#") return true;  // also matches the parent: "a/#" matches "a"
    if (topic_pos == kNoMoreLevels) return false;
    const Level topic_level = split_level(topic, topic_pos);
    if (filter_level.text != "+" && filter_level.text != topic_level.text) return false;
    if (filter_level.next == kNoMoreLevels) return topic_level.next == kNoMoreLevels;
    filter_level = split_level(filter, filter_level.next);
    topic_pos = topic_level.next;
  }
}

std::size_t topic_levels(std::string_view topic) {
  std::size_t levels = 1;
  for (const char c : topic) {
    if (c == '/') ++levels;
  }
  return levels;
}

}  // namespace starling::routing
