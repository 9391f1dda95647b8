#include "util/log.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>

#include "util/json_string.hpp"

namespace starling::log {
namespace detail {
std::atomic<Level> g_levels[kSubsystemCount] = {
    Level::kInfo, Level::kInfo, Level::kInfo, Level::kInfo, Level::kInfo,
    Level::kInfo, Level::kInfo, Level::kInfo, Level::kInfo, Level::kInfo};
}  // namespace detail

namespace {

constexpr std::array<std::string_view, kSubsystemCount> kSubsystemNames = {
    "broker", "net", "mqtt", "session", "routing", "storage", "config", "plugins", "http", "sys"};

std::atomic<Format> g_format{Format::kText};
std::mutex g_write_mutex;
Sink g_sink;  // guarded by g_write_mutex
thread_local const ClientContext* t_context = nullptr;

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

// "conn 7 client 'c1': ", "conn 7: " before CONNECT, "client 'c1': " for
// an offline session, or nothing.
std::string client_prefix(const ClientContext* context) {
  if (context == nullptr) return {};
  std::string prefix;
  if (context->connection() != 0) prefix = "conn " + std::to_string(context->connection());
  if (context->client_id() != nullptr && !context->client_id()->empty()) {
    if (!prefix.empty()) prefix += ' ';
    prefix += "client '" + *context->client_id() + "'";
  }
  if (prefix.empty()) return {};
  prefix += ": ";
  return prefix;
}

std::string utc_timestamp() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[40];
  std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ", static_cast<int>(millis));
  return stamp;
}

std::string json_line(Level level, Subsystem subsystem, const ClientContext* context,
                      std::string_view message) {
  std::string line = "{\"time\":\"" + utc_timestamp() + "\",\"level\":\"" + level_name(level) +
                     "\",\"subsystem\":\"" + std::string(subsystem_name(subsystem)) + "\"";
  if (context != nullptr) {
    if (context->connection() != 0) line += ",\"conn\":" + std::to_string(context->connection());
    if (context->client_id() != nullptr && !context->client_id()->empty()) {
      line += ",\"client\":";
      append_json_string(line, *context->client_id());
    }
  }
  line += ",\"message\":";
  append_json_string(line, message);
  line += "}\n";
  return line;
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

std::string_view subsystem_name(Subsystem subsystem) {
  return kSubsystemNames[static_cast<std::size_t>(subsystem)];
}

bool parse_subsystem(std::string_view text, Subsystem* out) {
  for (std::size_t i = 0; i < kSubsystemCount; ++i) {
    if (text == kSubsystemNames[i]) {
      *out = static_cast<Subsystem>(i);
      return true;
    }
  }
  return false;
}

void set_level(Level level) {
  for (auto& l : detail::g_levels) l.store(level, std::memory_order_relaxed);
}

void set_level(Subsystem subsystem, Level level) {
  detail::g_levels[static_cast<std::size_t>(subsystem)].store(level, std::memory_order_relaxed);
}

Level level(Subsystem subsystem) {
  return detail::g_levels[static_cast<std::size_t>(subsystem)].load(std::memory_order_relaxed);
}

bool parse_format(std::string_view text, Format* out) {
  if (text == "text") {
    *out = Format::kText;
  } else if (text == "json") {
    *out = Format::kJson;
  } else {
    return false;
  }
  return true;
}

void set_format(Format format) { g_format.store(format, std::memory_order_relaxed); }

ClientContext::ClientContext(std::uint64_t connection, const std::string* client_id)
    : connection_(connection), client_id_(client_id), outer_(t_context) {
  t_context = this;
}

ClientContext::~ClientContext() { t_context = outer_; }

const ClientContext* ClientContext::current() { return t_context; }

Sink set_sink(Sink sink) {
  std::lock_guard lock(g_write_mutex);
  return std::exchange(g_sink, std::move(sink));
}

void write(Level level, Subsystem subsystem, std::string_view message) {
  const ClientContext* context = t_context;
  {
    std::lock_guard lock(g_write_mutex);
    if (g_sink) {
      g_sink(level, client_prefix(context) + std::string(message));
      return;
    }
  }
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == Format::kJson) {
    line = json_line(level, subsystem, context, message);
  } else {
    line = utc_timestamp() + " " + level_name(level);
    line.resize(std::max<std::size_t>(line.size(), 30), ' ');  // align after "error"
    line += " ";
    line += subsystem_name(subsystem);
    line += " ";
    line += client_prefix(context);
    line += message;
    line += '\n';
  }
  std::lock_guard lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace starling::log
