// The python plugin's C entry points: reads the options, starts the Python
// thread (which runs the scripts) and registers exactly the hooks the
// scripts asked for, so the broker never calls in for the others; reloads
// the scripts on the broker's on_reload, within those hooks.
// See README.md.
#include "python_plugin.hpp"

#include <Python.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "../common/topic_filter.hpp"
#include "hook_calls.hpp"

namespace starling::plugins::python {

namespace {

PluginContext* g_active_context = nullptr;

int on_reload(void* state) noexcept;
int on_options(void* state, const starling_option* options, std::size_t count) noexcept;

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// `script`, then each of the comma-separated `scripts`.
Result<std::vector<std::string>> script_paths(const plugin::Options& options) {
  std::vector<std::string> scripts;
  if (options.has("script")) scripts.push_back(trimmed(options.get("script")));
  std::istringstream listed(options.get("scripts"));
  for (std::string path; std::getline(listed, path, ',');) {
    if (!trimmed(path).empty()) scripts.push_back(trimmed(path));
  }
  if (scripts.empty() || scripts.front().empty()) {
    return Error{0, "the option script (a path) or scripts (comma-separated paths) is required"};
  }
  return scripts;
}

// The broker opens plugins RTLD_LOCAL, which hides libpython's symbols from
// the extension modules Python itself dlopens (_asyncio, _sqlite3, ...):
// make them global. The handle is never closed on purpose: those modules
// stay loaded after Py_Finalize and must not outlive libpython.
void make_libpython_global() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&Py_IsInitialized), &info) != 0 && info.dli_fname != nullptr) {
    [[maybe_unused]] void* handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  }
}

constexpr std::chrono::seconds kReloadTimeout{30};

void start_timers(HookSet& hooks) {
  std::vector<std::uint32_t> intervals;
  for (const Hook& hook : hooks.registry.hooks(HookKind::kEvery)) {
    intervals.push_back(hook.interval_ms);
  }
  hooks.timers.start(intervals, EveryTimers::Clock::now());
}

void register_hooks(PythonPlugin& plugin, starling_hooks& hooks) {
  const std::shared_ptr<HookSet> loaded = plugin.context.current_hooks();
  const HookRegistry& registry = loaded->registry;
  if (registry.has(HookKind::kAuthenticate)) hooks.authenticate = &authenticate;
  if (registry.has(HookKind::kAuthorizePublish)) hooks.authorize_publish = &authorize_publish;
  if (registry.has(HookKind::kAuthorizeSubscribe)) hooks.authorize_subscribe = &authorize_subscribe;
  if (registry.has(HookKind::kDeliver)) hooks.authorize_delivery = &authorize_delivery;
  if (registry.has(HookKind::kMessage)) hooks.on_publish = &on_publish;
  if (registry.has(HookKind::kConnected)) hooks.on_connected = &on_connected;
  if (registry.has(HookKind::kDisconnected)) hooks.on_disconnected = &on_disconnected;
  if (registry.has(HookKind::kMessageDropped)) hooks.on_message_dropped = &on_message_dropped;
  if (registry.has(HookKind::kEvery)) {
    start_timers(*loaded);
    hooks.on_timer = &on_timer;
    hooks.timer_interval_ms = registry.timer_period_ms();
  }
  for (std::size_t kind = 0; kind < kHookKinds; ++kind) {
    plugin.served[kind] = registry.has(static_cast<HookKind>(kind));
  }
  plugin.timer_period_ms = hooks.timer_interval_ms;
  // The broker's filters spare the calls for other topics; hook_calls.cpp
  // still matches each hook's own filters.
  plugin.topic_filters = registry.broker_topic_filters();
  for (const std::string& filter : plugin.topic_filters) {
    plugin.topic_filter_pointers.push_back(filter.c_str());
  }
  hooks.topic_filters = plugin.topic_filter_pointers.data();
  hooks.topic_filter_count = plugin.topic_filter_pointers.size();
  // Always: a reload needs nothing the scripts registered.
  hooks.on_reload = &on_reload;
  if (hooks.struct_size >= offsetof(starling_hooks, on_options) + sizeof(hooks.on_options)) {
    hooks.on_options = &on_options;
  }
}

