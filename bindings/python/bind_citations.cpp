// Bindings of the citation metrics (precis/metrics/citations.hpp, precis/structured/
// structured_citations.hpp): options from keyword arguments, results to dicts, batches in C++
// with the GIL released. The pure-Python wrappers are in precis/citations.py.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "string_args.hpp"
#include "precis/text/utf8.hpp"
#include "precis/detail/parallel.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/structured/structured_citations.hpp"
#include "precis/metrics/citations.hpp"

namespace py = pybind11;
namespace pm = precis::metrics;
namespace pst = precis::structured;

namespace {

using precis_python::sources_of;
using precis_python::utf8_of;

// Options plus the structured-summary options, built once from keyword arguments.
struct py_citation_options {
  pm::citation_options citation;
  pst::structured_citation_options structured;
  std::shared_ptr<py::function> support;  // the Python judge, released with the GIL held
};

py_citation_options make_options(const std::string& unit, std::size_t min_claim_words,
                                 const std::vector<std::string>& patterns, bool builtin_markers,
                                 bool footnotes, double support_threshold, const std::string& judge,
                                 bool word_order, const py::object& encoder,
                                 const py::object& support, std::size_t min_quote_words,
                                 const std::string& stemmer, const std::string& stem_language,
                                 const std::optional<std::vector<std::string>>& value_keys,
                                 const std::optional<std::vector<std::string>>& citation_keys,
                                 bool leaves_are_claims, bool inline_markers,
                                 std::size_t max_depth, const std::string& function_words,
                                 const std::vector<std::string>& subject, bool check_facts,
                                 double fact_cap, double fact_context,
                                 double min_source_support, const std::string& combine,
                                 double embedding_weight) {
  py_citation_options p;
  auto& o = p.citation;
  if (unit == "sentence") {
    o.unit = pm::claim_unit::sentence;
  } else if (unit == "clause") {
    o.unit = pm::claim_unit::clause;
  } else {
    precis::raise("invalid_argument", "unknown unit '" + unit + "' (expected sentence or clause)");
  }
  o.min_claim_words = min_claim_words;
  o.patterns = patterns;
  o.builtin_markers = builtin_markers;
  o.footnotes = footnotes;
  o.support_threshold = support_threshold;
  o.min_quote_words = min_quote_words;
  o.word_order = word_order;
  o.stemmer = precis_python::stemmer_of(stemmer);
  o.stem_language = stem_language;
  o.function_words = function_words;
  o.subject = subject;
  o.check_facts = check_facts;
  o.fact_cap = fact_cap;
  o.fact_context = fact_context;
  o.min_source_support = min_source_support;
  if (!encoder.is_none()) o.encoder = encoder.cast<std::shared_ptr<precis::embed::encoder>>();
  if (judge == "lexical") {
    o.judge = pm::support_judge::lexical;
  } else if (judge == "embedding") {
    o.judge = pm::support_judge::embedding;
  } else if (judge == "combined") {
    o.judge = pm::support_judge::combined;
  } else if (judge == "custom") {
    o.judge = pm::support_judge::custom;
  } else {
    precis::raise("invalid_argument", "unknown judge '" + judge +
                                          "' (expected lexical, embedding, combined or custom)");
  }
  o.combine = precis_python::combination_of(combine);
  o.embedding_weight = embedding_weight;
  if (!support.is_none()) {
    // Keep the callable alive in a holder whose deleter takes the GIL.
    p.support = std::shared_ptr<py::function>(new py::function(support.cast<py::function>()),
                                              [](py::function* f) {
                                                py::gil_scoped_acquire gil;
                                                delete f;
                                              });
  }
  if (value_keys) p.structured.value_keys = *value_keys;
  if (citation_keys) p.structured.citation_keys = *citation_keys;
  p.structured.leaves_are_claims = leaves_are_claims;
  p.structured.inline_markers = inline_markers;
  p.structured.json.max_depth = max_depth;
  return p;
}

// The scorer with the Python judge wired in (it needs the source ids and texts).
struct py_citation_scorer {
  std::shared_ptr<const pm::citation_scorer> scorer;
  py_citation_options options;
  std::vector<precis::source_doc> sources;
};

std::shared_ptr<py_citation_scorer> make_scorer(std::vector<precis::source_doc> docs,
                                                const py_citation_options& o) {
  auto s = std::make_shared<py_citation_scorer>();
  s->options = o;
  s->sources = std::move(docs);
  auto copt = o.citation;
  if (o.support) {
    auto fn = o.support;
    auto holder = s.get();
    copt.support_fn = [fn, holder](std::string_view claim, std::span<const std::size_t> cited) {
      py::gil_scoped_acquire gil;
      py::list ids, texts;
      for (const auto i : cited) {
        ids.append(holder->scorer->source_id(i));
        texts.append(py::str(holder->sources[i].text));
      }
      // A Python judge that raises (or returns no number) fails this summary's row, as any
      // precis::error does: batches go on with the other rows.
      try {
        return (*fn)(py::str(std::string(claim)), ids, texts).cast<double>();
      } catch (py::error_already_set& e) {
        const std::string type = py::str(e.type().attr("__name__"));
        precis::raise("support_failed",
                      "support judge raised " + type + ": " + std::string(py::str(e.value())));
      } catch (const py::cast_error&) {
        precis::raise("support_failed", "support judge returned something that is not a number");
      }
    };
  }
  {
    py::gil_scoped_release release;
    s->scorer = std::make_shared<const pm::citation_scorer>(s->sources, copt);
  }
  return s;
}

// Citation markers as dicts {key, style, begin, end} (bytes of the whole marker).
py::list refs_to_list(const std::vector<pm::citation_ref>& refs) {
  py::list out;
  for (const auto& ref : refs) {
    py::dict m;
    m["key"] = ref.key;
    m["style"] = std::string(pm::citation_style_name(ref.style));
    m["begin"] = ref.span.begin;
    m["end"] = ref.span.end;
    out.append(m);
  }
  return out;
}

// Footnote lines as dicts {key, text, begin, end} (bytes of the line).
py::list footnotes_to_list(const std::vector<pm::citation_footnote>& footnotes) {
  py::list out;
  for (const auto& f : footnotes) {
    py::dict x;
    x["key"] = f.key;
    x["text"] = f.text;
    x["begin"] = f.span.begin;
    x["end"] = f.span.end;
    out.append(x);
  }
  return out;
}

py::list strings(const std::vector<std::string>& v) {
  py::list out;
  for (const auto& s : v) out.append(s);
  return out;
}

py::dict to_dict(const pm::citation_result& r, std::string_view summary) {
  py::dict d;
  d["score"] = r.score;
  d["coverage"] = r.coverage;
  d["validity"] = r.validity;
  d["support_recall"] = r.support_recall;
  d["mean_support"] = r.mean_support;
  d["precision"] = r.precision;
  d["f1"] = r.f1;
  d["misattribution"] = r.misattribution;
  d["utilization"] = r.utilization;
  d["quote_accuracy"] = r.quote_accuracy;
  d["claims"] = r.claims;
  d["cited_claims"] = r.cited_claims;
  d["citations"] = r.citations;
  d["valid_citations"] = r.valid_citations;
  d["supported_claims"] = r.supported_claims;
  d["relevant_citations"] = r.relevant_citations;
  d["misattributed_claims"] = r.misattributed_claims;
  d["attributed_claims"] = r.attributed_claims;
  d["sources"] = r.sources;
  d["used_sources"] = r.used_sources;
  d["quotes"] = r.quotes;
  d["quotes_found"] = r.quotes_found;
  d["dangling"] = strings(r.dangling);
  d["unused"] = strings(r.unused);
  py::list claims;
  for (const auto& c : r.claim_details) {
    py::dict x;
    x["text"] = c.text;
    x["pointer"] = c.pointer.empty() ? py::object(py::none()) : py::str(c.pointer);
    if (c.pointer.empty()) {
      x["begin"] = c.span.begin;
      x["end"] = c.span.end;
    } else {
      x["begin"] = py::none();
      x["end"] = py::none();
    }
    x["citations"] = refs_to_list(c.citations);
    x["cited"] = strings(c.cited);
    x["dangling"] = strings(c.dangling);
    x["support"] = c.support;
    x["supported"] = c.supported;
    x["relevant_citations"] = c.relevant_citations;
    x["irrelevant"] = strings(c.irrelevant);
    x["lexical_support"] = c.lexical_support;
    x["embedding_support"] = c.embedding_support;
    x["cited_support"] = c.cited_support;
    x["unsupporting"] = strings(c.unsupporting);
    py::list parts;
    for (const auto& of_source : c.cited_parts) {
      py::list one;
      for (const auto& part : of_source) {
        py::dict y;
        y["begin"] = part.span.begin;
        y["end"] = part.span.end;
        y["text"] = part.text;
        one.append(y);
      }
      parts.append(one);
    }
    x["cited_parts"] = parts;
    x["mismatched_facts"] = strings(c.mismatched_facts);
    x["negation_mismatch"] = c.negation_mismatch;
    x["misattributed"] = c.misattributed;
    x["better_source"] =
        c.better_source.empty() ? py::object(py::none()) : py::str(c.better_source);
    x["better_support"] = c.better_support;
    claims.append(x);
  }
  d["claim_details"] = claims;
  py::list quotes;
  for (const auto& q : r.quote_details) {
    py::dict x;
    x["begin"] = q.span.begin;
    x["end"] = q.span.end;
    const auto& claim = r.claim_details[static_cast<std::size_t>(q.claim)];
    if (claim.pointer.empty() && q.span.end <= summary.size()) {
      x["text"] = py::str(summary.substr(q.span.begin, q.span.end - q.span.begin));
    } else {
      x["text"] = py::none();
    }
    x["claim"] = q.claim;
    x["found"] = q.found;
    x["found_in"] = q.found_in.empty() ? py::object(py::none()) : py::str(q.found_in);
    quotes.append(x);
  }
  d["quote_details"] = quotes;
  d["footnotes"] = footnotes_to_list(r.footnotes);
  return d;
}

pm::citation_result score_text(const py_citation_scorer& s, const std::string& text,
                               bool structured) {
  if (structured) return pst::score_structured(*s.scorer, text, s.options.structured);
  return s.scorer->score(text);
}

// Columns of many results; a failed record has NaN values and its error.
// Every summary scored on `threads` threads without the GIL; a failed one keeps its row, with
// `[precis.<code>] summary <i>: ...` in `errors` (detail::score_each).
std::pair<std::vector<pm::citation_result>, std::vector<std::string>> score_all(
    const py_citation_scorer& s, const std::vector<std::string>& summaries, bool structured,
    unsigned threads) {
  struct item {
    pm::citation_result result;
    std::string error;
  };
  std::vector<item> items;
  {
    py::gil_scoped_release release;
    items = precis::detail::score_each<item>(
        summaries, threads,
        [&](const std::string& summary) { return score_text(s, summary, structured); });
  }
  std::pair<std::vector<pm::citation_result>, std::vector<std::string>> out;
  for (auto& x : items) {
    out.first.push_back(std::move(x.result));
    out.second.push_back(std::move(x.error));
  }
  return out;
}

py::tuple columns_of(const std::vector<pm::citation_result>& results,
                     const std::vector<std::string>& errors) {
  const auto columns = pm::citation_columns();
  py::array_t<double> values({results.size(), columns.size()});
  double* out = values.mutable_data();
  py::list errs;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (errors[i].empty()) {
      pm::citation_values(results[i], out);
      errs.append(py::none());
    } else {
      std::fill(out, out + columns.size(), std::numeric_limits<double>::quiet_NaN());
      errs.append(errors[i]);
    }
    out += columns.size();
  }
  return py::make_tuple(columns, values, errs);
}

