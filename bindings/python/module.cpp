// pybind11 module precis._core: thin. It turns keyword arguments into options structs and Python
// objects into C++ ones; every loop over records is in C++ (precis::score_records), run with the
// GIL released. The pure-Python package (precis/__init__.py) adds pandas conveniences.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "string_args.hpp"
#include "precis/error.hpp"
#include "precis/metrics/bleu.hpp"
#include "precis/metrics/chrf.hpp"
#include "precis/metrics/rouge.hpp"
#include "precis/score.hpp"
#include "precis/text/analyzed_text.hpp"
#include "precis/text/normalize.hpp"
#include "precis/text/porter.hpp"
#include "precis/text/sentences.hpp"
#include "precis/text/tokenize.hpp"
#include "precis/text/utf8.hpp"
#include "precis/version.hpp"

namespace py = pybind11;
namespace pm = precis::metrics;
namespace pt = precis::text;

namespace {

// ---- options from keyword arguments --------------------------------------------------------

pm::rouge_options rouge_options(const std::vector<std::string>& types, const std::string& tokenizer,
                                bool use_stemmer, const std::string& aggregation,
                                const std::string& stemmer, const std::string& stem_language) {
  pm::rouge_options o;
  o.types = types;
  o.use_stemmer = use_stemmer;
  if (tokenizer == "unicode") {
    o.tokenizer = pm::rouge_tokenizer::unicode;
  } else if (tokenizer == "rouge_score") {
    o.tokenizer = pm::rouge_tokenizer::rouge_score;
  } else {
    precis::raise("invalid_argument",
                  "unknown ROUGE tokenizer '" + tokenizer + "' (expected unicode or rouge_score)");
  }
  if (aggregation == "max") {
    o.aggregation = pm::rouge_aggregation::max;
  } else if (aggregation == "mean") {
    o.aggregation = pm::rouge_aggregation::mean;
  } else {
    precis::raise("invalid_argument",
                  "unknown aggregation '" + aggregation + "' (expected max or mean)");
  }
  if (stemmer == "porter") {
    o.stemmer = pt::stemmer_kind::porter_nltk;
  } else if (stemmer == "snowball") {
    o.stemmer = pt::stemmer_kind::snowball;
  } else {
    precis::raise("invalid_argument",
                  "unknown stemmer '" + stemmer + "' (expected porter or snowball)");
  }
  o.stem_language = stem_language;
  return o;
}

pm::bleu_options bleu_options(const std::string& tokenize, bool lowercase,
                              const std::string& smooth_method, std::optional<double> smooth_value,
                              std::optional<bool> effective_order, int max_ngram_order) {
  pm::bleu_options o;
  o.tokenizer = pm::parse_sacrebleu_tokenizer(tokenize);
  o.lowercase = lowercase;
  o.smoothing = pm::parse_bleu_smoothing(smooth_method);
  o.smooth_value = smooth_value;
  o.effective_order = effective_order;
  o.max_ngram_order = max_ngram_order;
  return o;
}

pm::chrf_options chrf_options(int char_order, int word_order, double beta, bool lowercase,
                              bool whitespace, bool eps_smoothing) {
  pm::chrf_options o;
  o.char_order = char_order;
  o.word_order = word_order;
  o.beta = beta;
  o.lowercase = lowercase;
  o.whitespace = whitespace;
  o.eps_smoothing = eps_smoothing;
  return o;
}

// A Python value as UTF-8 bytes. Lone surrogates are kept ("surrogatepass"), so they reach the
// UTF-8 check and are reported with their record, field and byte offset like any invalid text.
// Returns false (with `error` set) for a value that is not a string.
bool to_utf8(const py::handle& value, const std::string& field, std::string& out,
             std::string& error) {
  if (!py::isinstance<py::str>(value)) {
    error = "[precis.invalid_argument] field '" + field + "' must be a string, not " +
            precis_python::type_name(value);
    return false;
  }
  out = precis_python::encode_utf8(value);
  return true;
}

// `value` as UTF-8 for single calls; a non-string raises PrecisError naming `field`.
std::string utf8(const py::handle& value, const std::string& field) {
  std::string out, error;
  if (!to_utf8(value, field, out, error)) throw precis::error("invalid_argument", error.substr(error.find("] ") + 2));
  return out;
}

// A single reference or a list of them.
std::vector<std::string> reference_list(const py::handle& references) {
  if (py::isinstance<py::str>(references)) return {utf8(references, "references")};
  if (!py::isinstance<py::sequence>(references)) utf8(references, "references");  // raises
  std::vector<std::string> out;
  const auto seq = references.cast<py::sequence>();
  for (std::size_t k = 0; k < seq.size(); ++k) {
    out.push_back(utf8(seq[k], "references[" + std::to_string(k) + "]"));
  }
  return out;
}

// Summaries and their reference lists for the corpus calls, owned, with views for the kernels.
struct corpus_input {
  corpus_input(const py::list& summaries, const py::list& references) {
    if (summaries.size() != references.size()) {
      precis::raise("invalid_argument", "got " + std::to_string(summaries.size()) +
                                            " summaries but " + std::to_string(references.size()) +
                                            " references");
    }
    for (std::size_t i = 0; i < summaries.size(); ++i) {
      summary_text.push_back(utf8(summaries[i], "summaries[" + std::to_string(i) + "]"));
      reference_text.push_back(reference_list(references[i]));
    }
    summary_views.assign(summary_text.begin(), summary_text.end());
    for (const auto& r : reference_text) reference_views.emplace_back(r.begin(), r.end());
  }
  std::vector<std::string> summary_text;
  std::vector<std::vector<std::string>> reference_text;
  std::vector<std::string_view> summary_views;
  std::vector<std::vector<std::string_view>> reference_views;
};

// ---- results to Python --------------------------------------------------------------------

py::dict to_dict(const pm::rouge_prf& s) {
  py::dict d;
  d["f1"] = s.f1;
  d["precision"] = s.precision;
  d["recall"] = s.recall;
  d["overlap"] = s.overlap;
  d["summary_count"] = s.summary_count;
  d["reference_count"] = s.reference_count;
  return d;
}

py::dict to_dict(const pm::rouge_result& r) {
  py::dict d;
  for (const auto type : r.types()) d[py::str(std::string(pm::rouge_type_name(type)))] = to_dict(r[type]);
  return d;
}

py::dict to_dict(const pm::bleu_result& r) {
  py::dict d;
  d["score"] = r.score;
  d["precisions"] = std::vector<double>(r.precisions.begin(), r.precisions.end());
  d["brevity_penalty"] = r.brevity_penalty;
  d["length_ratio"] = r.length_ratio;
  d["effective_order"] = r.effective_order;
  d["matches"] = std::vector<std::uint64_t>(r.statistics.matches.begin(), r.statistics.matches.end());
  d["totals"] = std::vector<std::uint64_t>(r.statistics.totals.begin(), r.statistics.totals.end());
  d["summary_length"] = r.statistics.summary_length;
  d["reference_length"] = r.statistics.reference_length;
  return d;
}

py::dict to_dict(const pm::chrf_result& r) {
  py::dict d;
  d["score"] = r.score;
  d["precision"] = r.precision;
  d["recall"] = r.recall;
  d["effective_order"] = r.effective_order;
  d["best_reference"] = r.best_reference;
  return d;
}

// Byte offsets to Python string indices (code points), for tokens and sentences.
class char_index {
 public:
  explicit char_index(std::string_view s) : map_(s.size() + 1, 0) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      map_[i] = chars;
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++chars;
    }
    map_[s.size()] = chars;
  }
  std::size_t operator()(std::size_t byte) const { return map_[byte]; }

 private:
  std::vector<std::size_t> map_;
};

