#include "config/config_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <toml.hpp>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "config/bind_address.hpp"
#include "config/config_error.hpp"
#include "config/did_you_mean.hpp"
#include "config/option_values.hpp"

namespace starling {
namespace {

// One day: a longer $SYS interval is almost surely a typo (milliseconds?).
constexpr std::uint64_t kMaxSysInterval = 86400;

// TOML integers are signed 64-bit, so no config value can exceed this.
template <typename T>
constexpr std::uint64_t kLargest = std::min<std::uint64_t>(
    std::numeric_limits<T>::max(), std::numeric_limits<std::int64_t>::max());

// One key of [mqtt] or [limits]: its name, the member it sets, for integers
// the allowed range, and for strings the check of the allowed values.
template <typename Section>
struct Field {
  std::string_view name;
  std::variant<bool Section::*, std::uint8_t Section::*, std::uint16_t Section::*,
               std::uint32_t Section::*, std::uint64_t Section::*, std::string Section::*>
      member;
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  Status (*check)(std::string_view) = nullptr;
};

template <typename Section>
constexpr Field<Section> boolean(std::string_view name, bool Section::*member) {
  return {name, member};
}

template <typename Section, typename T>
constexpr Field<Section> integer(std::string_view name, T Section::*member, std::uint64_t min = 0,
                                 std::uint64_t max = kLargest<T>) {
  return {name, member, min, max};
}

template <typename Section>
constexpr Field<Section> text(std::string_view name, std::string Section::*member,
                              Status (*check)(std::string_view)) {
  return {name, member, 0, 0, check};
}

// Keep in step with docs/configuration.md and examples/starling.toml.
constexpr std::array kMqttFields = {
    integer("max_keep_alive", &MqttOptions::max_keep_alive),
    integer("topic_alias_maximum", &MqttOptions::topic_alias_maximum),
    integer("maximum_qos", &MqttOptions::maximum_qos, 0, 2),
    boolean("retain_available", &MqttOptions::retain_available),
    boolean("wildcard_subscriptions", &MqttOptions::wildcard_subscriptions),
    boolean("shared_subscriptions", &MqttOptions::shared_subscriptions),
    boolean("subscription_identifiers", &MqttOptions::subscription_identifiers),
    boolean("allow_zero_length_client_id", &MqttOptions::allow_zero_length_client_id),
    boolean("queue_qos0_offline", &MqttOptions::queue_qos0_offline),
    integer("max_session_expiry", &MqttOptions::max_session_expiry),
};

// 268435460: the largest MQTT packet (a 4-byte remaining length plus header).
constexpr std::array kLimitFields = {
    integer("max_packet_size", &LimitOptions::max_packet_size, 16, 268435460),
    integer("receive_maximum", &LimitOptions::receive_maximum, 1),
    integer("max_inflight", &LimitOptions::max_inflight, 1),
    integer("max_queued_messages", &LimitOptions::max_queued_messages),
    integer("max_queued_bytes", &LimitOptions::max_queued_bytes),
    text("queue_full_policy", &LimitOptions::queue_full_policy, &check_queue_full_policy),
    integer("connect_timeout_ms", &LimitOptions::connect_timeout_ms, 1),
    integer("max_connections", &LimitOptions::max_connections),
    integer("max_connect_rate", &LimitOptions::max_connect_rate),
    integer("publish_rate", &LimitOptions::publish_rate),
    integer("publish_bytes_rate", &LimitOptions::publish_bytes_rate),
    integer("max_topic_length", &LimitOptions::max_topic_length, 1),
    integer("max_topic_levels", &LimitOptions::max_topic_levels, 1),
};

// protocol_versions, an array, is read apart from these.
constexpr std::array kListenerFields = {
    text("type", &ListenerOptions::type, &check_listener_type),
    text("bind", &ListenerOptions::bind, nullptr),  // checked with the type
    boolean("allow_anonymous", &ListenerOptions::allow_anonymous),
    integer("max_connections", &ListenerOptions::max_connections),
    text("mount_point", &ListenerOptions::mount_point, &check_mount_point),
    boolean("proxy_protocol", &ListenerOptions::proxy_protocol),
    text("path", &ListenerOptions::path, &check_websocket_path),
    text("cert_file", &ListenerOptions::cert_file, nullptr),
    text("key_file", &ListenerOptions::key_file, nullptr),
    text("ca_file", &ListenerOptions::ca_file, nullptr),
    boolean("require_client_cert", &ListenerOptions::require_client_cert),
    boolean("use_identity_as_username", &ListenerOptions::use_identity_as_username),
    text("tls_min_version", &ListenerOptions::tls_min_version, &check_tls_version),
    text("ciphers", &ListenerOptions::ciphers, nullptr),
};

constexpr std::array kHttpFields = {
    text("bind", &HttpOptions::bind, &check_http_bind),
    text("admin_token", &HttpOptions::admin_token, &check_admin_token),
    integer("max_connections", &HttpOptions::max_connections, 1),
    integer("max_body_size", &HttpOptions::max_body_size, 1),
    integer("request_timeout_ms", &HttpOptions::request_timeout_ms, 1),
};

// A value as the user wrote it, for "got ..." in messages.
std::string describe(const toml::value& value) {
  switch (value.type()) {
    case toml::value_t::array:
      return "an array";
    case toml::value_t::table:
      return "a table";
    case toml::value_t::empty:
      return "nothing";
    default: {
      constexpr std::size_t kMaxShown = 60;
      std::string text = toml::format(value);
      if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
      return text;
    }
  }
}

// Walks a parsed TOML document into Options, collecting every problem.
class ConfigReader {
 public:
  explicit ConfigReader(std::string source_name) : source_(std::move(source_name)) {}

