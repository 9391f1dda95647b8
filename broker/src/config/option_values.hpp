#pragma once
// The allowed values of options that both the config file and the command
// line can set. Each check is written once here and used by both, so the two
// never disagree. On failure a check's message says what is wrong but not
// where the value came from; callers prefix the file and line or the flag.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

// The names log::parse_level accepts, least severe first.
inline constexpr std::array<std::string_view, 6> kLogLevels = {"trace", "debug", "info",
                                                               "warn",  "error", "off"};
inline constexpr std::array<std::string_view, 5> kListenerTypes = {"tcp", "tls", "ws", "wss", "unix"};
inline constexpr std::array<std::string_view, 2> kTlsVersions = {"1.2", "1.3"};
inline constexpr std::array<std::string_view, 3> kDurabilityModes = {"sync", "batched", "memory"};
inline constexpr std::array<std::string_view, 2> kQueueFullPolicies = {"drop_new", "drop_oldest"};
inline constexpr unsigned kMaxThreads = 1024;

// "trace, debug, info, warn, error, off": for messages and --help.
std::string log_level_list();

// OK if `level` is a log level name (one of kLogLevels; case-sensitive).
Status check_log_level(std::string_view level);

// OK if `format` is "text" or "json".
Status check_log_format(std::string_view format);

// OK if `subsystem` names a log subsystem (log::parse_subsystem).
Status check_log_subsystem(std::string_view subsystem);

// OK if `type` is one of kListenerTypes.
Status check_listener_type(std::string_view type);

// OK if `version` is one of kTlsVersions.
Status check_tls_version(std::string_view version);

// OK if `path` is an absolute HTTP path ("/mqtt").
Status check_websocket_path(std::string_view path);

// OK if `prefix` can prefix topic names: no wildcards, no NUL.
Status check_mount_point(std::string_view prefix);

// The protocol level of "3.1", "3.1.1" or "5" (3, 4, 5).
Result<std::uint8_t> parse_protocol_version(std::string_view name);

// OK if the options of one listener fit together: a bind that suits the
// type, TLS files for tls/wss, a CA for required client certificates.
Status check_listener(const ListenerOptions& listener);

// OK if `dir` is not empty. Whether it exists is checked when it is used.
Status check_data_dir(std::string_view dir);

// OK if `mode` is one of kDurabilityModes.
Status check_durability(std::string_view mode);

// OK if `policy` is one of kQueueFullPolicies.
Status check_queue_full_policy(std::string_view policy);

// OK if `bind` is HOST:PORT for the HTTP listener (as parse_bind_address).
Status check_http_bind(std::string_view bind);

// OK if `token` can be sent in an Authorization header: printable ASCII
// without spaces (empty: the admin API is off).
Status check_admin_token(std::string_view token);

// OK if the [http] options fit together (each of the above, and limits > 0).
Status check_http(const HttpOptions& http);

}  // namespace starling
