#include "util/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>

namespace starling::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::mutex g_write_mutex;
Sink g_sink;  // guarded by g_write_mutex

const char* level_name(Level level) {
  switch (level) {
    case Level::kTrace: return "trace";
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "?";
}

}  // namespace

bool parse_level(std::string_view text, Level* out) {
  for (Level l : {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError,
                  Level::kOff}) {
    if (text == level_name(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

void set_level(Level level) { g_level.store(level, std::memory_order_relaxed); }
Level level() { return g_level.load(std::memory_order_relaxed); }

Sink set_sink(Sink sink) {
  std::lock_guard lock(g_write_mutex);
  return std::exchange(g_sink, std::move(sink));
}

void write(Level level, std::string_view line) {
  {
    std::lock_guard lock(g_write_mutex);
    if (g_sink) {
      g_sink(level, line);
      return;
    }
  }
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::lock_guard lock(g_write_mutex);
  std::fprintf(stderr, "%s.%03dZ %-5s %.*s\n", stamp, static_cast<int>(millis), level_name(level),
               static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

}  // namespace starling::log
