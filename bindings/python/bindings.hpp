#pragma once
// Declarations of the binding functions defined in bind_<area>.cpp files. module.cpp calls each
// from PYBIND11_MODULE(_core, m). Add one line per new file.
#include <pybind11/pybind11.h>

namespace precis_python {}  // namespace precis_python
