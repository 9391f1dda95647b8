#include "hook_results.hpp"

#include <string>

namespace starling::plugins::python {

namespace py = pybind11;

namespace {

std::string type_name(py::handle value) {
  return py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

}  // namespace

Verdict verdict_from(py::handle result) {
  if (result.is_none()) return Verdict{STARLING_NEXT, 0, std::nullopt};
  if (PyBool_Check(result.ptr())) {
    return Verdict{result.ptr() == Py_True ? STARLING_ALLOW : STARLING_DENY, 0, std::nullopt};
  }
  if (py::isinstance<Verdict>(result)) return result.cast<Verdict>();
  throw py::type_error("a decision hook returns True, False, None or a starling verdict, not " +
                       type_name(result));
}

bool is_awaitable(py::handle result) {
  if (result.is_none() || PyBool_Check(result.ptr())) return false;
  if (PyCoro_CheckExact(result.ptr())) return true;
  return py::module_::import("inspect").attr("isawaitable")(result).cast<bool>();
}

std::optional<Verdict> apply_message_result(py::handle result,
                                            std::shared_ptr<MessageInfo>& message,
                                            py::object& object) {
  if (result.is_none() || result.ptr() == Py_True) return std::nullopt;
  if (result.ptr() == Py_False) return Verdict{STARLING_DENY, 0, std::nullopt};
  if (py::isinstance<MessageInfo>(result)) {
    object = py::reinterpret_borrow<py::object>(result);
    message = result.cast<std::shared_ptr<MessageInfo>>();
    return std::nullopt;
  }
  if (py::isinstance<py::dict>(result)) {
    for (auto [key, value] : result.cast<py::dict>()) {
      const std::string field = py::str(key).cast<std::string>();
      if (field != "topic" && field != "payload" && field != "qos" && field != "retain") {
        throw py::type_error("on_message returned a dict with '" + field +
                             "': only topic, payload, qos and retain can change");
      }
      object.attr(key) = value;  // the Message setters check the values
    }
    return std::nullopt;
  }
  if (py::isinstance<Verdict>(result)) {
    Verdict verdict = result.cast<Verdict>();
    if (verdict.decision == STARLING_DENY) return verdict;
    return std::nullopt;  // ALLOW and NEXT: the message goes on
  }
  throw py::type_error(
      "on_message returns None, True, False, DROP, a starling.Message or a dict, not " +
      type_name(result));
}

}  // namespace starling::plugins::python
