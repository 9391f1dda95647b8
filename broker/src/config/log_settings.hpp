#pragma once
// Puts the logging options (log_level, log_levels, log_format) into effect
// for the whole process: at start, and again when SIGHUP rereads the config.
#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

// Checks every value first: on an error nothing changes.
Status apply_log_settings(const Options& options);

}  // namespace starling
