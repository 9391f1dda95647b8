#pragma once
// One loaded python plugin: behind the state pointer the broker hands to
// every hook. Built by starling_plugin_init (python_plugin.cpp).
#include <memory>
#include <string>
#include <vector>

#include "every_timers.hpp"
#include "interpreter_thread.hpp"
#include "plugin_context.hpp"

namespace starling::plugins::python {

struct PythonPlugin {
  PythonPlugin(const starling_host* host, starling_plugin* self) : context(host, self) {}

  PluginContext context;
  EveryTimers timers;
  // What hooks->topic_filters points into.
  std::vector<std::string> topic_filters;
  std::vector<const char*> topic_filter_pointers;
  // Last member: destroyed first, so Python is gone before what it uses.
  std::unique_ptr<InterpreterThread> interpreter;
};

}  // namespace starling::plugins::python
