#include "plugin_context.hpp"

#include "thread_gil.hpp"

namespace starling::plugins::python {

std::shared_ptr<HookSet> new_hook_set() {
  return std::shared_ptr<HookSet>(new HookSet, [](HookSet* hooks) {
    // The last holder may be a broker thread that finished a call, or the
    // thread that swapped in newer hooks: the functions need the GIL.
    if (Py_IsInitialized() == 0) {
      delete hooks;
      return;
    }
    ThreadGil gil;
    delete hooks;
  });
}

}  // namespace starling::plugins::python