  Result<Options> read(const toml::value& root) {
    Options options;
    for (const auto& [key, value] : root.as_table()) read_root_key(key, value, options);
    if (problems_.empty()) return options;
    std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::string message;
    for (const Problem& problem : problems_) {
      if (!message.empty()) message += '\n';
      message += problem.message;
    }
    return config_error(std::move(message));
  }

 private:
  struct Problem {
    std::uint_least32_t line;
    std::uint_least32_t column;
    std::string message;
  };

  void read_root_key(const std::string& key, const toml::value& value, Options& options) {
    if (key == "data_dir") {
      if (auto dir = read_string(value, key)) {
        if (check(value, key, check_data_dir(*dir))) options.data_dir = std::move(*dir);
      }
    } else if (key == "threads") {
      if (auto threads = read_integer(value, key, 0, kMaxThreads)) {
        options.threads = static_cast<unsigned>(*threads);
      }
    } else if (key == "log_level") {
      if (auto level = read_string(value, key)) {
        if (check(value, key, check_log_level(*level))) options.log_level = std::move(*level);
      }
    } else if (key == "log_format") {
      if (auto format = read_string(value, key)) {
        if (check(value, key, check_log_format(*format))) options.log_format = std::move(*format);
      }
    } else if (key == "log_levels") {
      read_log_levels(value, options.log_levels);
    } else if (key == "sys_interval") {
      if (auto seconds = read_integer(value, key, 0, kMaxSysInterval)) {
        options.sys_interval = static_cast<std::uint32_t>(*seconds);
      }
    } else if (key == "presence_events") {
      if (auto flag = read_bool(value, key)) options.presence_events = *flag;
    } else if (key == "listeners") {
      read_listeners(value, options.listeners);
    } else if (key == "mqtt") {
      read_section(value, key, kMqttFields, options.mqtt);
    } else if (key == "limits") {
      read_section(value, key, kLimitFields, options.limits);
    } else if (key == "storage") {
      read_storage(value, options.storage);
    } else if (key == "plugins") {
      read_plugins(value, options.plugins);
    } else if (key == "http") {
      options.http.enabled = true;  // the section alone turns the listener on
      read_section(value, key, kHttpFields, options.http);
    } else {
      report_unknown(value, key, known_keys());
    }
  }

  void read_listeners(const toml::value& value, std::vector<ListenerOptions>& listeners) {
    if (!value.is_array()) {
      report(value, "listeners",
             "expected an array of tables ([[listeners]]), got " + describe(value));
      return;
    }
    if (value.as_array().empty()) {
      report(value, "listeners", "must not be empty (leave it out for the default listener)");
      return;
    }
    for (const toml::value& element : value.as_array()) {
      const std::string path = "listeners[" + std::to_string(listeners.size()) + "]";
      listeners.push_back(read_listener(element, path));
    }
  }

