#pragma once
// What one subscriber received from one publisher: which sequence numbers,
// how many twice, how many after a later one. Not thread-safe.
#include <cstdint>
#include <vector>

namespace starling::bench {

class SequenceTracker {
 public:
  void record(std::uint64_t sequence);

  bool received(std::uint64_t sequence) const {
    const std::size_t word = sequence / 64;
    return word < seen_.size() && (seen_[word] >> (sequence % 64) & 1) != 0;
  }
  std::uint64_t distinct() const { return distinct_; }
  std::uint64_t duplicated() const { return duplicated_; }
  // Messages that arrived after one with a higher sequence number.
  std::uint64_t reordered() const { return reordered_; }

 private:
  std::vector<std::uint64_t> seen_;  // bitmap by sequence number
  std::uint64_t distinct_ = 0;
  std::uint64_t duplicated_ = 0;
  std::uint64_t reordered_ = 0;
  std::uint64_t highest_ = 0;
};

}  // namespace starling::bench
