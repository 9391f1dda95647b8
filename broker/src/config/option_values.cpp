#include "config/option_values.hpp"

#include <algorithm>
#include <span>

#include "config/config_error.hpp"
#include "util/log.hpp"

namespace starling {
namespace {

std::string join(std::span<const std::string_view> words) {
  std::string joined;
  for (std::string_view word : words) {
    if (!joined.empty()) joined += ", ";
    joined += word;
  }
  return joined;
}

bool contains(std::span<const std::string_view> words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

std::string log_level_list() {
  return join(kLogLevels);
}

Status check_log_level(std::string_view level) {
  // The logger decides which names exist; kLogLevels spells them out for
  // messages, and a unit test keeps the two in step.
  log::Level parsed;
  if (log::parse_level(level, &parsed)) return {};
  return config_error("expected one of " + log_level_list() + ", got '" + std::string(level) + "'");
}

Status check_listener_type(std::string_view type) {
  if (contains(kListenerTypes, type)) return {};
  return config_error("unknown listener type '" + std::string(type) +
                      "' (supported: " + join(kListenerTypes) + ")");
}

Status check_durability(std::string_view mode) {
  if (contains(kDurabilityModes, mode)) return {};
  return config_error("expected one of " + join(kDurabilityModes) + ", got '" + std::string(mode) + "'");
}

Status check_queue_full_policy(std::string_view policy) {
  if (contains(kQueueFullPolicies, policy)) return {};
  return config_error("expected one of " + join(kQueueFullPolicies) + ", got '" +
                      std::string(policy) + "'");
}

Status check_data_dir(std::string_view dir) {
  if (!dir.empty()) return {};
  return config_error("must not be empty");
}

}  // namespace starling
