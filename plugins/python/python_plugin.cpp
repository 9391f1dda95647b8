// The python plugin's C entry points: reads the options, starts the Python
// thread (which runs the scripts) and registers exactly the hooks the
// scripts asked for, so the broker never calls in for the others.
// See README.md.
#include "python_plugin.hpp"

#include <Python.h>
#include <dlfcn.h>

#include <cstdint>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "hook_calls.hpp"

namespace starling::plugins::python {

namespace {

PluginContext* g_active_context = nullptr;

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

void register_hooks(PythonPlugin& plugin, starling_hooks& hooks) {
  const HookRegistry& registry = plugin.context.hooks;
  if (registry.has(HookKind::kAuthenticate)) hooks.authenticate = &authenticate;
  if (registry.has(HookKind::kAuthorizePublish)) hooks.authorize_publish = &authorize_publish;
  if (registry.has(HookKind::kAuthorizeSubscribe)) hooks.authorize_subscribe = &authorize_subscribe;
  if (registry.has(HookKind::kDeliver)) hooks.authorize_delivery = &authorize_delivery;
  if (registry.has(HookKind::kMessage)) hooks.on_publish = &on_publish;
  if (registry.has(HookKind::kConnected)) hooks.on_connected = &on_connected;
  if (registry.has(HookKind::kDisconnected)) hooks.on_disconnected = &on_disconnected;
  if (registry.has(HookKind::kMessageDropped)) hooks.on_message_dropped = &on_message_dropped;
  if (registry.has(HookKind::kEvery)) {
    std::vector<std::uint32_t> intervals;
    for (const Hook& hook : registry.hooks(HookKind::kEvery)) intervals.push_back(hook.interval_ms);
    plugin.timers.start(intervals, EveryTimers::Clock::now());
    hooks.on_timer = &on_timer;
    hooks.timer_interval_ms = registry.timer_period_ms();
  }
  // The broker's filters spare the calls for other topics; hook_calls.cpp
  // still matches each hook's own filters.
  plugin.topic_filters = registry.broker_topic_filters();
  for (const std::string& filter : plugin.topic_filters) {
    plugin.topic_filter_pointers.push_back(filter.c_str());
  }
  hooks.topic_filters = plugin.topic_filter_pointers.data();
  hooks.topic_filter_count = plugin.topic_filter_pointers.size();
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
