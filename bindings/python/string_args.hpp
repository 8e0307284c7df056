#pragma once
// Argument types for str parameters of the bindings, so every entry point treats text alike.
//
// pybind11's std::string caster encodes with "strict": a str holding a lone surrogate
// ("\ud800") is refused and the call fails with a TypeError about incompatible arguments, while
// entry points that convert through precis_python::encode_utf8 ("surrogatepass") let the bytes
// reach precis' UTF-8 check and raise `[precis.invalid_utf8] ... at byte N`. `utf8_str` gives
// the latter behaviour to plain parameters; `fs_path` converts file names as os.fsencode does
// (str with surrogateescape, bytes, or os.PathLike).
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace precis_python {

/// A str argument as UTF-8 bytes, lone surrogates kept (also accepts bytes, as std::string does).
struct utf8_str : std::string {
  using std::string::string;
  utf8_str() = default;
  explicit utf8_str(std::string s) : std::string(std::move(s)) {}
};

/// A file name argument: str (file system encoding, surrogateescape), bytes or os.PathLike.
struct fs_path : std::string {
  using std::string::string;
  fs_path() = default;
};

/// `std::vector<std::string>` from a vector of utf8_str (the C++ APIs take plain strings).
inline std::vector<std::string> plain(const std::vector<utf8_str>& v) {
  return {v.begin(), v.end()};
}

}  // namespace precis_python

namespace pybind11::detail {

template <>
struct type_caster<precis_python::utf8_str> {
  PYBIND11_TYPE_CASTER(precis_python::utf8_str, const_name("str"));
  bool load(handle src, bool) {
    if (!src) return false;
    if (PyBytes_Check(src.ptr())) {
      value.assign(PyBytes_AS_STRING(src.ptr()),
                   static_cast<std::size_t>(PyBytes_GET_SIZE(src.ptr())));
      return true;
    }
    if (!PyUnicode_Check(src.ptr())) return false;
    PyObject* bytes = PyUnicode_AsEncodedString(src.ptr(), "utf-8", "surrogatepass");
    if (bytes == nullptr) {
      PyErr_Clear();
      return false;
    }
    value.assign(PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)));
    Py_DECREF(bytes);
    return true;
  }
  static handle cast(const precis_python::utf8_str& s, return_value_policy, handle) {
    return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogateescape");
  }
};

template <>
struct type_caster<precis_python::fs_path> {
  PYBIND11_TYPE_CASTER(precis_python::fs_path, const_name("os.PathLike | str | bytes"));
  bool load(handle src, bool) {
    if (!src) return false;
    if (!PyUnicode_Check(src.ptr()) && !PyBytes_Check(src.ptr()) &&
        !PyObject_HasAttrString(src.ptr(), "__fspath__")) {
      return false;
    }
    PyObject* bytes = nullptr;
    if (PyUnicode_FSConverter(src.ptr(), &bytes) == 0) {
      PyErr_Clear();
      return false;
    }
    value.assign(PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)));
    Py_DECREF(bytes);
    return true;
  }
  static handle cast(const precis_python::fs_path& s, return_value_policy, handle) {
    return PyUnicode_DecodeFSDefaultAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
  }
};

}  // namespace pybind11::detail
