#pragma once
// Holds the GIL for one hook call on a thread Python did not start (a
// broker worker, the timer thread). Each such thread keeps one Python
// thread state from its first call until the interpreter is finalized, so
// a call costs a GIL hand-over, not a thread-state allocation.
// REQUIRES: the interpreter is running. Nests: on a thread that holds the
// GIL already it does nothing.
#include <Python.h>

namespace starling::plugins::python {

class ThreadGil {
 public:
  ThreadGil();
  ~ThreadGil();
  ThreadGil(const ThreadGil&) = delete;
  ThreadGil& operator=(const ThreadGil&) = delete;

 private:
  bool taken_ = false;
};

}  // namespace starling::plugins::python
