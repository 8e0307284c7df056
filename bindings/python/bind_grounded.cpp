// Bindings of the source-grounded metrics (precis/metrics/grounded.hpp): options from keyword
// arguments, results to dicts, batches through precis::score_records with the GIL released.
// The pure-Python wrappers are in precis/grounded.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bindings.hpp"
#include "string_args.hpp"
#include "precis/detail/parallel.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/metrics/detail/source_index.hpp"
#include "precis/metrics/grounded.hpp"
#include "precis/score.hpp"

namespace py = pybind11;
namespace pm = precis::metrics;

namespace {

using precis_python::sources_of;
using precis_python::utf8_of;

pm::grounded_options make_options(const std::string& stemmer, const std::string& stem_language,
                                  const std::string& filler_language,
                                  const std::vector<std::string>& extra_fillers,
                                  std::optional<double> budget, const std::string& budget_unit,
                                  double support_threshold, double redundancy_threshold,
                                  bool position_prior, bool ignore_citations,
                                  const py::object& encoder,
                                  const std::string& combine, double embedding_weight,
                                  const std::vector<std::string>& subject, bool check_facts,
                                  double fact_cap, double fact_context, double grounding_threshold,
                                  std::size_t recall_sentences, double recall_weight,
                                  std::size_t coverage_sentences) {
  pm::grounded_options o;
  o.stemmer = precis_python::stemmer_of(stemmer);
  o.stem_language = stem_language;
  o.filler_language = filler_language;
  o.extra_fillers = extra_fillers;
  o.budget = budget;
  if (budget_unit == "words") {
    o.budget_unit = pm::length_unit::words;
  } else if (budget_unit == "tokens") {
    o.budget_unit = pm::length_unit::tokens;
  } else if (budget_unit == "characters") {
    o.budget_unit = pm::length_unit::characters;
  } else if (budget_unit == "sentences") {
    o.budget_unit = pm::length_unit::sentences;
  } else {
    precis::raise("invalid_argument", "unknown budget_unit '" + budget_unit +
                                          "' (expected words, tokens, characters or sentences)");
  }
  o.support_threshold = support_threshold;
  o.redundancy_threshold = redundancy_threshold;
  o.position_prior = position_prior;
  o.ignore_citations = ignore_citations;
  if (!encoder.is_none()) o.encoder = encoder.cast<std::shared_ptr<precis::embed::encoder>>();
  o.combine = precis_python::combination_of(combine);
  o.embedding_weight = embedding_weight;
  o.subject = subject;
  o.check_facts = check_facts;
  o.fact_cap = fact_cap;
  o.fact_context = fact_context;
  o.grounding_threshold = grounding_threshold;
  o.recall_sentences = recall_sentences;
  o.recall_weight = recall_weight;
  o.coverage_sentences = coverage_sentences;
  return o;
}

py::str slice(std::string_view text, const pm::text_span& s) {
  return py::str(text.substr(s.begin, s.end - s.begin));
}

py::list spans(std::string_view text, const std::vector<pm::text_span>& list) {
  py::list out;
  for (const auto& s : list) out.append(py::make_tuple(s.begin, s.end, slice(text, s)));
  return out;
}

py::list flag_names(std::uint32_t flags) {
  py::list out;
  if (flags & pm::flag_unsupported) out.append("unsupported");
  if (flags & pm::flag_unsupported_number) out.append("unsupported_number");
  if (flags & pm::flag_novel_name) out.append("novel_name");
  if (flags & pm::flag_redundant) out.append("redundant");
  if (flags & pm::flag_filler) out.append("filler");
  if (flags & pm::flag_over_repeated) out.append("over_repeated");
  if (flags & pm::flag_fact_mismatch) out.append("fact_mismatch");
  if (flags & pm::flag_negation_mismatch) out.append("negation_mismatch");
  return out;
}

// A matched source sentence under five keys (id, index, begin, end, text); None under each when
// `source` is -1 (no match).
void put_source(py::dict& x, const std::array<const char*, 5>& keys,
                const pm::detail::source_index& index, std::int64_t source, const std::string& id,
                const pm::text_span& span) {
  if (source < 0) {
    for (const char* key : keys) x[key] = py::none();
    return;
  }
  x[keys[0]] = id;
  x[keys[1]] = source;
  x[keys[2]] = span.begin;
  x[keys[3]] = span.end;
  x[keys[4]] = slice(index.source(static_cast<std::size_t>(source)).text(), span);
}

py::list sentences_to_list(const std::vector<pm::sentence_detail>& details,
                           std::string_view summary, const pm::detail::source_index& index) {
  py::list out;
  for (const auto& d : details) {
    py::dict x;
    x["begin"] = d.span.begin;
    x["end"] = d.span.end;
    x["text"] = slice(summary, d.span);
    x["support"] = d.support;
    x["lexical_support"] = d.lexical_support;
    x["salience"] = d.salience;
    put_source(x, {"best_source", "best_source_index", "source_begin", "source_end", "source_text"},
               index, d.best_source, d.best_source_id, d.source_span);
    x["embedding_support"] = d.embedding_support;
    put_source(x,
               {"embedding_source", "embedding_source_index", "embedding_source_begin",
                "embedding_source_end", "embedding_source_text"},
               index, d.embedding_source, d.embedding_source_id, d.embedding_source_span);
    x["redundant_with"] =
        d.redundant_with >= 0 ? py::object(py::int_(d.redundant_with)) : py::none();
    x["novel_bigram_ratio"] = d.novel_bigram_ratio;
    x["precision"] = d.precision;
    x["over_repeated"] = spans(summary, d.over_repeated);
    x["unsupported_numbers"] = spans(summary, d.unsupported_numbers);
    x["novel_names"] = spans(summary, d.novel_names);
    x["fillers"] = spans(summary, d.fillers);
    x["mismatched_facts"] = spans(summary, d.mismatched_facts);
    x["flags"] = flag_names(d.flags);
    out.append(x);
  }
  return out;
}

py::dict to_dict(const pm::relevance_result& r, std::string_view summary,
                 const pm::detail::source_index& index) {
  py::dict d;
  d["score"] = r.score;
  d["alignment"] = r.alignment;
  d["coverage"] = r.coverage;
  d["query_coverage"] = r.query_coverage;
  d["redundancy"] = r.redundancy;
  d["diversity"] = r.diversity;
  d["grounding"] = r.grounding;
  d["recall"] = r.recall;
  d["sentences"] = sentences_to_list(r.sentences, summary, index);
  return d;
}

py::dict to_dict(const pm::faithfulness_result& r, std::string_view summary,
                 const pm::detail::source_index& index) {
  py::dict d;
  d["score"] = r.score;
  d["support_mean"] = r.support_mean;
  d["support_min"] = r.support_min;
  d["unigram_precision"] = r.unigram_precision;
  d["clipped_precision"] = r.clipped_precision;
  d["novel_ngram_ratio"] = py::make_tuple(r.novel_ngram_ratio[0], r.novel_ngram_ratio[1],
                                          r.novel_ngram_ratio[2], r.novel_ngram_ratio[3]);
  d["coverage"] = r.coverage;
  d["density"] = r.density;
  d["compression"] = r.compression;
  d["unsupported_numbers"] = r.unsupported_numbers;
  d["novel_names"] = r.novel_names;
  d["over_repeated"] = r.over_repeated;
  py::list fragments;
  for (const auto& f : r.fragments) {
    py::dict x;
    x["first_token"] = f.first_token;
    x["end_token"] = f.end_token;
    x["begin"] = f.span.begin;
    x["end"] = f.span.end;
    x["text"] = slice(summary, f.span);
    fragments.append(x);
  }
  d["fragments"] = fragments;
  d["sentences"] = sentences_to_list(r.sentences, summary, index);
  return d;
}

py::dict to_dict(const pm::conciseness_result& r, std::string_view summary,
                 const pm::detail::source_index& index) {
  py::dict d;
  d["score"] = r.score;
  d["compression_ratio"] = r.compression_ratio;
  d["redundancy"] = r.redundancy;
  d["repeated_ngram_ratio"] = r.repeated_ngram_ratio;
  d["redundant_sentences"] = r.redundant_sentences;
  d["filler_ratio"] = r.filler_ratio;
  d["filler_phrases"] = r.filler_phrases;
  d["information_density"] = r.information_density;
  d["length"] = r.length;
  d["length_penalty"] = r.length_penalty;
  d["sentences"] = sentences_to_list(r.sentences, summary, index);
  return d;
}

py::dict score_one(const pm::grounded_scorer& scorer, const py::handle& summary,
                   const std::string& which) {
  const std::string text = utf8_of(summary, "summary");
  pm::grounded_result r;
  {
    py::gil_scoped_release release;
    r = scorer.score(text);
  }
  const auto& index = scorer.index();
  if (which == "relevance") return to_dict(r.relevance, text, index);
  if (which == "faithfulness") return to_dict(r.faithfulness, text, index);
  if (which == "conciseness") return to_dict(r.conciseness, text, index);
  py::dict d;
  d["relevance"] = to_dict(r.relevance, text, index);
  d["faithfulness"] = to_dict(r.faithfulness, text, index);
  d["conciseness"] = to_dict(r.conciseness, text, index);
  return d;
}

std::vector<precis::record> records_of(const py::sequence& summaries, const py::sequence& sources,
                                       const std::optional<py::sequence>& queries,
                                       const std::optional<std::vector<std::string>>& ids);

// Batch: one record per summary, with its own sources and query; scorers are shared between
// records with the same sources (see score_records). Returns (ids, columns, values, errors).
py::tuple grounded_batch(const py::sequence& summaries, const py::sequence& sources,
                         const std::optional<py::sequence>& queries,
                         const std::optional<std::vector<std::string>>& ids,
                         const std::vector<std::string>& metrics, const pm::grounded_options& o,
                         unsigned threads) {
  const auto records = records_of(summaries, sources, queries, ids);
  precis::score_options options;
  options.metrics = metrics;
  options.grounded = o;
  precis::score_table table;
  {
    py::gil_scoped_release release;
    table = precis::score_records(records, options, threads);
  }
  const std::size_t width = table.columns.size();
  py::array_t<double> values({table.rows(), width});
  std::copy(table.values.begin(), table.values.end(), values.mutable_data());
  py::list errors;
  for (const auto& e : table.errors) errors.append(e.empty() ? py::object(py::none()) : py::str(e));
  return py::make_tuple(table.ids, table.columns, values, errors);
}

// Records from Python columns; a value of the wrong type raises, naming the record.
std::vector<precis::record> records_of(const py::sequence& summaries, const py::sequence& sources,
                                       const std::optional<py::sequence>& queries,
                                       const std::optional<std::vector<std::string>>& ids) {
  const std::size_t n = summaries.size();
  if (sources.size() != n) {
    precis::raise("invalid_argument", "got " + std::to_string(n) + " summaries but " +
                                          std::to_string(sources.size()) + " sources");
  }
  if (queries && queries->size() != n) {
    precis::raise("invalid_argument", "got " + std::to_string(n) + " summaries but " +
                                          std::to_string(queries->size()) + " queries");
  }
  if (ids && ids->size() != n) {
    precis::raise("invalid_argument", "got " + std::to_string(n) + " summaries but " +
                                          std::to_string(ids->size()) + " ids");
  }
  std::vector<precis::record> records(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& r = records[i];
    r.id = ids ? (*ids)[i] : std::to_string(i);
    const std::string context = "record " + std::to_string(i) + " (id '" + r.id + "')";
    try {
      r.summary = utf8_of(summaries[i], "summary");
      r.sources = sources_of(sources[i], "sources");
      if (queries && !(*queries)[i].is_none()) r.query = utf8_of((*queries)[i], "query");
    } catch (const precis::error& e) {
      precis::raise_with_context(e, context);
    }
  }
  return records;
}

// Per-sentence details of many records as columns (one row per summary sentence). Records with
// the same sources and query share one scorer; a record that fails has one row with its error.
py::dict grounded_sentences(const py::sequence& summaries, const py::sequence& sources,
                            const std::optional<py::sequence>& queries,
                            const std::optional<std::vector<std::string>>& ids,
                            const pm::grounded_options& o, unsigned threads) {
  const auto records = records_of(summaries, sources, queries, ids);
  struct outcome {
    std::vector<pm::sentence_detail> sentences;
    std::string error;
  };
  std::vector<outcome> out(records.size());
  std::vector<std::size_t> group_of(records.size());
  std::vector<std::size_t> first;
  {
    std::unordered_map<std::string, std::size_t> groups;
    for (std::size_t i = 0; i < records.size(); ++i) {
      std::string key = records[i].query;
      for (const auto& src : records[i].sources) {
        key += '\0';
        key += src.id;
        key += '\0';
        key += src.text;
      }
      const auto [it, added] = groups.emplace(std::move(key), first.size());
      if (added) first.push_back(i);
      group_of[i] = it->second;
    }
  }
  std::vector<std::unique_ptr<const pm::grounded_scorer>> scorers(first.size());
  std::vector<std::string> group_error(first.size());
  {
    py::gil_scoped_release release;
    precis::detail::parallel_for(
        first.size(), threads,
        [&](std::size_t g) {
          const auto& r = records[first[g]];
          try {
            scorers[g] = std::make_unique<const pm::grounded_scorer>(r.sources, r.query, o);
          } catch (const precis::error& e) {
            group_error[g] = "[precis." + e.code() + "] {}, " + std::string(e.message());
          }
        },
        1);
    precis::detail::parallel_for(records.size(), threads, [&](std::size_t i) {
      const auto& r = records[i];
      const std::string context = "record " + std::to_string(i) + " (id '" + r.id + "')";
      const auto& ge = group_error[group_of[i]];
      if (!ge.empty()) {
        out[i].error = ge.substr(0, ge.find("{}")) + context + ge.substr(ge.find("{}") + 2);
        return;
      }
      try {
        out[i].sentences = scorers[group_of[i]]->score(r.summary).faithfulness.sentences;
      } catch (const precis::error& e) {
        out[i].error = "[precis." + e.code() + "] " + context + ", " + std::string(e.message());
      }
    });
  }
  py::list record, id, sentence, begin, end, text, support, lexical_support, embedding_support,
      embedding_source, salience, best_source, source_begin, source_end, redundant_with,
      novel_bigram_ratio, precision, over_repeated, numbers, names, fillers, flags, error;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string_view summary = records[i].summary;
    if (!out[i].error.empty() || out[i].sentences.empty()) {
      record.append(i);
      id.append(records[i].id);
      sentence.append(py::none());
      for (auto* col :
           {&begin, &end, &text, &best_source, &source_begin, &source_end, &redundant_with,
            &over_repeated, &numbers, &names, &fillers, &flags, &embedding_source}) {
        col->append(py::none());
      }
      for (auto* col : {&support, &lexical_support, &embedding_support, &salience,
                        &novel_bigram_ratio, &precision}) {
        col->append(std::numeric_limits<double>::quiet_NaN());
      }
      error.append(out[i].error.empty() ? py::object(py::none()) : py::str(out[i].error));
      continue;
    }
    for (std::size_t k = 0; k < out[i].sentences.size(); ++k) {
      const auto& d = out[i].sentences[k];
      record.append(i);
      id.append(records[i].id);
      sentence.append(k);
      begin.append(d.span.begin);
      end.append(d.span.end);
      text.append(slice(summary, d.span));
      support.append(d.support);
      lexical_support.append(d.lexical_support);
      embedding_support.append(d.embedding_support);
      embedding_source.append(d.embedding_source >= 0 ? py::object(py::str(d.embedding_source_id))
                                                      : py::none());
      salience.append(d.salience);
      if (d.best_source >= 0) {
        best_source.append(d.best_source_id);
        source_begin.append(d.source_span.begin);
        source_end.append(d.source_span.end);
      } else {
        best_source.append(py::none());
        source_begin.append(py::none());
        source_end.append(py::none());
      }
      redundant_with.append(d.redundant_with >= 0 ? py::object(py::int_(d.redundant_with))
                                                  : py::none());
      novel_bigram_ratio.append(d.novel_bigram_ratio);
      precision.append(d.precision);
      over_repeated.append(spans(summary, d.over_repeated));
      numbers.append(spans(summary, d.unsupported_numbers));
      names.append(spans(summary, d.novel_names));
      fillers.append(spans(summary, d.fillers));
      flags.append(py::str(",").attr("join")(flag_names(d.flags)));
      error.append(py::none());
    }
  }
  py::dict table;
  table["record"] = record;
  table["id"] = id;
  table["sentence"] = sentence;
  table["begin"] = begin;
  table["end"] = end;
  table["text"] = text;
  table["support"] = support;
  table["lexical_support"] = lexical_support;
  table["embedding_support"] = embedding_support;
  table["embedding_source"] = embedding_source;
  table["salience"] = salience;
  table["best_source"] = best_source;
  table["source_begin"] = source_begin;
  table["source_end"] = source_end;
  table["redundant_with"] = redundant_with;
  table["novel_bigram_ratio"] = novel_bigram_ratio;
  table["precision"] = precision;
  table["over_repeated"] = over_repeated;
  table["unsupported_numbers"] = numbers;
  table["novel_names"] = names;
  table["fillers"] = fillers;
  table["flags"] = flags;
  table["error"] = error;
  return table;
}

}  // namespace