// Many records, each with its own sources (records with equal sources share one scorer).
py::tuple citation_batch(const py::sequence& summaries, const py::sequence& sources,
                         const std::optional<std::vector<std::string>>& ids,
                         const py_citation_options& o, bool structured, unsigned threads) {
  const std::size_t n = summaries.size();
  if (sources.size() != n) {
    precis::raise("invalid_argument", "got " + std::to_string(n) + " summaries but " +
                                          std::to_string(sources.size()) + " sources");
  }
  if (ids && ids->size() != n) {
    precis::raise("invalid_argument", "got " + std::to_string(n) + " summaries but " +
                                          std::to_string(ids->size()) + " ids");
  }
  std::vector<std::string> texts(n), rid(n), errors(n);
  std::vector<std::vector<precis::source_doc>> docs(n);
  for (std::size_t i = 0; i < n; ++i) {
    rid[i] = ids ? (*ids)[i] : std::to_string(i);
    try {
      texts[i] = utf8_of(summaries[i], "summary");
      docs[i] = sources_of(sources[i], "sources");
    } catch (const precis::error& e) {
      precis::raise_with_context(e, "record " + std::to_string(i) + " (id '" + rid[i] + "')");
    }
  }
  std::unordered_map<std::string, std::size_t> groups;
  std::vector<std::size_t> group_of(n), first;
  for (std::size_t i = 0; i < n; ++i) {
    std::string key;
    for (const auto& d : docs[i]) {
      key += d.id;
      key += '\0';
      key += d.text;
      key += '\0';
    }
    const auto [it, added] = groups.emplace(std::move(key), first.size());
    if (added) first.push_back(i);
    group_of[i] = it->second;
  }
  std::vector<std::shared_ptr<py_citation_scorer>> scorers(first.size());
  std::vector<std::string> group_error(first.size());
  for (std::size_t g = 0; g < first.size(); ++g) {
    try {
      scorers[g] = make_scorer(docs[first[g]], o);
    } catch (const precis::error& e) {
      group_error[g] = e.what();
    }
  }
  std::vector<pm::citation_result> results(n);
  {
    py::gil_scoped_release release;
    precis::detail::parallel_for(n, threads, [&](std::size_t i) {
      const std::string context = "record " + std::to_string(i) + " (id '" + rid[i] + "')";
      const auto g = group_of[i];
      if (!group_error[g].empty()) {
        const std::string& what = group_error[g];
        const auto close = what.find("] ");
        errors[i] = what.substr(0, close + 2) + context + ", " + what.substr(close + 2);
        return;
      }
      try {
        results[i] = score_text(*scorers[g], texts[i], structured);
      } catch (const precis::error& e) {
        errors[i] = "[precis." + e.code() + "] " + context + ", " + std::string(e.message());
      }
    });
  }
  auto t = columns_of(results, errors);
  return py::make_tuple(rid, t[0], t[1], t[2]);
}

}  // namespace