const char* kind_name(pt::token_kind k) {
  switch (k) {
    case pt::token_kind::word: return "word";
    case pt::token_kind::number: return "number";
    case pt::token_kind::ideograph: return "ideograph";
    case pt::token_kind::punctuation: return "punctuation";
  }
  return "word";
}

// ---- the batch engine ---------------------------------------------------------------------

precis::score_table score_converted(std::vector<precis::record>& records,
                                    const std::vector<std::string>& input_errors,
                                    precis::score_options& options, unsigned threads);
py::tuple to_python(const precis::score_table& table);

py::tuple score_batch(const py::list& summaries, const py::list& references,
                      const std::optional<std::vector<std::string>>& ids,
                      const std::vector<std::string>& metrics, const pm::rouge_options& rouge,
                      const pm::bleu_options& bleu, const pm::chrf_options& chrf,
                      unsigned threads) {
  if (references.size() != summaries.size()) {
    precis::raise("invalid_argument", "got " + std::to_string(summaries.size()) + " summaries but " +
                                          std::to_string(references.size()) + " references");
  }
  if (ids && ids->size() != summaries.size()) {
    precis::raise("invalid_argument", "got " + std::to_string(summaries.size()) + " summaries but " +
                                          std::to_string(ids->size()) + " ids");
  }
  std::vector<precis::record> records(summaries.size());
  std::vector<std::string> input_errors(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto& r = records[i];
    r.id = ids ? (*ids)[i] : std::to_string(i);
    std::string& error = input_errors[i];
    if (!to_utf8(summaries[i], "summary", r.summary, error)) continue;
    const py::handle refs = references[i];
    if (refs.is_none()) continue;
    if (py::isinstance<py::str>(refs)) {
      r.references.emplace_back();
      to_utf8(refs, "references", r.references.back(), error);
    } else if (py::isinstance<py::sequence>(refs)) {
      const auto seq = refs.cast<py::sequence>();
      r.references.resize(seq.size());
      for (std::size_t k = 0; k < seq.size() && error.empty(); ++k) {
        to_utf8(seq[k], "references[" + std::to_string(k) + "]", r.references[k], error);
      }
    } else {
      to_utf8(refs, "references", r.summary, error);  // names the wrong type
    }
  }
  precis::score_options options;
  options.metrics = metrics;
  options.rouge = rouge;
  options.bleu = bleu;
  options.chrf = chrf;
  // Records whose Python values are not strings are not scored (and add nothing to the corpus
  // scores); they keep their row, with NaN and the reason. When every record converted (the
  // usual case) they are scored in place, without the copy into `valid` and back.
  const bool all_converted = std::all_of(input_errors.begin(), input_errors.end(),
                                         [](const std::string& e) { return e.empty(); });
  precis::score_table table;
  if (all_converted) {
    py::gil_scoped_release release;
    table = precis::score_records(records, options, threads);
  } else {
    table = score_converted(records, input_errors, options, threads);
  }
  return to_python(table);
}

