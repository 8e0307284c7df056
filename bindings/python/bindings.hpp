#pragma once
// Declarations of the binding functions defined in bind_<area>.cpp files. module.cpp calls each
// from PYBIND11_MODULE(_core, m). Add one line per new file.
#include <pybind11/pybind11.h>

namespace precis_python {
void bind_grounded(pybind11::module_& m);  // bind_grounded.cpp
void bind_embed(pybind11::module_& m);  // bind_embed.cpp
void bind_judge(pybind11::module_& m);  // bind_judge.cpp
void bind_citations(pybind11::module_& m);  // bind_citations.cpp
}  // namespace precis_python
