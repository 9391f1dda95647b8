#pragma once
// Random topic names and filters over a small alphabet, so that random
// filters and topics overlap often. Deterministic for a given seed.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>

namespace starling::routing::testing_support {

class RandomTopics {
 public:
  explicit RandomTopics(std::uint32_t seed) : rng_(seed) {}

  // 1 to 5 levels from {"a", "b", "c", "", "$SYS", "$x"}; never "".
  std::string topic() {
    std::string out;
    const std::size_t levels = pick(5) + 1;
    for (std::size_t i = 0; i < levels; ++i) {
      if (i > 0) out += '/';
      out += kLevels[pick(std::size(kLevels))];
    }
    return out.empty() ? "/" : out;  // "" is neither a valid name nor filter
  }

  // 1 to 5 levels, each a level from topic() or '+'; sometimes a final '#'.
  std::string filter() {
    std::string out;
    const std::size_t levels = pick(5) + 1;
    for (std::size_t i = 0; i < levels; ++i) {
      if (i > 0) out += '/';
      if (i + 1 == levels && pick(5) == 0) {
        out += '#';
      } else if (pick(3) == 0) {
        out += '+';
      } else {
        out += kLevels[pick(std::size(kLevels))];
      }
    }
    return out.empty() ? "/" : out;
  }

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

 private:
  static constexpr const char* kLevels[] = {"a", "b", "c", "", "$SYS", "$x"};
  std::mt19937 rng_;
};

}  // namespace starling::routing::testing_support
