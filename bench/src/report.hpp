#pragma once
// How a run is shown: a few human lines, or one JSON object on one line.
#include <ostream>

#include "options.hpp"
#include "run_result.hpp"

namespace starling::bench {

void print_summary(const BenchOptions& options, const RunResult& result, std::ostream& out);
void print_json(const BenchOptions& options, const RunResult& result, std::ostream& out);

// 0 ok; 1 when QoS 1/2 messages were lost, a connection failed or the run
// could not be set up or stalled.
int exit_code(const BenchOptions& options, const RunResult& result);

}  // namespace starling::bench
