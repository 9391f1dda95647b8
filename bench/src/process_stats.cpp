#include "process_stats.hpp"

#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>

namespace starling::bench {

std::optional<std::uint64_t> resident_bytes(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    std::istringstream fields(line.substr(6));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;
  }
  return std::nullopt;
}

CpuTime own_cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return CpuTime{seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

}  // namespace starling::bench
