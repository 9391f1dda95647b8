#pragma once
// Python exceptions as text for the broker's log: the exception and its
// traceback, with the file and line of every frame.
// REQUIRES (all functions): the calling thread holds the GIL.
#include <pybind11/pybind11.h>

#include <string>

namespace starling::plugins::python {

// The exception `error` carries, formatted like Python prints it.
std::string describe_python_error(const pybind11::error_already_set& error);

// An exception object (as a failed asyncio task holds it).
std::string describe_python_exception(pybind11::handle exception);

}  // namespace starling::plugins::python