namespace precis_python {

void bind_citations(py::module_& m) {
  py::class_<py_citation_options>(m, "CitationOptions");
  m.def("citation_options", &make_options, py::arg("unit"), py::arg("min_claim_words"),
        py::arg("patterns"), py::arg("builtin_markers"), py::arg("footnotes"),
        py::arg("support_threshold"), py::arg("judge"), py::arg("word_order"), py::arg("encoder"),
        py::arg("support"), py::arg("min_quote_words"), py::arg("stemmer"),
        py::arg("stem_language"), py::arg("value_keys"), py::arg("citation_keys"),
        py::arg("leaves_are_claims"), py::arg("inline_markers"), py::arg("max_depth"),
        py::arg("function_words"), py::arg("subject"), py::arg("check_facts"),
        py::arg("fact_cap"), py::arg("fact_context"), py::arg("min_source_support"),
        py::arg("combine"), py::arg("embedding_weight"));
  py::class_<py_citation_scorer, std::shared_ptr<py_citation_scorer>>(m, "CitationScorer")
      .def(py::init([](const py::object& sources, const py_citation_options& o) {
             return make_scorer(sources_of(sources, "sources"), o);
           }),
           py::arg("sources"), py::arg("options"))
      .def(
          "score",
          [](const py_citation_scorer& s, const py::object& summary, bool structured) {
            const std::string text = utf8_of(summary, "summary");
            pm::citation_result r;
            {
              py::gil_scoped_release release;
              r = score_text(s, text, structured);
            }
            return to_dict(r, structured ? std::string_view{} : std::string_view(text));
          },
          py::arg("summary"), py::arg("structured"))
      .def(
          "score_batch",
          [](const py_citation_scorer& s, const std::vector<precis_python::utf8_str>& summaries,
             bool structured, unsigned threads) {
            const auto [results, errors] =
                score_all(s, precis_python::plain(summaries), structured, threads);
            return columns_of(results, errors);
          },
          py::arg("summaries"), py::arg("structured"), py::arg("threads"))
      .def(
          "details_batch",
          [](const py_citation_scorer& s, const std::vector<precis_python::utf8_str>& summaries,
             bool structured, unsigned threads) {
            const auto [results, errors] =
                score_all(s, precis_python::plain(summaries), structured, threads);
            py::list out;
            for (std::size_t i = 0; i < results.size(); ++i) {
              out.append(errors[i].empty()
                             ? py::object(to_dict(results[i],
                                                  structured ? std::string_view{} : summaries[i]))
                             : py::object(py::str(errors[i])));
            }
            return out;
          },
          py::arg("summaries"), py::arg("structured"), py::arg("threads"))
      .def(
          "claims",
          [](const py_citation_scorer& s, const py::object& summary, bool structured) {
            const std::string text = utf8_of(summary, "summary");
            const auto claims =
                structured
                    ? pst::structured_claims(text, s.options.structured, s.scorer->options()).claims
                    : s.scorer->claims(text);
            py::list out;
            for (const auto& c : claims) {
              py::dict x;
              x["text"] = c.text;
              x["pointer"] = c.pointer.empty() ? py::object(py::none()) : py::str(c.pointer);
              x["begin"] = c.span.begin;
              x["end"] = c.span.end;
              py::list keys;
              for (const auto& ref : c.citations) keys.append(ref.key);
              x["keys"] = keys;
              out.append(x);
            }
            return out;
          },
          py::arg("summary"), py::arg("structured"))
      .def(
          "resolve",
          [](const py_citation_scorer& s, const precis_python::utf8_str& key) {
            const auto i = s.scorer->resolve(key);
            return i < 0 ? py::object(py::none())
                         : py::str(s.scorer->source_id(static_cast<std::size_t>(i)));
          },
          py::arg("key"))
      .def(
          "support",
          [](const py_citation_scorer& s, const py::object& claim,
             const std::vector<precis_python::utf8_str>& cited) {
            std::vector<std::size_t> idx;
            for (const auto& k : cited) {
              precis::text::validate_utf8(k, "cited");  // before the key reaches a message
              const auto i = s.scorer->resolve(k);
              if (i < 0) precis::raise("invalid_argument", "unknown source '" + k + "'");
              idx.push_back(static_cast<std::size_t>(i));
            }
            const std::string text = utf8_of(claim, "claim");
            py::gil_scoped_release release;
            return s.scorer->support(text, idx);
          },
          py::arg("claim"), py::arg("cited"));
  m.def("citation_batch", &citation_batch, py::arg("summaries"), py::arg("sources"), py::arg("ids"),
        py::arg("options"), py::arg("structured"), py::arg("threads"));
  m.def("citation_columns", &pm::citation_columns);
  m.def(
      "parse_citations",
      [](const py::object& summary) {
        const std::string text = utf8_of(summary, "summary");
        const auto p = pm::parse_citations(text);
        const py::list markers = refs_to_list(p.markers);
        py::dict d;
        d["markers"] = markers;
        d["footnotes"] = footnotes_to_list(p.footnotes);
        d["body_end"] = p.body_end;
        return d;
      },
      py::arg("summary"));
}

}  // namespace precis_python
