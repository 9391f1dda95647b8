#pragma once
// Reading $SYS messages a test client received: the latest value of a topic,
// as text or as a number, and waiting until it satisfies a condition.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "broker_test.hpp"
#include "message_queue.hpp"

namespace starling::test {

// Generous: the figures go out once a second in these tests, but a loaded
// 2-core machine may delay a tick or a delivery by a few seconds.
inline constexpr std::chrono::milliseconds kSysTimeout{15000};

// The payload of the last message received on `topic`, if any.
inline std::optional<std::string> latest(const MessageQueue& queue, const std::string& topic) {
  std::optional<std::string> value;
  for (const auto& message : queue.snapshot()) {
    if (message->get_topic() == topic) value = message->get_payload_str();
  }
  return value;
}

inline std::optional<std::uint64_t> as_number(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::uint64_t number = 0;
  const char* end = text->data() + text->size();
  auto [rest, error] = std::from_chars(text->data(), end, number);
  if (error != std::errc{} || rest != end) return std::nullopt;
  return number;
}

inline std::optional<std::uint64_t> latest_number(const MessageQueue& queue,
                                                  const std::string& topic) {
  return as_number(latest(queue, topic));
}

// Waits until the latest value of `topic` satisfies `good`.
inline bool wait_for_value(const MessageQueue& queue, const std::string& topic,
                           const std::function<bool(const std::string&)>& good,
                           std::chrono::milliseconds timeout = kSysTimeout) {
  return eventually(
      [&] {
        auto value = latest(queue, topic);
        return value && good(*value);
      },
      timeout);
}

inline bool wait_for_number(const MessageQueue& queue, const std::string& topic,
                            const std::function<bool(std::uint64_t)>& good,
                            std::chrono::milliseconds timeout = kSysTimeout) {
  return eventually(
      [&] {
        auto value = latest_number(queue, topic);
        return value && good(*value);
      },
      timeout);
}

// Waits until no message has arrived for a quiet period (the retained
// messages a SUBSCRIBE brought are all in) and returns how many there are.
inline std::size_t settled_size(MessageQueue& queue,
                                std::chrono::milliseconds quiet = std::chrono::milliseconds(500)) {
  std::size_t size = queue.size();
  const auto deadline = std::chrono::steady_clock::now() + kSysTimeout;
  while (!queue.stays_at(size, quiet) && std::chrono::steady_clock::now() < deadline) {
    size = queue.size();
  }
  return size;
}

}  // namespace starling::test
