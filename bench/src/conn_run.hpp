#pragma once
#include "options.hpp"
#include "run_result.hpp"

namespace starling::bench {

// conn: open N idle connections (a bounded number connecting at once), time
// it, read the broker's VmRSS before and after, hold them, close.
RunResult run_connections(const BenchOptions& options);

}  // namespace starling::bench
