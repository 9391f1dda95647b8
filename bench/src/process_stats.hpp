#pragma once
// Numbers about processes, read from the kernel.
#include <cstdint>
#include <optional>

namespace starling::bench {

// VmRSS of process `pid` in bytes, from /proc/<pid>/status; nullopt when the
// process or the line is missing.
std::optional<std::uint64_t> resident_bytes(int pid);

// CPU time this process has used so far (user and system), getrusage.
struct CpuTime {
  double user_s = 0;
  double system_s = 0;
};
CpuTime own_cpu_time();

}  // namespace starling::bench
