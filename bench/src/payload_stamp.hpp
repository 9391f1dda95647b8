#pragma once
// The first 24 bytes of every benchmark payload: who sent it, its place in
// that publisher's sequence, and when (steady clock, nanoseconds). The rest of
// the payload is filler. Little-endian, host order is fine: the same process
// writes and reads it.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace starling::bench {

inline constexpr std::size_t kStampSize = 24;
inline constexpr std::uint32_t kStampMagic = 0x5354424e;  // "STBN"

struct Stamp {
  std::uint32_t publisher = 0;
  std::uint64_t sequence = 0;  // 0, 1, 2, ... per publisher
  std::uint64_t sent_ns = 0;   // steady_clock
};

inline std::uint64_t steady_now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// REQUIRES: `out` points at kStampSize writable bytes.
inline void write_stamp(const Stamp& stamp, char* out) {
  std::memcpy(out, &kStampMagic, 4);
  std::memcpy(out + 4, &stamp.publisher, 4);
  std::memcpy(out + 8, &stamp.sequence, 8);
  std::memcpy(out + 16, &stamp.sent_ns, 8);
}

// False when the payload is not one of ours (too short or wrong magic).
inline bool read_stamp(std::string_view payload, Stamp& stamp) {
  if (payload.size() < kStampSize) return false;
  std::uint32_t magic = 0;
  std::memcpy(&magic, payload.data(), 4);
  if (magic != kStampMagic) return false;
  std::memcpy(&stamp.publisher, payload.data() + 4, 4);
  std::memcpy(&stamp.sequence, payload.data() + 8, 8);
  std::memcpy(&stamp.sent_ns, payload.data() + 16, 8);
  return true;
}

}  // namespace starling::bench