  void read_plugins(const toml::value& value, std::vector<PluginOptions>& plugins) {
    if (!value.is_array()) {
      report(value, "plugins", "expected an array of tables ([[plugins]]), got " + describe(value));
      return;
    }
    for (const toml::value& element : value.as_array()) {
      const std::string path = "plugins[" + std::to_string(plugins.size()) + "]";
      plugins.push_back(read_plugin(element, path));
    }
  }

  void read_log_levels(const toml::value& value,
                       std::vector<std::pair<std::string, std::string>>& levels) {
    if (!value.is_table()) {
      report(value, "log_levels", "expected a table of subsystem = \"level\", got " + describe(value));
      return;
    }
    for (const auto& [name, field] : value.as_table()) {
      const std::string key = "log_levels." + name;
      if (!check(field, key, check_log_subsystem(name))) continue;
      if (auto level = read_string(field, key)) {
        if (check(field, key, check_log_level(*level))) levels.emplace_back(name, std::move(*level));
      }
    }
  }

  PluginOptions read_plugin(const toml::value& value, const std::string& path) {
    PluginOptions plugin;
    if (!value.is_table()) {
      report(value, path, "expected a table, got " + describe(value));
      return plugin;
    }
    bool has_path = false;
    for (const auto& [name, field] : value.as_table()) {
      const std::string key = path + "." + name;
      if (name == "path") {
        if (auto file = read_string(field, key)) {
          if (file->empty()) {
            report(field, key, "must not be empty");
          } else {
            plugin.path = std::move(*file);
            has_path = true;
          }
        }
      } else if (name == "pending_timeout_ms") {
        if (auto ms = read_integer(field, key, 1, 600000)) {
          plugin.pending_timeout_ms = static_cast<std::uint32_t>(*ms);
        }
      } else if (name == "on_timeout" || name == "on_error") {
        const std::string_view second = name == "on_timeout" ? "allow" : "next";
        if (auto chosen = read_string(field, key)) {
          if (*chosen != "deny" && *chosen != second) {
            report(field, key, "expected \"deny\" or \"" + std::string(second) + "\", got \"" +
                                   *chosen + "\"");
          } else {
            (name == "on_timeout" ? plugin.on_timeout : plugin.on_error) = std::move(*chosen);
          }
        }
      } else if (name == "options") {
        read_plugin_options(field, key, plugin.options);
      } else {
        std::vector<std::string> keys;
        for (std::string_view known : {"path", "options", "pending_timeout_ms", "on_timeout", "on_error"})
          keys.push_back(path + "." + std::string(known));
        report_unknown(field, key, keys);
      }
    }
    if (!has_path) report(value, path, "needs a path (the plugin's shared library)");
    return plugin;
  }

  // A plugin's options reach it as text: strings as they are, numbers and
  // booleans written out.
  void read_plugin_options(const toml::value& value, const std::string& path,
                           std::vector<std::pair<std::string, std::string>>& options) {
    if (!value.is_table()) {
      report(value, path, "expected a table ([plugins.options]), got " + describe(value));
      return;
    }
    for (const auto& [name, field] : value.as_table()) {
      if (field.is_string()) {
        options.emplace_back(name, field.as_string().str);
      } else if (field.is_integer()) {
        options.emplace_back(name, std::to_string(field.as_integer()));
      } else if (field.is_boolean()) {
        options.emplace_back(name, field.as_boolean() ? "true" : "false");
      } else if (field.is_floating()) {
        options.emplace_back(name, toml::format(field));
      } else {
        report(field, path + "." + name,
               "expected a string, number or boolean, got " + describe(field));
      }
    }
  }

