// libFuzzer target: arbitrary bytes through the frame splitter and the
// decoders of every protocol version; accepted packets must round-trip
// through the encoder (see decoder_round_trip.hpp).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "decoder_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string why = starling::fuzz::check_decoder_round_trip(std::span(data, size));
  if (!why.empty()) {
    std::fprintf(stderr, "decoder round trip failed: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
