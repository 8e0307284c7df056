// Python -> C++ conversions shared by the bind_<area>.cpp files (declared in bindings.hpp).
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "precis/error.hpp"

namespace py = pybind11;

namespace precis_python {

std::string encode_utf8(const py::handle& str) {
  // An all-ASCII str (the common case) already holds its UTF-8 bytes: copy them directly,
  // without the temporary bytes object of the encoder.
  if (PyUnicode_IS_READY(str.ptr()) && PyUnicode_IS_ASCII(str.ptr())) {
    return std::string(static_cast<const char*>(PyUnicode_DATA(str.ptr())),
                       static_cast<std::size_t>(PyUnicode_GET_LENGTH(str.ptr())));
  }
  PyObject* bytes = PyUnicode_AsEncodedString(str.ptr(), "utf-8", "surrogatepass");
  if (bytes == nullptr) throw py::error_already_set();
  std::string out(PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)));
  Py_DECREF(bytes);
  return out;
}

std::string type_name(const py::handle& value) {
  return std::string(py::str(py::type::of(value).attr("__name__")));
}

std::string utf8_of(const py::handle& value, const std::string& field) {
  if (!py::isinstance<py::str>(value)) {
    precis::raise("invalid_argument",
                  "field '" + field + "' must be a string, not " + type_name(value));
  }
  return encode_utf8(value);
}

std::vector<precis::source_doc> sources_of(const py::handle& value, const std::string& field) {
  std::vector<precis::source_doc> out;
  if (value.is_none()) return out;
  if (py::isinstance<py::str>(value)) {
    out.push_back({"1", utf8_of(value, field)});
  } else if (py::isinstance<py::dict>(value)) {
    for (const auto& item : value.cast<py::dict>()) {
      const std::string id = py::str(item.first);
      out.push_back({id, utf8_of(item.second, field + "." + id)});
    }
  } else if (py::isinstance<py::sequence>(value)) {
    const auto seq = value.cast<py::sequence>();
    for (std::size_t k = 0; k < seq.size(); ++k) {
      const py::object item = seq[k];
      const std::string where = field + "[" + std::to_string(k) + "]";
      if (py::isinstance<py::str>(item)) {
        out.push_back({std::to_string(k + 1), utf8_of(item, where)});
      } else if (py::isinstance<py::dict>(item)) {
        const auto d = item.cast<py::dict>();
        if (!d.contains("text")) {
          precis::raise("invalid_argument", "field '" + where + "' has no 'text'");
        }
        const std::string id =
            d.contains("id") ? std::string(py::str(d["id"])) : std::to_string(k + 1);
        out.push_back({id, utf8_of(d["text"], where + ".text")});
      } else if (py::isinstance<py::tuple>(item) && py::len(item) == 2) {
        const auto t = item.cast<py::tuple>();
        out.push_back({std::string(py::str(t[0])), utf8_of(t[1], where + "[1]")});
      } else {
        utf8_of(item, where);  // raises, naming the type
      }
    }
  } else {
    utf8_of(value, field);  // raises
  }
  return out;
}

precis::text::stemmer_kind stemmer_of(const std::string& name) {
  if (name == "porter") return precis::text::stemmer_kind::porter_nltk;
  if (name == "snowball") return precis::text::stemmer_kind::snowball;
  if (name == "none") return precis::text::stemmer_kind::none;
  precis::raise("invalid_argument",
                "unknown stemmer '" + name + "' (expected porter, snowball or none)");
}

precis::metrics::support_combination combination_of(const std::string& name) {
  if (name == "max") return precis::metrics::support_combination::max;
  if (name == "mix") return precis::metrics::support_combination::mix;
  precis::raise("invalid_argument", "unknown combine '" + name + "' (expected max or mix)");
}

}  // namespace precis_python
