#pragma once
#include "options.hpp"
#include "run_result.hpp"

namespace starling::bench {

// fanout, fanin, pairs and durable: subscribe, publish, drain, check.
RunResult run_messages(const BenchOptions& options);

}  // namespace starling::bench
