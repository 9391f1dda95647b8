#pragma once
// The error every config function returns: a bad config file or command line,
// as opposed to a failure of the broker itself. The message is complete and
// meant for the user as is (it names the file and line, or the flag).
#include <string>
#include <utility>

#include "starling/result.hpp"

namespace starling {

inline constexpr int kConfigErrorCode = 1;

inline Error config_error(std::string message) {
  return Error{kConfigErrorCode, std::move(message)};
}

}  // namespace starling
