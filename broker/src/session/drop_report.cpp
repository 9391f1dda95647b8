#include "session/drop_report.hpp"

#include <algorithm>
#include <limits>

namespace starling::session {
namespace {

constexpr std::size_t index(DropReason reason) {
  return static_cast<std::size_t>(reason);
}

}  // namespace

bool DropReport::add(DropReason reason, std::size_t count, TimePoint now) {
  std::uint32_t& counted = counts_[index(reason)];
  const std::size_t room = std::numeric_limits<std::uint32_t>::max() - counted;
  counted += static_cast<std::uint32_t>(std::min(count, room));
  return !last_report_ || now - *last_report_ >= kInterval;
}

bool DropReport::pending() const {
  return std::any_of(counts_.begin(), counts_.end(), [](std::uint32_t n) { return n != 0; });
}

bool DropReport::due(TimePoint now) const {
  return pending() && (!last_report_ || now - *last_report_ >= kInterval);
}

std::string DropReport::take(TimePoint now) {
  const std::uint32_t refused = counts_[index(DropReason::kQueueFull)];
  const std::uint32_t evicted = counts_[index(DropReason::kEvicted)];
  const std::uint32_t skipped = counts_[index(DropReason::kSlowConsumer)];
  const std::uint64_t total = std::uint64_t{refused} + evicted + skipped;

  std::string text = "dropped " + std::to_string(total) + (total == 1 ? " message" : " messages");
  if (last_report_) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *last_report_);
    text += " in the last " + std::to_string(seconds.count()) + " s";
  }
  std::string reasons;
  auto add_reason = [&](std::string part) {
    if (!reasons.empty()) reasons += "; ";
    reasons += part;
  };
  if (refused != 0 || evicted != 0) {
    std::string part = "queue full:";
    if (refused != 0) part += " " + std::to_string(refused) + " new refused";
    if (refused != 0 && evicted != 0) part += ",";
    if (evicted != 0) part += " " + std::to_string(evicted) + " queued evicted";
    add_reason(std::move(part));
  }
  if (skipped != 0) {
    add_reason("client not reading: " + std::to_string(skipped) + " QoS 0 skipped");
  }
  text += " (" + reasons + ")";
  if (!last_report_) {
    text +=
        "; further drops are summarised at most every " + std::to_string(kInterval.count()) + " s";
  }
  counts_ = {};
  last_report_ = now;
  return text;
}

}  // namespace starling::session
