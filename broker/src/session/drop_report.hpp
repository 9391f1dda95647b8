#pragma once
// Rate-limits what the broker says about messages a session had to drop, so
// a client that falls behind is visible in the log without flooding it: the
// first drop is reported at once, later ones are counted and summarised in
// one report at most every kInterval. No I/O: it says when a report is due
// and what it says; the caller writes it.
//
// Thread-safety: none; the session's owner thread drives it.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/message.hpp"

namespace starling::session {

enum class DropReason : std::uint8_t {
  kQueueFull,     // a new message refused: the session's queue was full
  kEvicted,       // a queued message evicted to make room for a newer one
  kSlowConsumer,  // a QoS 0 message skipped: the client is not reading its output
};

class DropReport {
 public:
  static constexpr std::chrono::seconds kInterval{10};

  // Counts `count` messages dropped at `now`. True when a report is due at
  // once: nothing was reported in the last kInterval.
  bool add(DropReason reason, std::size_t count, TimePoint now);

  // Drops counted and not reported yet.
  bool pending() const;
  // Pending, and the last report is kInterval or more before `now`.
  bool due(TimePoint now) const;

  // What was dropped since the last report, as the end of a log line
  // ("dropped 3 messages in the last 12 s (queue full: 2 new refused, 1 queued
  // evicted)"); starts a new interval at `now`. REQUIRES: pending().
  std::string take(TimePoint now);

 private:
  std::array<std::uint32_t, 3> counts_{};
  std::optional<TimePoint> last_report_;
};

}  // namespace starling::session
