#pragma once
// Builders for the errors the decoder returns: each carries the v5 reason code
// the broker must answer with (see decoder.hpp).
#include <string>
#include <utility>

#include "protocol/reason_code.hpp"
#include "starling/result.hpp"

namespace starling::protocol {

inline Error make_error(ReasonCode code, std::string message) {
  return Error{static_cast<int>(code), std::move(message)};
}

inline Error malformed(std::string message) {
  return make_error(ReasonCode::kMalformedPacket, std::move(message));
}

inline Error protocol_error(std::string message) {
  return make_error(ReasonCode::kProtocolError, std::move(message));
}

}  // namespace starling::protocol
