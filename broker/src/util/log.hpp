#pragma once
// Process-wide logger: one line per event to stderr, thread-safe.
//   STARLING_LOG(kInfo) << "listening on " << endpoint;
// The stream is only built when the level is enabled for the line's
// subsystem, which comes from the source file's folder (subsystem_of_file).
// Lines logged while a client's ClientContext is in scope carry its
// connection number and client id, in text and in JSON.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>

namespace starling::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

enum class Subsystem : std::uint8_t {
  kBroker,   // start, stop, reload (main.cpp, util/, net/broker_runtime)
  kNet,      // listeners, TLS, WebSocket, PROXY (net/)
  kMqtt,     // client connections and the protocol (core/, protocol/)
  kSession,  // session/
  kRouting,  // routing/
  kStorage,  // storage/
  kConfig,   // config/
  kPlugins,  // plugin_host/ and what plugins log
  kHttp,     // admin/ and http/, or files named http_*
  kSys,      // $SYS and presence: files named sys_* or presence*
};
inline constexpr std::size_t kSubsystemCount = 10;

// Parses "trace", "debug", "info", "warn", "error", "off"; false if unknown.
bool parse_level(std::string_view text, Level* out);
std::string_view subsystem_name(Subsystem subsystem);
// Parses a subsystem_name(); false if unknown.
bool parse_subsystem(std::string_view text, Subsystem* out);

// Sets the level of every subsystem.
void set_level(Level level);
void set_level(Subsystem subsystem, Level level);
Level level(Subsystem subsystem = Subsystem::kBroker);

namespace detail {
extern std::atomic<Level> g_levels[kSubsystemCount];
}
inline bool enabled(Level l, Subsystem subsystem = Subsystem::kBroker) {
  return l >= detail::g_levels[static_cast<std::size_t>(subsystem)].load(std::memory_order_relaxed);
}

enum class Format { kText, kJson };
// Parses "text" or "json"; false if unknown.
bool parse_format(std::string_view text, Format* out);
void set_format(Format format);

// The client a thread is working for, while in scope (nestable; the
// innermost wins). `client_id` is read when a line is written, so a
// context made before CONNECT shows the id once it is known. Connection 0:
// a session without a connection.
class ClientContext {
 public:
  ClientContext(std::uint64_t connection, const std::string* client_id);
  ~ClientContext();
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  std::uint64_t connection() const { return connection_; }
  const std::string* client_id() const { return client_id_; }
  static const ClientContext* current();

 private:
  std::uint64_t connection_;
  const std::string* client_id_;
  const ClientContext* outer_;
};

void write(Level level, Subsystem subsystem, std::string_view message);
inline void write(Level level, std::string_view message) {
  write(level, Subsystem::kBroker, message);
}

// Where lines go. Default (an empty sink): stderr, one line per event in the
// configured format. Tests install their own to check what is logged; a sink
// gets the level and the message with its client prefix ("conn 7 client
// 'c1': ..."), without time or subsystem. Called under the logger's lock,
// from any thread: a sink must not log itself.
using Sink = std::function<void(Level level, std::string_view line)>;
// Installs `sink` and returns the previous one (to put back).
Sink set_sink(Sink sink);

// The subsystem of a source file, from the folder under src/ that holds it.
constexpr Subsystem subsystem_of_file(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (file.starts_with("http")) return Subsystem::kHttp;
  if (file.starts_with("sys_") || file.starts_with("presence")) return Subsystem::kSys;
  const std::size_t src = path.rfind("/src/");
  if (src == std::string_view::npos) return Subsystem::kBroker;
  const std::string_view rest = path.substr(src + 5);
  const std::size_t end = rest.find('/');
  if (end == std::string_view::npos) return Subsystem::kBroker;
  const std::string_view folder = rest.substr(0, end);
  if (folder == "net") return file.starts_with("broker_runtime") ? Subsystem::kBroker : Subsystem::kNet;
  if (folder == "core" || folder == "protocol") return Subsystem::kMqtt;
  if (folder == "session") return Subsystem::kSession;
  if (folder == "routing") return Subsystem::kRouting;
  if (folder == "storage") return Subsystem::kStorage;
  if (folder == "config") return Subsystem::kConfig;
  if (folder == "plugin_host") return Subsystem::kPlugins;
  if (folder == "http" || folder == "admin") return Subsystem::kHttp;
  return Subsystem::kBroker;
}

// Collects one line and writes it when destroyed.
class LineWriter {
 public:
  LineWriter(Level level, Subsystem subsystem) : level_(level), subsystem_(subsystem) {}
  explicit LineWriter(Level level) : LineWriter(level, Subsystem::kBroker) {}
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;
  ~LineWriter() { write(level_, subsystem_, stream_.view()); }
  std::ostringstream& stream() { return stream_; }

 private:
  Level level_;
  Subsystem subsystem_;
  std::ostringstream stream_;
};

template <Subsystem kSubsystem>
inline constexpr Subsystem kFileSubsystem = kSubsystem;

}  // namespace starling::log

// A for-statement rather than if/else, so the macro is safe after an
// unbraced `if` (no dangling else). The subsystem is a constant per file.
#define STARLING_LOG(lvl)                                                                    \
  for (bool starling_log_once_ = ::starling::log::enabled(                                  \
           ::starling::log::Level::lvl,                                                     \
           ::starling::log::kFileSubsystem<::starling::log::subsystem_of_file(__FILE__)>); \
       starling_log_once_; starling_log_once_ = false)                                      \
  ::starling::log::LineWriter(                                                              \
      ::starling::log::Level::lvl,                                                          \
      ::starling::log::kFileSubsystem<::starling::log::subsystem_of_file(__FILE__)>)        \
      .stream()
