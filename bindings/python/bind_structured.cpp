// Bindings of precis/structured: parse_json_output, json_schema, compare_json. Thin: JSON crosses
// the boundary as text (the pure-Python wrappers in precis/structured.py call json.dumps /
// json.loads), and
// byte offsets become Python string (code point) offsets.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "precis/error.hpp"
#include "precis/structured/json_compare.hpp"
#include "precis/structured/json_output.hpp"
#include "precis/structured/json_schema.hpp"
#include "string_args.hpp"

namespace py = pybind11;
namespace pst = precis::structured;

namespace {

// Byte offset -> code point offset in `s` (offsets past invalid UTF-8 count each byte once more).
class code_point_index {
 public:
  explicit code_point_index(std::string_view s) : s_(s) {}
  std::size_t operator()(std::size_t byte) const {
    std::size_t n = 0;
    const std::size_t end = std::min(byte, s_.size());
    for (std::size_t i = 0; i < end; ++i)
      if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) ++n;
    return n + (byte - end);
  }

 private:
  std::string_view s_;
};

// A Python str as UTF-8 bytes; lone surrogates are kept ("surrogatepass") so that they reach the
// UTF-8 check and come back as an invalid_utf8 error with its offset instead of a
// UnicodeEncodeError.
std::string utf8_bytes(const py::handle& value) {
  if (!py::isinstance<py::str>(value)) {
    throw precis::error("invalid_argument",
                        "expected a string, not " + precis_python::type_name(value));
  }
  return precis_python::encode_utf8(value);
}

py::dict output_dict(const pst::json_output& r, std::string_view text) {
  const code_point_index at(text);
  py::dict d;
  d["json"] = r.ok() ? py::object(py::str(r.json)) : py::object(py::none());
  py::list repairs;
  for (const auto& x : r.repairs) {
    py::dict e;
    e["kind"] = std::string(pst::json_repair_kind_name(x.kind));
    e["begin"] = at(x.begin);
    e["end"] = at(x.end);
    repairs.append(e);
  }
  d["repairs"] = repairs;
  d["begin"] = at(r.begin);
  d["end"] = at(r.end);
  if (r.ok()) {
    d["error"] = py::none();
  } else {
    py::dict e;
    e["kind"] = std::string(pst::json_error_kind_name(r.error));
    e["offset"] = at(r.error_offset);
    e["byte_offset"] = r.error_offset;
    e["message"] = r.message;
    d["error"] = e;
  }
  return d;
}

py::list violations_list(const pst::schema_result& r) {
  py::list out;
  for (const auto& v : r.violations) {
    py::dict e;
    e["pointer"] = v.pointer;
    e["keyword"] = v.keyword;
    e["message"] = v.message;
    out.append(e);
  }
  return out;
}

py::dict result_dict(const pst::schema_result& r, std::string_view text) {
  py::dict d;
  d["score"] = r.score;
  d["valid"] = r.valid;
  d["violations"] = violations_list(r);
  d["parse"] = output_dict(r.parse, text);
  return d;
}

pst::json_output_options parse_options(std::size_t max_depth, bool fences, bool prose,
                                       bool commas) {
  pst::json_output_options o;
  o.max_depth = max_depth;
  o.strip_code_fences = fences;
  o.strip_prose = prose;
  o.allow_trailing_commas = commas;
  return o;
}

pst::string_match string_mode(const std::string& s) {
  if (s == "exact") return pst::string_match::exact;
  if (s == "normalized") return pst::string_match::normalized;
  precis::raise("invalid_argument",
                "unknown string match '" + s + "' (expected exact or normalized)");
}

pst::list_match list_mode(const std::string& s) {
  if (s == "set") return pst::list_match::set;
  if (s == "ordered") return pst::list_match::ordered;
  precis::raise("invalid_argument", "unknown list match '" + s + "' (expected set or ordered)");
}

}  // namespace

