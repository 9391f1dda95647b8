// libFuzzer target: scripts of connection events (session_driver.hpp) run
// against a whole BrokerCore on manual executors. Any crash, sanitizer
// report, leak or hang is a bug; so is a frame the broker writes that does
// not decode.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "session_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string why = starling::fuzz::drive_sessions(std::span(data, size));
  if (!why.empty()) {
    std::fprintf(stderr, "session property failed: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
