#pragma once
// What the `starling` module's functions reach while the plugin runs: the
// broker's host functions, the registered hooks, and the queue to the
// plugin's Python thread. There is one per process: CPython has one main
// interpreter, so the library refuses a second instance.
#include <map>
#include <string>

#include "hook_registry.hpp"
#include "loop_queue.hpp"
#include "starling/plugin.hpp"

namespace starling::plugins::python {

struct PluginContext {
  PluginContext(const starling_host* raw_host, starling_plugin* self) : host(raw_host, self) {}

  plugin::Host host;
  // The [plugins.options], as text: starling.options in Python.
  std::map<std::string, std::string> options;
  HookRegistry hooks;
  // True while the scripts load: only then may hooks be registered.
  // Guarded by the GIL.
  bool loading = true;
  // The Python thread's queue; set before the scripts load, valid until
  // cleanup.
  LoopQueue* queue = nullptr;
};

// The running plugin's context, or null before init and after cleanup.
// Set and cleared on the thread that runs init and cleanup, while no
// Python code runs.
PluginContext* active_context();
void set_active_context(PluginContext* context);

}  // namespace starling::plugins::python