namespace precis_python {

void bind_grounded(py::module_& m) {
  py::class_<pm::grounded_options>(m, "GroundedOptions");
  m.def("grounded_options", &make_options, py::arg("stemmer"), py::arg("stem_language"),
        py::arg("filler_language"), py::arg("extra_fillers"), py::arg("budget"),
        py::arg("budget_unit"), py::arg("support_threshold"), py::arg("redundancy_threshold"),
        py::arg("position_prior"), py::arg("ignore_citations"), py::arg("encoder"), py::arg("combine"),
        py::arg("embedding_weight"), py::arg("subject"), py::arg("check_facts"),
        py::arg("fact_cap"), py::arg("fact_context"), py::arg("grounding_threshold"),
        py::arg("recall_sentences"), py::arg("recall_weight"), py::arg("coverage_sentences"));
  py::class_<pm::grounded_scorer>(m, "GroundedScorer")
      .def(py::init([](const py::object& sources, const py::object& query,
                       const pm::grounded_options& o) {
             const auto docs = sources_of(sources, "sources");
             const std::string q = query.is_none() ? std::string() : utf8_of(query, "query");
             py::gil_scoped_release release;
             return pm::grounded_scorer(docs, q, o);
           }),
           py::arg("sources"), py::arg("query"), py::arg("options"))
      .def("score", &score_one, py::arg("summary"), py::arg("which") = "all")
      .def(
          "score_batch",
          [](const pm::grounded_scorer& s, const std::vector<precis_python::utf8_str>& summaries,
             unsigned threads) {
            std::vector<pm::grounded_scorer::batch_item> items;
            {
              py::gil_scoped_release release;
              items = s.score_batch(precis_python::plain(summaries), threads);
            }
            const auto columns = pm::grounded_columns(true, true, true);
            py::array_t<double> values({items.size(), columns.size()});
            double* out = values.mutable_data();
            py::list errors;
            for (const auto& item : items) {
              if (item.error.empty()) {
                pm::grounded_values(item.result, true, true, true, out);
                errors.append(py::none());
              } else {
                std::fill(out, out + columns.size(), std::numeric_limits<double>::quiet_NaN());
                errors.append(item.error);
              }
              out += columns.size();
            }
            return py::make_tuple(columns, values, errors);
          },
          py::arg("summaries"), py::arg("threads"));
  m.def("grounded_batch", &grounded_batch, py::arg("summaries"), py::arg("sources"),
        py::arg("queries"), py::arg("ids"), py::arg("metrics"), py::arg("options"),
        py::arg("threads"));
  m.def("grounded_sentences", &grounded_sentences, py::arg("summaries"), py::arg("sources"),
        py::arg("queries"), py::arg("ids"), py::arg("options"), py::arg("threads"));
  m.def("filler_phrases", &pm::filler_phrases, py::arg("language"));
}

}  // namespace precis_python
