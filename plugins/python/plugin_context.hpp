#pragma once
// What the `starling` module's functions reach while the plugin runs: the
// broker's host functions, the registered hooks, and the queue to the
// plugin's Python thread. There is one per process: CPython has one main
// interpreter, so the library refuses a second instance.
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "every_timers.hpp"
#include "hook_registry.hpp"
#include "loop_queue.hpp"
#include "starling/plugin.hpp"

namespace starling::plugins::python {

// One generation of hooks: what one load of the scripts registered, and
// the timers of its `every` hooks. A reload builds a new one and swaps it
// in whole. The registry is read-only once published.
struct HookSet {
  HookRegistry registry;
  EveryTimers timers;
};

// A HookSet whose last reference, dropped on any thread, takes the GIL to
// release the Python functions. REQUIRES: the interpreter is running.
std::shared_ptr<HookSet> new_hook_set();

struct PluginContext {
  PluginContext(const starling_host* raw_host, starling_plugin* self) : host(raw_host, self) {}

  plugin::Host host;
  // The [plugins.options], as text: starling.options in Python.
  std::map<std::string, std::string> options;
  // The hooks in force; null before the scripts have loaded and after the
  // interpreter stopped. A hook call takes one snapshot and uses only it,
  // so a call that is running when a reload swaps in new hooks finishes
  // with the old ones (which live as long as a call or job holds them).
  // Any thread, no GIL needed.
  std::shared_ptr<HookSet> current_hooks() const { return hooks_.load(); }
  void replace_hooks(std::shared_ptr<HookSet> hooks) { hooks_.store(std::move(hooks)); }

  // Where the decorators register while scripts load (a HookSet not yet
  // in force); null otherwise, when registering is an error. Guarded by
  // the GIL.
  HookRegistry* loading = nullptr;
  // The Python thread's queue; set before the scripts load, valid until
  // cleanup.
  LoopQueue* queue = nullptr;

 private:
  std::atomic<std::shared_ptr<HookSet>> hooks_;
};

// The running plugin's context, or null before init and after cleanup.
// Set and cleared on the thread that runs init and cleanup, while no
// Python code runs.
PluginContext* active_context();
void set_active_context(PluginContext* context);

}  // namespace starling::plugins::python