std::string joined(const std::vector<std::string>& filters) {
  std::string text;
  for (const std::string& filter : filters) text += (text.empty() ? "'" : ", '") + filter + "'";
  return text;
}

// The hooks, filters and timers are fixed at init (the ABI): warns about
// what reloaded scripts registered beyond them, which takes a restart.
void warn_beyond_init(const PythonPlugin& plugin, const HookRegistry& registry) {
  const plugin::Host& host = plugin.context.host;
  auto warn = [&host](const Hook& hook, const std::string& why) {
    host.log(STARLING_LOG_WARN, std::string("python: reload: starling.") +
                                    hook_kind_name(hook.kind) + " " + hook.where + ": " + why);
  };
  for (std::size_t index = 0; index < kHookKinds; ++index) {
    const auto kind = static_cast<HookKind>(index);
    for (const Hook& hook : registry.hooks(kind)) {
      if (!plugin.served[index]) {
        warn(hook, kind == HookKind::kEvery
                       ? "never runs until a restart: the scripts had no every hook when "
                         "the broker started, so it gives the plugin no timer"
                       : std::string("never runs until a restart: the scripts had no ") +
                             hook_kind_name(kind) +
                             " hook when the broker started, so it never calls the plugin for it");
        continue;
      }
      if (kind == HookKind::kEvery && hook.interval_ms % plugin.timer_period_ms != 0) {
        warn(hook, "runs on the broker's " + std::to_string(plugin.timer_period_ms) +
                       " ms timer set at the start, so only about every " +
                       std::to_string(hook.interval_ms) + " ms; a restart makes it exact");
      }
      if (plugin.topic_filters.empty()) continue;  // the broker calls for every topic
      if (hook.filters.empty() && (kind == HookKind::kAuthorizePublish ||
                                   kind == HookKind::kDeliver || kind == HookKind::kMessage)) {
        warn(hook,
             "has no filter, but the broker calls the plugin only for topics matching the "
             "filters of the start (" +
                 joined(plugin.topic_filters) + "); other topics take a restart");
      }
      for (const std::string& filter : hook.filters) {
        const bool covered = std::any_of(
            plugin.topic_filters.begin(), plugin.topic_filters.end(),
            [&filter](const std::string& outer) { return filter_covers(outer, filter); });
        if (!covered) {
          warn(hook,
               "the broker calls the plugin only for topics matching the filters of the "
               "start (" +
                   joined(plugin.topic_filters) + "), not all of '" + filter +
                   "': the others take a restart");
        }
      }
    }
  }
}

// Puts freshly loaded hooks in force.
void swap_in(PythonPlugin& plugin, std::shared_ptr<HookSet> loaded) {
  warn_beyond_init(plugin, loaded->registry);
  start_timers(*loaded);
  // Calls already running finish with the old hooks; the last of them
  // drops the old functions (under the GIL).
  plugin.context.replace_hooks(std::move(loaded));
}

// New [plugins.options]: the scripts they list are loaded, with the new
// starling.options; on error the scripts and options of before stay.
int take_options(PythonPlugin& plugin, const plugin::Options& options) {
  const plugin::Host& host = plugin.context.host;
  auto scripts = script_paths(options);
  if (!scripts) {
    host.log(STARLING_LOG_ERROR, "python: new options refused: " + scripts.error().message);
    return 1;
  }
  auto loaded = plugin.interpreter->reload(kReloadTimeout, *scripts, options.all());
  if (!loaded) {
    host.log(STARLING_LOG_ERROR, "python: new options refused, the scripts loaded before stay: " +
                                     loaded.error().message);
    return 1;
  }
  swap_in(plugin, std::move(*loaded));
  std::string text = "python: new options, loaded";
  for (const std::string& script : *scripts) text += " " + script;
  host.log(STARLING_LOG_INFO, text);
  return 0;
}

