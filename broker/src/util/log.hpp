#pragma once
// Process-wide logger: one line per event to stderr, thread-safe.
//   STARLING_LOG(kInfo) << "listening on " << endpoint;
// The stream is only built when the level is enabled. Lines that concern a
// client carry its connection number and client id (see net/connection).
#include <atomic>
#include <functional>
#include <sstream>
#include <string_view>

namespace starling::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

// Parses "trace", "debug", "info", "warn", "error", "off"; false if unknown.
bool parse_level(std::string_view text, Level* out);
void set_level(Level level);
Level level();
inline bool enabled(Level l) { return l >= level(); }

void write(Level level, std::string_view line);

// Where lines go. Default (an empty sink): stderr, with a UTC timestamp and
// the level. Tests install their own to check what is logged. Called under
// the logger's lock, from any thread: a sink must not log itself.
using Sink = std::function<void(Level level, std::string_view line)>;
// Installs `sink` and returns the previous one (to put back).
Sink set_sink(Sink sink);

// Collects one line and writes it when destroyed.
class LineWriter {
 public:
  explicit LineWriter(Level level) : level_(level) {}
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;
  ~LineWriter() { write(level_, stream_.view()); }
  std::ostringstream& stream() { return stream_; }

 private:
  Level level_;
  std::ostringstream stream_;
};

}  // namespace starling::log

// A for-statement rather than if/else, so the macro is safe after an
// unbraced `if` (no dangling else).
#define STARLING_LOG(lvl)                                                         \
  for (bool starling_log_once_ = ::starling::log::enabled(::starling::log::Level::lvl); \
       starling_log_once_; starling_log_once_ = false)                            \
  ::starling::log::LineWriter(::starling::log::Level::lvl).stream()
