#include "dispatcher.hpp"

#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

namespace starling::python {

namespace py = pybind11;

Dispatcher::Dispatcher(std::size_t capacity) : capacity_(capacity) {
  thread_ = std::thread([this] { run(); });
}

Dispatcher::~Dispatcher() {
  if (thread_.joinable()) stop();
}

void Dispatcher::add(std::uint64_t id, py::object callback) {
  callbacks_[id] = std::move(callback);
}

void Dispatcher::remove(std::uint64_t id) {
  callbacks_.erase(id);
}

bool Dispatcher::post(std::uint64_t id, ApplicationMessage message) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (queue_.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(Item{id, std::move(message)});
  }
  wake_.notify_one();
  return true;
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  py::gil_scoped_acquire gil;
  callbacks_.clear();
}

void Dispatcher::run() {
  std::vector<Item> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything delivered
      // A bounded batch per GIL hand-over, so the queue keeps draining.
      while (!queue_.empty() && batch.size() < 64) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    py::gil_scoped_acquire gil;
    for (Item& item : batch) call(item);
    batch.clear();
    report_drops();
  }
}

void Dispatcher::call(Item& item) {
  const auto found = callbacks_.find(item.id);
  if (found == callbacks_.end()) return;  // unsubscribed meanwhile
  // A reference of our own: the callback may unsubscribe itself.
  py::object callback = found->second;
  try {
    callback(std::move(item.message));
  } catch (py::error_already_set& e) {
    // The package wraps callbacks to log their exceptions; this is the last
    // line of defence, so one failure cannot end the dispatcher.
    e.discard_as_unraisable("a starling subscription callback");
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    PyErr_WriteUnraisable(callback.ptr());
  }
}

void Dispatcher::report_drops() {
  const std::uint64_t dropped = dropped_.load(std::memory_order_relaxed);
  if (dropped == reported_) return;
  try {
    py::module_::import("logging")
        .attr("getLogger")("starling")
        .attr("warning")(
            "starling: %d message(s) dropped: the callback queue was full (queue_size=%d); "
            "the callbacks are slower than the messages arrive",
            dropped - reported_, capacity_);
  } catch (py::error_already_set& e) {
    e.discard_as_unraisable("starling's dropped-message warning");
  }
  reported_ = dropped;
}

}  // namespace starling::python
