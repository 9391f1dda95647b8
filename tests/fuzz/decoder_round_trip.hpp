#pragma once
// The property fuzz_decoder checks, shared with the regression test: every
// packet the decoder accepts re-encodes to bytes that decode to the same
// packet, and the encoding is one whole frame of the size it declares.
#include <cstdint>
#include <span>
#include <string>

namespace starling::fuzz {

// Splits `bytes` into frames and decodes each one as CONNECT and as any
// packet of each protocol version; every success is re-encoded and decoded
// again. Returns an empty string when the property holds, or a description
// of the first mismatch. Never throws; a crash or sanitizer report is a bug.
std::string check_decoder_round_trip(std::span<const std::uint8_t> bytes);

}  // namespace starling::fuzz