int reload(PythonPlugin& plugin) {
  const plugin::Host& host = plugin.context.host;
  auto loaded = plugin.interpreter->reload(kReloadTimeout);
  if (!loaded) {
    host.log(STARLING_LOG_ERROR,
             "python: reload failed, the hooks loaded before stay: " + loaded.error().message);
    return 1;
  }
  swap_in(plugin, std::move(*loaded));
  host.log(STARLING_LOG_INFO, "python: reloaded the scripts");
  return 0;
}

int init(const starling_host* host, starling_plugin* self, const starling_option* options,
         std::size_t option_count, starling_hooks* hooks, void** state) {
  const plugin::Host log(host, self);
  if (g_active_context != nullptr) {
    log.log(STARLING_LOG_ERROR,
            "python: loaded twice; CPython has one interpreter per process, "
            "so list all scripts in one [[plugins]] entry (option scripts)");
    return 1;
  }
  const plugin::Options given(options, option_count);
  auto scripts = script_paths(given);
  if (!scripts) {
    log.log(STARLING_LOG_ERROR, "python: " + scripts.error().message);
    return 1;
  }
  make_libpython_global();
  auto plugin = std::make_unique<PythonPlugin>(host, self);
  plugin->context.options = given.all();
  g_active_context = &plugin->context;
  // Cleared again unless the plugin starts (also when something throws).
  std::unique_ptr<PluginContext*, void (*)(PluginContext**)> clear_context(
      &g_active_context, [](PluginContext** active) { *active = nullptr; });
  auto interpreter = InterpreterThread::start(*scripts, plugin->context);
  if (!interpreter) {
    log.log(STARLING_LOG_ERROR, "python: " + interpreter.error().message);
    return 1;
  }
  plugin->interpreter = std::move(*interpreter);
  static_cast<void>(clear_context.release());
  register_hooks(*plugin, *hooks);
  std::string loaded = "python: loaded";
  for (const std::string& script : *scripts) loaded += " " + script;
  log.log(STARLING_LOG_INFO, loaded);
  *state = plugin.release();
  return 0;
}

// The C hook: nothing may cross the ABI.
int on_reload(void* state) noexcept {
  try {
    return reload(*static_cast<PythonPlugin*>(state));
  } catch (const std::exception& e) {
    static_cast<PythonPlugin*>(state)->context.host.log(
        STARLING_LOG_ERROR, std::string("python: reload failed: ") + e.what());
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing may cross the ABI
  }
  return 1;
}

int on_options(void* state, const starling_option* options, std::size_t count) noexcept {
  try {
    return take_options(*static_cast<PythonPlugin*>(state), plugin::Options(options, count));
  } catch (const std::exception& e) {
    static_cast<PythonPlugin*>(state)->context.host.log(
        STARLING_LOG_ERROR, std::string("python: new options refused: ") + e.what());
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing may cross the ABI
  }
  return 1;
}

}  // namespace

PluginContext* active_context() {
  return g_active_context;
}
void set_active_context(PluginContext* context) {
  g_active_context = context;
}

}  // namespace starling::plugins::python

extern "C" STARLING_PLUGIN_EXPORT int starling_plugin_version(const int* supported, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (supported[i] == STARLING_PLUGIN_ABI_VERSION) return STARLING_PLUGIN_ABI_VERSION;
  }
  return -1;
}

extern "C" STARLING_PLUGIN_EXPORT int starling_plugin_init(const starling_host* host,
                                                           starling_plugin* self,
                                                           const starling_option* options,
                                                           size_t option_count,
                                                           starling_hooks* hooks, void** state) {
  try {
    return starling::plugins::python::init(host, self, options, option_count, hooks, state);
  } catch (const std::exception& e) {
    starling::plugin::Host(host, self).log(STARLING_LOG_ERROR, std::string("python: ") + e.what());
  } catch (...) {
  }
  return 1;
}

extern "C" STARLING_PLUGIN_EXPORT void starling_plugin_cleanup(void* state) {
  using starling::plugins::python::PythonPlugin;
  try {
    auto* plugin = static_cast<PythonPlugin*>(state);
    // Python first: finalizing may still run script code that logs.
    plugin->interpreter.reset();
    starling::plugins::python::set_active_context(nullptr);
    delete plugin;
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing may cross the ABI
  }
}
