#pragma once
// Runs work on one thread, in the order it was posted. The net layer backs it
// with an Asio io_context per worker thread; tests use a manual queue.
#include <functional>

namespace starling {

class Executor {
 public:
  virtual ~Executor() = default;
  // Thread-safe. Tasks posted from one thread run in the order posted.
  virtual void post(std::function<void()> task) = 0;
  // True when called on this executor's own thread.
  virtual bool running_in_this_thread() const = 0;
};

}  // namespace starling
