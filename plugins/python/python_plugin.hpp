#pragma once
// One loaded python plugin: behind the state pointer the broker hands to
// every hook. Built by starling_plugin_init (python_plugin.cpp).
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "interpreter_thread.hpp"
#include "plugin_context.hpp"

namespace starling::plugins::python {

struct PythonPlugin {
  PythonPlugin(const starling_host* host, starling_plugin* self) : context(host, self) {}

  PluginContext context;
  // What the plugin registered with the broker at init, fixed by the ABI
  // for its lifetime: a reload's scripts are served only within it.
  std::array<bool, kHookKinds> served{};  // by HookKind
  std::uint32_t timer_period_ms = 0;      // 0: no on_timer
  // What hooks->topic_filters points into (empty: every topic).
  std::vector<std::string> topic_filters;
  std::vector<const char*> topic_filter_pointers;
  // Last member: destroyed first, so Python is gone before what it uses.
  std::unique_ptr<InterpreterThread> interpreter;
};

}  // namespace starling::plugins::python