// The rows of `records` whose conversion succeeded (no `input_errors`) scored, the others kept
// with NaN scores and their conversion error.
precis::score_table score_converted(std::vector<precis::record>& records,
                                    const std::vector<std::string>& input_errors,
                                    precis::score_options& options, unsigned threads) {
  std::vector<precis::record> valid;
  std::vector<std::size_t> row_of;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!input_errors[i].empty()) continue;
    valid.push_back(std::move(records[i]));
    row_of.push_back(i);
  }
  options.record_numbers = row_of;
  precis::score_table scored;
  {
    py::gil_scoped_release release;
    scored = precis::score_records(valid, options, threads);
  }
  precis::score_table table;
  table.columns = scored.columns;
  table.corpus = scored.corpus;
  const std::size_t width = table.columns.size();
  table.values.assign(records.size() * width, std::numeric_limits<double>::quiet_NaN());
  table.errors.resize(records.size());
  table.ids.resize(records.size());
  for (std::size_t k = 0; k < valid.size(); ++k) {
    const std::size_t i = row_of[k];
    table.ids[i] = scored.ids[k];
    table.errors[i] = scored.errors[k];
    std::copy_n(scored.values.begin() + static_cast<std::ptrdiff_t>(k * width), width,
                table.values.begin() + static_cast<std::ptrdiff_t>(i * width));
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (input_errors[i].empty()) continue;
    table.ids[i] = records[i].id;
    const std::string& e = input_errors[i];
    const std::size_t close = e.find("] ");
    table.errors[i] = e.substr(0, close + 2) + "record " + std::to_string(i) + " (id '" +
                      records[i].id + "'), " + e.substr(close + 2);
  }
  return table;
}

