#include "sequence_tracker.hpp"

#include <algorithm>

namespace starling::bench {

void SequenceTracker::record(std::uint64_t sequence) {
  const std::size_t word = sequence / 64;
  if (word >= seen_.size()) seen_.resize(std::max(word + 1, seen_.size() * 2), 0);
  const std::uint64_t bit = std::uint64_t{1} << (sequence % 64);
  if ((seen_[word] & bit) != 0) {
    ++duplicated_;
    return;
  }
  seen_[word] |= bit;
  if (distinct_ > 0 && sequence < highest_) ++reordered_;
  if (distinct_ == 0 || sequence > highest_) highest_ = sequence;
  ++distinct_;
}

}  // namespace starling::bench
