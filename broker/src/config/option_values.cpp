#include "config/option_values.hpp"

#include <algorithm>
#include <span>

#include "config/bind_address.hpp"
#include "config/config_error.hpp"
#include "util/log.hpp"

namespace starling {
namespace {

std::string join(std::span<const std::string_view> words) {
  std::string joined;
  for (std::string_view word : words) {
    if (!joined.empty()) joined += ", ";
    joined += word;
  }
  return joined;
}

bool contains(std::span<const std::string_view> words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

std::string log_level_list() {
  return join(kLogLevels);
}

Status check_log_level(std::string_view level) {
  // The logger decides which names exist; kLogLevels spells them out for
  // messages, and a unit test keeps the two in step.
  log::Level parsed;
  if (log::parse_level(level, &parsed)) return {};
  return config_error("expected one of " + log_level_list() + ", got '" + std::string(level) + "'");
}

Status check_log_format(std::string_view format) {
  log::Format parsed;
  if (log::parse_format(format, &parsed)) return {};
  return config_error("expected \"text\" or \"json\", got '" + std::string(format) + "'");
}

Status check_log_subsystem(std::string_view subsystem) {
  log::Subsystem parsed;
  if (log::parse_subsystem(subsystem, &parsed)) return {};
  std::string names;
  for (std::size_t i = 0; i < log::kSubsystemCount; ++i) {
    if (!names.empty()) names += ", ";
    names += log::subsystem_name(static_cast<log::Subsystem>(i));
  }
  return config_error("unknown log subsystem '" + std::string(subsystem) + "' (one of " + names +
                      ")");
}

Status check_listener_type(std::string_view type) {
  if (contains(kListenerTypes, type)) return {};
  return config_error("unknown listener type '" + std::string(type) +
                      "' (supported: " + join(kListenerTypes) + ")");
}

Status check_tls_version(std::string_view version) {
  if (contains(kTlsVersions, version)) return {};
  return config_error("expected one of " + join(kTlsVersions) + ", got '" + std::string(version) + "'");
}

Status check_websocket_path(std::string_view path) {
  if (!path.empty() && path.front() == '/' && path.find_first_of(" ?#") == std::string_view::npos) {
    return {};
  }
  return config_error("expected an absolute HTTP path like \"/mqtt\", got '" + std::string(path) + "'");
}

Status check_mount_point(std::string_view prefix) {
  if (prefix.find_first_of(std::string_view("+#\0", 3)) == std::string_view::npos) return {};
  return config_error("a mount point cannot hold '+', '#' or NUL, got '" + std::string(prefix) + "'");
}

Result<std::uint8_t> parse_protocol_version(std::string_view name) {
  if (name == "3.1") return std::uint8_t{3};
  if (name == "3.1.1") return std::uint8_t{4};
  if (name == "5" || name == "5.0") return std::uint8_t{5};
  return config_error("expected \"3.1\", \"3.1.1\" or \"5\", got '" + std::string(name) + "'");
}

Status check_listener(const ListenerOptions& listener) {
  const bool tls = listener.type == "tls" || listener.type == "wss";
  if (listener.type == "unix") {
    // sockaddr_un holds 108 bytes including the terminating NUL.
    if (listener.bind.empty() || listener.bind.size() > 107) {
      return config_error("a unix listener binds a socket path of 1 to 107 bytes, got '" +
                          listener.bind + "'");
    }
  } else if (auto bind = parse_bind_address(listener.bind); !bind.ok()) {
    return bind.error();
  }
  if (tls && (listener.cert_file.empty() || listener.key_file.empty())) {
    return config_error("a " + listener.type + " listener needs cert_file and key_file");
  }
  if (!tls && (!listener.cert_file.empty() || !listener.key_file.empty() ||
               !listener.ca_file.empty() || listener.require_client_cert)) {
    return config_error("TLS settings on a " + listener.type + " listener (use type \"tls\" or \"wss\")");
  }
  if (listener.require_client_cert && listener.ca_file.empty()) {
    return config_error("require_client_cert needs ca_file, the CAs that sign client certificates");
  }
  if (listener.use_identity_as_username && listener.ca_file.empty()) {
    return config_error("use_identity_as_username needs ca_file and client certificates");
  }
  if (listener.protocol_versions.empty()) {
    return config_error("protocol_versions cannot be empty");
  }
  return {};
}

Status check_durability(std::string_view mode) {
  if (contains(kDurabilityModes, mode)) return {};
  return config_error("expected one of " + join(kDurabilityModes) + ", got '" + std::string(mode) + "'");
}

Status check_queue_full_policy(std::string_view policy) {
  if (contains(kQueueFullPolicies, policy)) return {};
  return config_error("expected one of " + join(kQueueFullPolicies) + ", got '" +
                      std::string(policy) + "'");
}

Status check_data_dir(std::string_view dir) {
  if (!dir.empty()) return {};
  return config_error("must not be empty");
}

Status check_http_bind(std::string_view bind) {
  if (auto parsed = parse_bind_address(bind); !parsed.ok()) return parsed.error();
  return {};
}

Status check_admin_token(std::string_view token) {
  for (char c : token) {
    if (c <= ' ' || c > '~') {
      return config_error("an admin token is printable ASCII without spaces");
    }
  }
  return {};
}

Status check_http(const HttpOptions& http) {
  if (auto bind = check_http_bind(http.bind); !bind.ok()) return bind;
  if (auto token = check_admin_token(http.admin_token); !token.ok()) return token;
  if (http.max_connections == 0 || http.max_body_size == 0 || http.request_timeout_ms == 0) {
    return config_error("max_connections, max_body_size and request_timeout_ms must be above 0");
  }
  return {};
}

}  // namespace starling
