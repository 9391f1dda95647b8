#include "config/did_you_mean.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace starling {
namespace {

// Levenshtein distance: insertions, deletions and substitutions cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (std::string_view candidate : candidates) {
    // A shared prefix ("limits.") says nothing about whether the rest is a
    // typo, so only the rest counts. Up to half of it may differ: enough for
    // "max_qos" to find "maximum_qos", not for "limits.zzz" to find "limits".
    const auto [word_end, candidate_end] =
        std::mismatch(word.begin(), word.end(), candidate.begin(), candidate.end());
    const std::string_view word_rest(word_end, word.end());
    const std::string_view candidate_rest(candidate_end, candidate.end());
    const std::size_t distance = edit_distance(word_rest, candidate_rest);
    const std::size_t allowed =
        std::max<std::size_t>(1, std::max(word_rest.size(), candidate_rest.size()) / 2);
    if (distance > allowed) continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace starling
