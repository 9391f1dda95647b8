#include "interpreter_thread.hpp"

#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include <future>
#include <string>
#include <utility>

#include "python_error.hpp"

namespace starling::plugins::python {

namespace py = pybind11;

namespace {

constexpr std::size_t kMaxQueuedJobs = 10000;

py::module_ starling_module() {
  return py::module_::import("starling");
}

}  // namespace

Result<std::unique_ptr<InterpreterThread>> InterpreterThread::start(
    std::vector<std::string> scripts, PluginContext& context) {
  if (Py_IsInitialized() != 0) {
    return Error{0,
                 "a Python interpreter runs in this process already (is the broker embedded "
                 "in Python?); the python plugin needs its own"};
  }
  auto queue = LoopQueue::create(kMaxQueuedJobs);
  if (!queue) return queue.error();
  context.queue = queue->get();
  std::unique_ptr<InterpreterThread> thread(
      new InterpreterThread(context, std::move(*queue), std::move(scripts)));

  std::promise<Status> loaded;
  std::future<Status> result = loaded.get_future();
  thread->thread_ = std::thread([self = thread.get(), loaded = std::move(loaded)]() mutable {
    if (Status started = self->initialize_interpreter(); !started) {
      loaded.set_value(started);
      return;
    }
    Status ready = self->load_scripts_and_start_loop();
    const bool loop_started = ready.ok();
    if (ready) {
      loaded.set_value(ready);
      self->run_loop();
    }
    self->finalize_interpreter(loop_started);
    if (!loop_started) loaded.set_value(ready);
  });
  Status status = result.get();
  if (!status) {
    thread->thread_.join();
    context.queue = nullptr;
    return status.error();
  }
  return thread;
}

InterpreterThread::~InterpreterThread() {
  if (!thread_.joinable()) return;
  queue_->request_stop();
  thread_.join();
  context_.queue = nullptr;
}

Status InterpreterThread::initialize_interpreter() {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  // The broker owns SIGINT/SIGTERM and its stdio.
  config.install_signal_handlers = 0;
  config.configure_c_stdio = 0;
  config.parse_argv = 0;
  // Debian's interpreter, whose prefix and site-packages match the libpython
  // we link, whatever python3 comes first on PATH.
  PyStatus status =
      PyConfig_SetBytesString(&config, &config.program_name, STARLING_PYTHON_EXECUTABLE);
  if (PyStatus_Exception(status) != 0) {
    PyConfig_Clear(&config);
    return Error{0, std::string("cannot configure Python: ") +
                        (status.err_msg != nullptr ? status.err_msg : "unknown error")};
  }
  try {
    py::initialize_interpreter(&config, 0, nullptr, /*add_program_dir_to_path=*/false);
  } catch (const std::exception& e) {
    return Error{0, std::string("cannot start Python: ") + e.what()};
  }
  return {};
}

Result<std::shared_ptr<HookSet>> InterpreterThread::load_scripts(
    const std::vector<std::string>& scripts) {
  std::shared_ptr<HookSet> hooks = new_hook_set();
  context_.loading = &hooks->registry;
  // Registering ends with the load, also when it throws.
  std::unique_ptr<HookRegistry*, void (*)(HookRegistry**)> stop_registering(
      &context_.loading, [](HookRegistry** loading) { *loading = nullptr; });
  py::object failure = starling_module().attr("_load_scripts")(scripts);
  if (!failure.is_none()) {
    auto [script, text] = failure.cast<std::pair<std::string, std::string>>();
    return Error{0, "cannot load " + script + ":\n" + text};
  }
  return hooks;
}

Status InterpreterThread::load_scripts_and_start_loop() {
  try {
    py::module_ starling = starling_module();
    starling.attr("options") = context_.options;
    auto hooks = load_scripts(scripts_);
    if (!hooks) return hooks.error();
    context_.replace_hooks(std::move(*hooks));
    starling.attr("_start_loop")(queue_->fd(), py::cpp_function([this] { run_jobs(); }));
  } catch (const py::error_already_set& e) {
    return Error{0, describe_python_error(e)};
  }
  return {};
}

Result<std::shared_ptr<HookSet>> InterpreterThread::reload(std::chrono::milliseconds timeout) {
  return run_load(timeout, [this] { return load_scripts(scripts_); });
}

Result<std::shared_ptr<HookSet>> InterpreterThread::reload(
    std::chrono::milliseconds timeout, std::vector<std::string> scripts,
    std::map<std::string, std::string> options) {
  return run_load(timeout, [this, scripts = std::move(scripts), options = std::move(options)] {
    py::module_ starling = starling_module();
    starling.attr("options") = options;
    auto loaded = load_scripts(scripts);
    if (!loaded) {
      starling.attr("options") = context_.options;  // the scripts of before see theirs again
      return loaded;
    }
    scripts_ = scripts;
    context_.options = options;
    return loaded;
  });
}

Result<std::shared_ptr<HookSet>> InterpreterThread::run_load(
    std::chrono::milliseconds timeout, std::function<Result<std::shared_ptr<HookSet>>()> load) {
  using Loaded = Result<std::shared_ptr<HookSet>>;
  // Only the job holds the promise, so a job dropped unrun (the Python
  // thread stopping) breaks it; a load that outlasts `timeout` still has
  // somewhere to put its result, dropped by whichever side is last (a
  // HookSet takes the GIL to go).
  auto loaded = std::make_shared<std::promise<Loaded>>();
  std::future<Loaded> result = loaded->get_future();
  const bool queued = queue_->post([loaded = std::move(loaded), load = std::move(load)] {
    try {
      loaded->set_value(load());
    } catch (const py::error_already_set& e) {
      loaded->set_value(Error{0, describe_python_error(e)});
    }
  });
  if (!queued) return Error{0, "the Python thread is stopping or too far behind"};
  if (result.wait_for(timeout) != std::future_status::ready) {
    return Error{0, "the scripts did not finish loading within " +
                        std::to_string(timeout.count() / 1000) + " s"};
  }
  try {
    return result.get();
  } catch (const std::future_error&) {  // the job was dropped unrun: stopping
    return Error{0, "the Python thread stopped before the scripts were loaded"};
  }
}

void InterpreterThread::run_loop() {
  try {
    starling_module().attr("_run_loop")();
  } catch (const py::error_already_set& e) {
    context_.host.log(STARLING_LOG_ERROR,
                      "the asyncio loop ended with an error:\n" + describe_python_error(e));
  }
}

void InterpreterThread::run_jobs() {
  LoopQueue::Taken taken = queue_->take();
  for (LoopQueue::Job& job : taken.jobs) {
    // Jobs report their own Python errors; this is the last line of defence
    // so one bad job cannot stop the loop.
    try {
      job();
    } catch (const py::error_already_set& e) {
      context_.host.log(STARLING_LOG_ERROR, describe_python_error(e));
    } catch (const std::exception& e) {
      context_.host.log(STARLING_LOG_ERROR, e.what());
    }
  }
  if (taken.stop_requested) starling_module().attr("_stop_loop")();
}

void InterpreterThread::finalize_interpreter(bool loop_started) {
  {
    // Jobs never run may own Python objects: drop them while Python lives.
    std::deque<LoopQueue::Job> unrun = queue_->close();
    unrun.clear();
    if (loop_started) {
      try {
        starling_module().attr("_close_loop")();
      } catch (const py::error_already_set& e) {
        context_.host.log(STARLING_LOG_WARN,
                          "closing the asyncio loop failed:\n" + describe_python_error(e));
      }
    }
    context_.replace_hooks(nullptr);
  }
  py::finalize_interpreter();
}

}  // namespace starling::plugins::python
