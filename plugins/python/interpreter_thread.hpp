#pragma once
// The plugin's Python thread. It initializes CPython, runs the hook
// scripts, then runs the asyncio event loop on which async hooks and
// `every` timers run, until stopped; then it finalizes the interpreter, on
// the same thread that initialized it. Broker threads never wait for it:
// they call plain hooks themselves (holding the GIL for the call) and hand
// it work through its LoopQueue.
#include <chrono>
#include <functional>
#include <map>
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
  // hooks in context.current_hooks() and the queue in context.queue. An error (with
  // the Python traceback) when the interpreter could not start or a script
  // failed; the thread has then finalized the interpreter and ended.
  // REQUIRES: `context` outlives the returned object.
  static Result<std::unique_ptr<InterpreterThread>> start(std::vector<std::string> scripts,
                                                          PluginContext& context);
  // Runs the scripts again, on the Python thread, each as a fresh module,
  // into a new HookSet that is returned, not put in force: the caller
  // swaps it in. An error (with the Python traceback) when a script fails,
  // the Python thread is stopping, or loading took longer than `timeout`
  // (then whatever it registers is dropped). Any thread but the Python one.
  Result<std::shared_ptr<HookSet>> reload(std::chrono::milliseconds timeout);
  // As reload, but runs `scripts` with `options` as starling.options (new
  // [plugins.options]). Once they loaded, later reloads run them; on error
  // the scripts and options of before stay.
  Result<std::shared_ptr<HookSet>> reload(std::chrono::milliseconds timeout,
                                          std::vector<std::string> scripts,
                                          std::map<std::string, std::string> options);

  // Stops the loop (cancelling tasks still running, so pending answers are
  // never given), drops the hooks, finalizes the interpreter and joins.
  ~InterpreterThread();
  InterpreterThread(const InterpreterThread&) = delete;
  InterpreterThread& operator=(const InterpreterThread&) = delete;

 private:
  InterpreterThread(PluginContext& context, std::unique_ptr<LoopQueue> queue,
                    std::vector<std::string> scripts)
      : context_(context), queue_(std::move(queue)), scripts_(std::move(scripts)) {}

  Status initialize_interpreter();
  // REQUIRES: the Python thread, holding the GIL.
  Result<std::shared_ptr<HookSet>> load_scripts(const std::vector<std::string>& scripts);
  // Runs `load` on the Python thread and waits for it up to `timeout`.
  Result<std::shared_ptr<HookSet>> run_load(std::chrono::milliseconds timeout,
                                            std::function<Result<std::shared_ptr<HookSet>>()> load);
  Status load_scripts_and_start_loop();
  void run_loop();
  void run_jobs();
  void finalize_interpreter(bool loop_started);

  PluginContext& context_;
  std::unique_ptr<LoopQueue> queue_;
  std::vector<std::string> scripts_;  // on the Python thread only, once started
  std::thread thread_;
};

}  // namespace starling::plugins::python