namespace precis_python {

void bind_structured(py::module_& m) {
  m.def(
      "structured_parse_json_output",
      [](const py::str& text_obj, std::size_t max_depth, bool strip_code_fences, bool strip_prose,
         bool allow_trailing_commas) {
        const std::string text = utf8_bytes(text_obj);
        pst::json_output r;
        {
          py::gil_scoped_release release;
          r = pst::parse_json_output(text, parse_options(max_depth, strip_code_fences, strip_prose,
                                                         allow_trailing_commas));
        }
        return output_dict(r, text);
      },
      py::arg("text"), py::arg("max_depth") = 1000, py::arg("strip_code_fences") = true,
      py::arg("strip_prose") = true, py::arg("allow_trailing_commas") = true);

  py::class_<pst::json_schema>(m, "StructuredJsonSchema")
      .def(py::init([](const precis_python::utf8_str& schema, std::size_t max_depth,
                       std::size_t max_violations, bool check_formats) {
             pst::json_schema_options o;
             o.max_depth = max_depth;
             o.max_violations = max_violations;
             o.check_formats = check_formats;
             return pst::json_schema(schema, o);
           }),
           py::arg("schema_json"), py::arg("max_depth") = 1000, py::arg("max_violations") = 1000,
           py::arg("check_formats") = true)
      .def_property_readonly(
          "unchecked_formats",
          [](const pst::json_schema& s) {
            py::list out;
            for (const auto& f : s.unchecked_formats()) {
              out.append(py::dict(py::arg("pointer") = f.pointer, py::arg("format") = f.format));
            }
            return out;
          })
      .def(
          "validate",
          [](const pst::json_schema& s, const py::str& text_obj, bool tolerant) {
            const std::string text = utf8_bytes(text_obj);
            pst::schema_result r;
            {
              py::gil_scoped_release release;
              r = tolerant ? s.validate_output(text) : s.validate(text);
            }
            return result_dict(r, text);
          },
          py::arg("text"), py::arg("tolerant") = true)
      .def(
          "validate_batch",
          [](const pst::json_schema& s, const py::list& text_objs, bool tolerant,
             unsigned threads) {
            std::vector<std::string> texts;
            texts.reserve(text_objs.size());
            for (const auto& t : text_objs) texts.push_back(utf8_bytes(t));
            std::vector<pst::schema_result> results;
            {
              py::gil_scoped_release release;
              results = s.validate_batch(texts, tolerant, threads);
            }
            py::list score, valid, count, violations, error, repaired;
            for (const auto& r : results) {
              score.append(r.score);
              valid.append(r.valid);
              count.append(r.violations.size());
              violations.append(violations_list(r));
              error.append(r.parse.ok() ? py::object(py::none())
                                        : py::object(py::str(r.parse.message)));
              repaired.append(!r.parse.repairs.empty());
            }
            py::dict d;
            d["score"] = score;
            d["valid"] = valid;
            d["n_violations"] = count;
            d["violations"] = violations;
            d["repaired"] = repaired;
            d["error"] = error;
            return d;
          },
          py::arg("texts"), py::arg("tolerant") = true, py::arg("threads") = 0);

  m.def(
      "structured_compare_json",
      [](const py::str& output_obj, const py::str& gold_obj, const std::string& strings,
         const std::string& lists, double tolerance, double relative_tolerance,
         const std::vector<std::pair<std::string, py::dict>>& rules) {
        const std::string output = utf8_bytes(output_obj), gold = utf8_bytes(gold_obj);
        pst::json_compare_options o;
        o.strings = string_mode(strings);
        o.lists = list_mode(lists);
        o.tolerance = tolerance;
        o.relative_tolerance = relative_tolerance;
        for (const auto& [pointer, spec] : rules) {
          pst::field_rule rule;
          for (const auto& [key, val] : spec) {
            const std::string k = py::str(key);
            if (k == "strings") {
              rule.strings = string_mode(val.cast<std::string>());
            } else if (k == "lists") {
              rule.lists = list_mode(val.cast<std::string>());
            } else if (k == "tolerance") {
              rule.tolerance = val.cast<double>();
            } else if (k == "relative_tolerance") {
              rule.relative_tolerance = val.cast<double>();
            } else if (k == "ignore") {
              rule.ignore = val.cast<bool>();
            } else {
              precis::raise("invalid_argument", "rule for '" + pointer + "': unknown key '" + k +
                                                    "' (expected strings, lists, tolerance, "
                                                    "relative_tolerance or ignore)");
            }
          }
          o.rules.emplace_back(pointer, rule);
        }
        pst::json_compare_result r;
        {
          py::gil_scoped_release release;
          r = pst::compare_json(output, gold, o);
        }
        py::dict d;
        d["score"] = r.score;
        d["fields"] = r.fields;
        d["matched"] = r.matched;
        d["missing"] = r.missing;
        py::list details;
        for (const auto& f : r.details) {
          py::dict e;
          e["pointer"] = f.pointer;
          e["method"] = f.method;
          e["score"] = f.score;
          e["precision"] = f.precision;
          e["recall"] = f.recall;
          e["expected"] = f.expected;
          e["actual"] =
              f.method == "missing" ? py::object(py::none()) : py::object(py::str(f.actual));
          details.append(e);
        }
        d["details"] = details;
        d["extra"] = r.extra;
        d["parse"] = output_dict(r.parse, output);
        return d;
      },
      py::arg("output"), py::arg("gold"), py::arg("strings") = "normalized",
      py::arg("lists") = "set", py::arg("tolerance") = 0.0, py::arg("relative_tolerance") = 0.0,
      py::arg("rules") = std::vector<std::pair<std::string, py::dict>>{});
}

}  // namespace precis_python
