#pragma once
// The plugin's Python thread. It initializes CPython, runs the hook
// scripts, then runs the asyncio event loop on which async hooks and
// `every` timers run, until stopped; then it finalizes the interpreter, on
// the same thread that initialized it. Broker threads never wait for it:
// they call plain hooks themselves (holding the GIL for the call) and hand
// it work through its LoopQueue.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "loop_queue.hpp"
#include "plugin_context.hpp"
#include "starling/result.hpp"

namespace starling::plugins::python {

class InterpreterThread {
 public:
  // Starts the thread and waits until the scripts have run, leaving the
  // hooks in context.hooks and the queue in context.queue. An error (with
  // the Python traceback) when the interpreter could not start or a script
  // failed; the thread has then finalized the interpreter and ended.
  // REQUIRES: `context` outlives the returned object.
  static Result<std::unique_ptr<InterpreterThread>> start(std::vector<std::string> scripts,
                                                          PluginContext& context);
  // Stops the loop (cancelling tasks still running, so pending answers are
  // never given), drops the hooks, finalizes the interpreter and joins.
  ~InterpreterThread();
  InterpreterThread(const InterpreterThread&) = delete;
  InterpreterThread& operator=(const InterpreterThread&) = delete;

 private:
  InterpreterThread(PluginContext& context, std::unique_ptr<LoopQueue> queue)
      : context_(context), queue_(std::move(queue)) {}

  Status initialize_interpreter();
  Status load_scripts_and_start_loop(const std::vector<std::string>& scripts);
  void run_loop();
  void run_jobs();
  void finalize_interpreter(bool loop_started);

  PluginContext& context_;
  std::unique_ptr<LoopQueue> queue_;
  std::thread thread_;
};

}  // namespace starling::plugins::python