  void read_storage(const toml::value& value, StorageOptions& storage) {
    if (!value.is_table()) {
      report(value, "storage", "expected a table ([storage]), got " + describe(value));
      return;
    }
    for (const auto& entry : value.as_table()) {
      const std::string key = "storage." + entry.first;
      const toml::value& field = entry.second;
      if (entry.first == "durability") {
        if (auto durability = read_string(field, key)) {
          if (check(field, key, check_durability(*durability))) storage.durability = std::move(*durability);
        }
      } else if (entry.first == "batched_flush_ms") {
        if (auto ms = read_integer(field, key, 1, 60000)) {
          storage.batched_flush_ms = static_cast<std::uint32_t>(*ms);
        }
      } else {
        report_unknown(field, key, {"storage.durability", "storage.batched_flush_ms"});
      }
    }
  }

  ListenerOptions read_listener(const toml::value& value, const std::string& path) {
    ListenerOptions listener;
    if (!value.is_table()) {
      report(value, path, "expected a table, got " + describe(value));
      return listener;
    }
    const std::size_t problems_before = problems_.size();
    const toml::value* bind = nullptr;  // checked once the type is known
    for (const auto& [name, field_value] : value.as_table()) {
      const std::string key = path + "." + name;
      if (name == "bind") bind = &field_value;
      if (name == "protocol_versions") {
        read_protocol_versions(field_value, key, listener);
        continue;
      }
      const auto field = std::find_if(kListenerFields.begin(), kListenerFields.end(),
                                      [&](const auto& f) { return f.name == name; });
      if (field == kListenerFields.end()) {
        std::vector<std::string> keys = {path + ".protocol_versions"};
        for (const auto& known : kListenerFields) keys.push_back(path + "." + std::string(known.name));
        report_unknown(field_value, key, keys);
        continue;
      }
      read_field(*field, field_value, key, listener);
    }
    if (bind != nullptr && bind->is_string() && listener.type != "unix") {
      check(*bind, path + ".bind", parse_bind_address(listener.bind));
    }
    // How the keys fit together, once each is valid on its own.
    if (problems_.size() == problems_before) check(value, path, check_listener(listener));
    return listener;
  }

  void read_protocol_versions(const toml::value& value, const std::string& key,
                              ListenerOptions& listener) {
    if (!value.is_array()) {
      report(value, key, "expected an array like [\"3.1.1\", \"5\"], got " + describe(value));
      return;
    }
    std::vector<std::uint8_t> versions;
    for (const toml::value& item : value.as_array()) {
      if (auto name = read_string(item, key)) {
        auto version = parse_protocol_version(*name);
        if (check(item, key, version)) versions.push_back(*version);
      }
    }
    listener.protocol_versions = std::move(versions);
  }

  template <typename Section>
  void read_field(const Field<Section>& field, const toml::value& value, const std::string& path,
                  Section& section) {
    std::visit(
        [&](auto member) {
          using T = std::remove_reference_t<decltype(section.*member)>;
          if constexpr (std::is_same_v<T, bool>) {
            if (auto flag = read_bool(value, path)) section.*member = *flag;
          } else if constexpr (std::is_same_v<T, std::string>) {
            if (auto chosen = read_string(value, path)) {
              if (!field.check || check(value, path, field.check(*chosen))) {
                section.*member = std::move(*chosen);
              }
            }
          } else {
            if (auto number = read_integer(value, path, field.min, field.max)) {
              section.*member = static_cast<T>(*number);
            }
          }
        },
        field.member);
  }

  template <typename Section, std::size_t N>
  void read_section(const toml::value& value, std::string_view name,
                    const std::array<Field<Section>, N>& fields, Section& section) {
    if (!value.is_table()) {
      report(value, name, "expected a table ([" + std::string(name) + "]), got " + describe(value));
      return;
    }
    // Not a structured binding: the lambdas below capture these, which
    // clang before 16 rejects.
    for (const auto& entry : value.as_table()) {
      const std::string& key = entry.first;
      const toml::value& field_value = entry.second;
      const std::string path = std::string(name) + "." + key;
      const auto field = std::find_if(fields.begin(), fields.end(),
                                      [&](const Field<Section>& f) { return f.name == key; });
      if (field == fields.end()) {
        report_unknown(field_value, path, known_keys());
        continue;
      }
      read_field(*field, field_value, path, section);
    }
  }

  std::optional<std::string> read_string(const toml::value& value, std::string_view key) {
    if (value.is_string()) return value.as_string().str;
    report(value, key, "expected a string, got " + describe(value));
    return std::nullopt;
  }

