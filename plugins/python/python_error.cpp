#include "python_error.hpp"

#include <exception>

namespace starling::plugins::python {

namespace py = pybind11;

namespace {

std::string format_exception(py::handle type, py::handle value, py::handle trace) {
  try {
    py::object lines =
        py::module_::import("traceback").attr("format_exception")(type, value, trace);
    std::string text = py::str("").attr("join")(lines).cast<std::string>();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  } catch (const std::exception& e) {
    // Formatting itself failed (a broken __str__, no memory): say what we can.
    return std::string("(the traceback could not be formatted: ") + e.what() + ")";
  }
}

}  // namespace

std::string describe_python_error(const py::error_already_set& error) {
  return format_exception(error.type(), error.value(), error.trace());
}

std::string describe_python_exception(py::handle exception) {
  return format_exception(py::type::handle_of(exception), exception,
                          exception.attr("__traceback__"));
}

}  // namespace starling::plugins::python
