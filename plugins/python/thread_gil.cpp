#include "thread_gil.hpp"

namespace starling::plugins::python {

ThreadGil::ThreadGil() {
  if (PyGILState_Check() != 0) return;
  // PyThreadState_New binds the new state to this thread, so the next call
  // finds it here; Py_Finalize frees the states of threads that ended.
  PyThreadState* state = PyGILState_GetThisThreadState();
  if (state == nullptr) state = PyThreadState_New(PyInterpreterState_Main());
  PyEval_RestoreThread(state);
  taken_ = true;
}

ThreadGil::~ThreadGil() {
  if (taken_) PyEval_SaveThread();
}

}  // namespace starling::plugins::python