  std::optional<bool> read_bool(const toml::value& value, std::string_view key) {
    if (value.is_boolean()) return value.as_boolean();
    report(value, key, "expected true or false, got " + describe(value));
    return std::nullopt;
  }

  std::optional<std::uint64_t> read_integer(const toml::value& value, std::string_view key,
                                            std::uint64_t min, std::uint64_t max) {
    if (value.is_integer() && value.as_integer() >= 0) {
      const auto number = static_cast<std::uint64_t>(value.as_integer());
      if (number >= min && number <= max) return number;
    }
    report(value, key,
           "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
               ", got " + describe(value));
    return std::nullopt;
  }

  // Reports a failed shared check (see option_values.hpp); true if it passed.
  template <typename T>
  bool check(const toml::value& value, std::string_view key, const Result<T>& result) {
    if (result.ok()) return true;
    report(value, key, result.error().message);
    return false;
  }

  void report_unknown(const toml::value& value, const std::string& key,
                      const std::vector<std::string>& known) {
    const std::vector<std::string_view> candidates(known.begin(), known.end());
    std::string message =
        std::string(value.is_table() && key.find('.') == std::string::npos ? "unknown section '"
                                                                           : "unknown key '") +
        key + "'";
    if (auto suggestion = closest_match(key, candidates)) {
      message += " (did you mean '" + std::string(*suggestion) + "'?)";
    }
    add_problem(value, std::move(message));
  }

  // "file:line: key: problem"
  void report(const toml::value& value, std::string_view key, std::string_view problem) {
    add_problem(value, std::string(key) + ": " + std::string(problem));
  }

  void add_problem(const toml::value& value, std::string message) {
    const toml::source_location location = value.location();
    problems_.push_back({location.line(), location.column(),
                         source_ + ":" + std::to_string(location.line()) + ": " + message});
  }

  // Every key outside [[listeners]], qualified by its section: the
  // candidates for "did you mean".
  static const std::vector<std::string>& known_keys() {
    static const std::vector<std::string> keys = [] {
      std::vector<std::string> all = {"data_dir", "threads", "log_level", "listeners",
                                      "mqtt",     "limits",  "storage",   "plugins"};
      for (const auto& field : kMqttFields) all.push_back("mqtt." + std::string(field.name));
      for (const auto& field : kLimitFields) all.push_back("limits." + std::string(field.name));
      all.push_back("log_format");
      all.push_back("log_levels");
      all.push_back("sys_interval");
      all.push_back("presence_events");
      all.push_back("http");
      for (const auto& field : kHttpFields) all.push_back("http." + std::string(field.name));
      return all;
    }();
    return keys;
  }

  std::string source_;
  std::vector<Problem> problems_;
};

// toml11's messages start "[error] toml::parse_xxx: " and go on to draw the
// line with a caret; the first line without the prefixes is the useful part.
std::string syntax_message(const char* what) {
  std::string_view text = what;
  text = text.substr(0, text.find('\n'));
  if (text.starts_with("[error] ")) text.remove_prefix(8);
  if (text.starts_with("toml::")) {
    const std::size_t colon = text.find(": ");
    if (colon != std::string_view::npos) text.remove_prefix(colon + 2);
  }
  return std::string(text);
}

}  // namespace

Result<Options> parse_config(std::string_view toml_text, std::string_view source_name) {
  const std::string name(source_name);
  try {
    std::istringstream stream{std::string(toml_text)};
    const toml::value root = toml::parse(stream, name);
    return ConfigReader(name).read(root);
  } catch (const toml::exception& e) {
    return config_error(name + ":" + std::to_string(e.location().line()) +
                        ": invalid TOML: " + syntax_message(e.what()));
  } catch (const std::exception& e) {
    return config_error(name + ": cannot parse: " + e.what());
  } catch (...) {
    return config_error(name + ": cannot parse: unknown error");
  }
}

Result<Options> load_config_file(const std::string& path) {
  const auto fail = [&path](int error) {
    return config_error("cannot read config file '" + path + "': " + std::strerror(error));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return fail(errno);
  std::string text;
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, count);
  if (std::ferror(file.get())) return fail(errno);
  return parse_config(text, path);
}

}  // namespace starling