py::tuple to_python(const precis::score_table& table) {
  const std::size_t width = table.columns.size();
  py::array_t<double> values({table.rows(), width});
  std::copy(table.values.begin(), table.values.end(), values.mutable_data());
  py::list errors;
  for (const auto& e : table.errors) errors.append(e.empty() ? py::object(py::none()) : py::str(e));
  py::dict corpus;
  for (const auto& [name, value] : table.corpus) corpus[py::str(name)] = value;
  return py::make_tuple(table.ids, table.columns, values, errors, corpus);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "precis C++ core (use the `precis` package)";
  m.attr("__version__") = precis::version();
  py::register_exception<precis::error>(m, "PrecisError", PyExc_ValueError);

  // ---- text ----
  m.def("normalize", [](const precis_python::utf8_str& text, bool nfkc, bool case_fold) {
          pt::validate_utf8(text, "text");
          return pt::normalize(text, nfkc, case_fold);
        }, py::arg("text"), py::arg("nfkc") = true, py::arg("case_fold") = true);
  m.def("tokenize", [](const precis_python::utf8_str& text, const std::string& cjk,
                       bool keep_punctuation) {
          pt::validate_utf8(text, "text");
          pt::tokenize_options o;
          if (cjk == "dictionary") {
            o.cjk = pt::cjk_mode::dictionary;
          } else if (cjk == "character") {
            o.cjk = pt::cjk_mode::character;
          } else {
            precis::raise("invalid_argument", "unknown cjk mode '" + cjk +
                                                  "' (expected dictionary or character)");
          }
          o.keep_punctuation = keep_punctuation;
          const auto tokens = pt::tokenize(text, o);
          const char_index at(text);
          py::list out;
          for (const auto& t : tokens) {
            out.append(py::make_tuple(text.substr(t.begin, t.end - t.begin), at(t.begin), at(t.end),
                                      kind_name(t.kind)));
          }
          return out;
        }, py::arg("text"), py::arg("cjk") = "dictionary", py::arg("keep_punctuation") = false);
  m.def("split_sentences", [](const precis_python::utf8_str& text, bool newline_is_boundary) {
          pt::validate_utf8(text, "text");
          pt::sentence_options o;
          o.newline_is_boundary = newline_is_boundary;
          const auto spans = pt::split_sentences(text, o);
          const char_index at(text);
          py::list out;
          for (const auto& s : spans) {
            out.append(py::make_tuple(text.substr(s.begin, s.end - s.begin), at(s.begin), at(s.end)));
          }
          return out;
        }, py::arg("text"), py::arg("newline_is_boundary") = false);
  m.def("porter_stem", [](const precis_python::utf8_str& word) {
          pt::validate_utf8(word, "word");
          return pt::porter_stem(word);
        },
        py::arg("word"));

  // ---- options ----
  py::class_<pm::rouge_options>(m, "RougeOptions");
  py::class_<pm::bleu_options>(m, "BleuOptions");
  py::class_<pm::chrf_options>(m, "ChrfOptions");
  m.def("rouge_options", &rouge_options, py::arg("types"), py::arg("tokenizer"),
        py::arg("use_stemmer"), py::arg("aggregation"), py::arg("stemmer"),
        py::arg("stem_language"));
  m.def("bleu_options", &bleu_options, py::arg("tokenize"), py::arg("lowercase"),
        py::arg("smooth_method"), py::arg("smooth_value"), py::arg("effective_order"),
        py::arg("max_ngram_order"));
  m.def("chrf_options", &chrf_options, py::arg("char_order"), py::arg("word_order"),
        py::arg("beta"), py::arg("lowercase"), py::arg("whitespace"), py::arg("eps_smoothing"));

  // ---- one pair ----
  m.def("rouge", [](const py::object& summary_obj, const py::object& references,
                    const pm::rouge_options& o) {
          const std::string summary = utf8(summary_obj, "summary");
          const auto refs = reference_list(references);
          return to_dict(pm::rouge(summary, std::span<const std::string>(refs), o));
        }, py::arg("summary"), py::arg("references"), py::arg("options"));
  m.def("bleu", [](const py::object& summary_obj, const py::object& references,
                   const pm::bleu_options& o) {
          const std::string summary = utf8(summary_obj, "summary");
          const auto refs = reference_list(references);
          const std::vector<std::string_view> views(refs.begin(), refs.end());
          return to_dict(pm::bleu(summary, views, o));
        }, py::arg("summary"), py::arg("references"), py::arg("options"));
  m.def("chrf", [](const py::object& summary_obj, const py::object& references,
                   const pm::chrf_options& o) {
          const std::string summary = utf8(summary_obj, "summary");
          const auto refs = reference_list(references);
          const std::vector<std::string_view> views(refs.begin(), refs.end());
          return to_dict(pm::chrf(summary, views, o));
        }, py::arg("summary"), py::arg("references"), py::arg("options"));

  // ---- corpus ----
  m.def("corpus_bleu", [](const py::list& summaries, const py::list& references,
                          const pm::bleu_options& o, unsigned threads) {
          const corpus_input in(summaries, references);
          pm::bleu_result result;
          {
            py::gil_scoped_release release;
            result = pm::corpus_bleu(in.summary_views, in.reference_views, o, threads);
          }
          return to_dict(result);
        }, py::arg("summaries"), py::arg("references"), py::arg("options"), py::arg("threads"));
  m.def("corpus_chrf", [](const py::list& summaries, const py::list& references,
                          const pm::chrf_options& o, unsigned threads) {
          const corpus_input in(summaries, references);
          pm::chrf_result result;
          {
            py::gil_scoped_release release;
            result = pm::corpus_chrf(in.summary_views, in.reference_views, o, threads);
          }
          return to_dict(result);
        }, py::arg("summaries"), py::arg("references"), py::arg("options"), py::arg("threads"));
  m.def("bleu_signature", [](const pm::bleu_options& o, std::size_t nrefs, bool corpus_level) {
          return pm::bleu_signature(o, nrefs, corpus_level);
        }, py::arg("options"), py::arg("nrefs"), py::arg("corpus_level"));
  m.def("chrf_signature", [](const pm::chrf_options& o, std::size_t nrefs) {
          return pm::chrf_signature(o, nrefs);
        }, py::arg("options"), py::arg("nrefs"));

  // ---- cached scorers (references prepared once; score() is thread-safe) ----
  py::class_<pm::rouge_scorer>(m, "RougeScorer")
      .def(py::init([](const py::object& references, const pm::rouge_options& o) {
             const auto refs = reference_list(references);
             return pm::rouge_scorer(std::span<const std::string>(refs), o);
           }), py::arg("references"), py::arg("options"))
      .def("score", [](const pm::rouge_scorer& s, const py::object& summary) {
             return to_dict(s.score(utf8(summary, "summary")));
           }, py::arg("summary"))
      .def("score_batch", [](const pm::rouge_scorer& s,
                             const std::vector<precis_python::utf8_str>& summaries,
                             unsigned threads) {
             std::vector<pm::rouge_record_result> results;
             {
               py::gil_scoped_release release;
               results = s.score_batch(precis_python::plain(summaries), threads);
             }
             py::list out;
             for (const auto& r : results) {
               out.append(r.result ? py::object(to_dict(*r.result)) : py::object(py::str(r.error)));
             }
             return out;
           }, py::arg("summaries"), py::arg("threads"));
  py::class_<pm::bleu_scorer>(m, "BleuScorer")
      .def(py::init([](const py::object& references, const pm::bleu_options& o) {
             const auto refs = reference_list(references);
             const std::vector<std::string_view> views(refs.begin(), refs.end());
             return pm::bleu_scorer(views, o);
           }), py::arg("references"), py::arg("options"))
      .def("score", [](const pm::bleu_scorer& s, const py::object& summary) {
             return to_dict(s.score(utf8(summary, "summary")));
           }, py::arg("summary"));
  py::class_<pm::chrf_scorer>(m, "ChrfScorer")
      .def(py::init([](const py::object& references, const pm::chrf_options& o) {
             const auto refs = reference_list(references);
             const std::vector<std::string_view> views(refs.begin(), refs.end());
             return pm::chrf_scorer(views, o);
           }), py::arg("references"), py::arg("options"))
      .def("score", [](const pm::chrf_scorer& s, const py::object& summary) {
             return to_dict(s.score(utf8(summary, "summary")));
           }, py::arg("summary"));

  // ---- batch ----
  m.def("score_batch", &score_batch, py::arg("summaries"), py::arg("references"), py::arg("ids"),
        py::arg("metrics"), py::arg("rouge"), py::arg("bleu"), py::arg("chrf"),
        py::arg("threads"));
  precis_python::bind_grounded(m);
  precis_python::bind_embed(m);
  precis_python::bind_structured(m);
  precis_python::bind_citations(m);
  precis_python::bind_stats(m);
  precis_python::bind_compat(m);
  precis_python::bind_encoder(m);
  precis_python::bind_judge(m);
}
