#include "topic_filter.hpp"

#include <cstddef>

namespace starling::plugins {

std::vector<std::string_view> split_levels(std::string_view text) {
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(text.substr(start));
      return levels;
    }
    levels.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
}

bool is_valid_filter(std::string_view filter) {
  if (filter.empty() || filter.find('\0') != std::string_view::npos) return false;
  const auto levels = split_levels(filter);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const std::string_view level = levels[i];
    if (level.find('#') != std::string_view::npos) {
      if (level != "#" || i + 1 != levels.size()) return false;
    }
    if (level.find('+') != std::string_view::npos && level != "+") return false;
  }
  return true;
}

std::optional<std::vector<std::string>> match_topic(std::string_view filter,
                                                    std::string_view topic) {
  if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
      (filter.front() == '+' || filter.front() == '#')) {
    return std::nullopt;
  }
  const auto filter_levels = split_levels(filter);
  const auto topic_levels = split_levels(topic);
  std::vector<std::string> captures;
  std::size_t i = 0;
  for (; i < filter_levels.size(); ++i) {
    const std::string_view level = filter_levels[i];
    if (level == "#") {
      std::string rest;
      for (std::size_t j = i; j < topic_levels.size(); ++j) {
        if (j > i) rest += '/';
        rest += topic_levels[j];
      }
      captures.push_back(std::move(rest));
      return captures;
    }
    if (i >= topic_levels.size()) return std::nullopt;
    if (level == "+") {
      captures.emplace_back(topic_levels[i]);
    } else if (level != topic_levels[i]) {
      return std::nullopt;
    }
  }
  if (i != topic_levels.size()) return std::nullopt;
  return captures;
}

bool filter_covers(std::string_view outer, std::string_view inner) {
  if (!inner.empty() && inner.front() == '$' && !outer.empty() &&
      (outer.front() == '+' || outer.front() == '#')) {
    return false;
  }
  const auto outer_levels = split_levels(outer);
  const auto inner_levels = split_levels(inner);
  for (std::size_t i = 0; i < outer_levels.size(); ++i) {
    const std::string_view level = outer_levels[i];
    if (level == "#") return true;
    if (i >= inner_levels.size()) return false;
    const std::string_view other = inner_levels[i];
    if (other == "#") return false;  // only `#` covers `#`
    if (level == "+") continue;      // covers a literal level and `+`
    if (other == "+" || level != other) return false;
  }
  return outer_levels.size() == inner_levels.size();
}

}  // namespace starling::plugins
