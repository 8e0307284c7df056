#include "precis/score.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/structured/json_compare.hpp"
#include "precis/structured/structured_citations.hpp"
#include "precis/text/utf8.hpp"

namespace precis {
namespace {

// The columns of "embedding", as Python's `embedding_score` names them.
constexpr const char* embedding_columns[] = {
    "embedding_cosine", "alignment_support",   "alignment_coverage", "alignment_min_support",
    "bertscore_f1",     "bertscore_precision", "bertscore_recall"};

// The metrics of a batch, resolved once from the names.
struct plan {
  std::vector<metrics::rouge_type> rouge;  // in the order asked
  bool bleu = false;
  bool chrf = false;
  bool chrfpp = false;
  bool relevance = false;
  bool faithfulness = false;
  bool conciseness = false;
  bool citations = false;
  bool embedding = false;
  bool schema = false;
  bool json_match = false;
  [[nodiscard]] bool needs_references() const noexcept {
    return !rouge.empty() || bleu || chrf || chrfpp;
  }
  [[nodiscard]] bool grounded() const noexcept { return relevance || faithfulness || conciseness; }
  [[nodiscard]] bool uses_sources() const noexcept { return grounded() || citations || embedding; }
  metrics::rouge_options rouge_options;
  metrics::chrf_options chrfpp_options;
};

plan make_plan(const score_options& options) {
  if (options.metrics.empty()) raise("invalid_argument", "no metric asked for");
  plan p;
  for (const auto& name : options.metrics) {
    if (name == "bleu") {
      p.bleu = true;
    } else if (name == "chrf") {
      p.chrf = true;
    } else if (name == "chrfpp" || name == "chrf++") {
      p.chrfpp = true;
    } else if (name == "relevance") {
      p.relevance = true;
    } else if (name == "faithfulness") {
      p.faithfulness = true;
    } else if (name == "conciseness") {
      p.conciseness = true;
    } else if (name == "citations") {
      p.citations = true;
    } else if (name == "embedding") {
      p.embedding = true;
    } else if (name == "schema") {
      if (!options.schema) {
        raise("invalid_argument", "metric 'schema' needs a JSON Schema (score_options::schema)");
      }
      p.schema = true;
    } else if (name == "json_match") {
      p.json_match = true;
    } else if (name.rfind("rouge", 0) == 0) {
      const auto type = metrics::parse_rouge_type(name);
      if (std::find(p.rouge.begin(), p.rouge.end(), type) == p.rouge.end()) p.rouge.push_back(type);
    } else {
      raise("invalid_argument", "unknown metric '" + name +
                                    "' (expected rouge1 .. rouge9, rougeL, rougeLsum, bleu, chrf, "
                                    "chrfpp, relevance, faithfulness, conciseness, citations, "
                                    "embedding, schema or json_match)");
    }
  }
  p.rouge_options = options.rouge;
  p.rouge_options.types.clear();
  for (const auto type : p.rouge) {
    p.rouge_options.types.emplace_back(metrics::rouge_type_name(type));
  }
  p.chrfpp_options = options.chrf;
  p.chrfpp_options.word_order = 2;
  return p;
}

std::vector<std::string> columns_of(const plan& p) {
  std::vector<std::string> columns;
  for (const auto type : p.rouge) {
    const std::string name(metrics::rouge_type_name(type));
    columns.push_back(name);
    columns.push_back(name + "_precision");
    columns.push_back(name + "_recall");
  }
  if (p.bleu) columns.emplace_back("bleu");
  if (p.chrf) columns.emplace_back("chrf");
  if (p.chrfpp) columns.emplace_back("chrfpp");
  if (p.grounded()) {
    for (auto& c : metrics::grounded_columns(p.relevance, p.faithfulness, p.conciseness)) {
      columns.push_back(std::move(c));
    }
  }
  if (p.citations) {
    for (auto& c : metrics::citation_columns()) columns.push_back(std::move(c));
  }
  if (p.embedding) {
    for (const char* c : embedding_columns) columns.emplace_back(c);
  }
  if (p.schema) {
    for (const char* c : {"schema_score", "schema_valid", "schema_violations"}) {
      columns.emplace_back(c);
    }
  }
  if (p.json_match) columns.emplace_back("json_match");
  return columns;
}

// Per-record sufficient statistics kept for the corpus-level scores.
struct record_stats {
  metrics::bleu_statistics bleu;
  metrics::chrf_statistics chrf;
  metrics::chrf_statistics chrfpp;
};

// An error of a metric names the field it came from: messages of the field checks start with
// "field '...'" already; the rest gets the field whose text the metric was reading.
error in_field(const error& e, std::string_view field) {
  // "source 'id': ..." names the source already.
  if (e.message().rfind("field '", 0) == 0 || e.message().rfind("source '", 0) == 0) return e;
  return error(e.code(), "field '" + std::string(field) + "': " + std::string(e.message()));
}

std::string record_context(const score_options& options, std::size_t index, const record& r) {
  const std::size_t number =
      index < options.record_numbers.size() ? options.record_numbers[index] : index;
  return options.record_label + " " + std::to_string(number) + " (id '" + r.id + "')";
}

}  // namespace

const std::vector<metric_info>& metric_names() {
  static const std::vector<metric_info> names = {
      {"rouge1 .. rouge9", "ROUGE-N F1 (+ _precision, _recall) against the references"},
      {"rougeL", "ROUGE-L F1 (+ _precision, _recall): longest common subsequence"},
      {"rougeLsum", "ROUGE-Lsum F1 (+ _precision, _recall): summary-level LCS over lines"},
      {"bleu", "sentence BLEU against the references (sacrebleu; 0..1)"},
      {"chrf", "chrF against the references (sacrebleu; 0..1)"},
      {"chrfpp", "chrF++ (chrF with word bigrams) against the references"},
      {"relevance", "how much of the sources' salient content the summary covers"},
      {"faithfulness", "share of summary content supported by the sources"},
      {"conciseness", "content per word: penalizes padding and repetition"},
      {"citations", "citation markers checked against the cited sources (citation_*)"},
      {"embedding", "embedding similarity to the sources: cosine, alignment_*, bertscore_*"},
      {"schema", "JSON Schema validation of the summary (schema_score, _valid, _violations)"},
      {"json_match", "field-by-field agreement of the summary's JSON with the record's gold"},
  };
  return names;
}

std::size_t score_table::failed() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(errors.begin(), errors.end(), [](const auto& e) { return !e.empty(); }));
}

corpus_totals& corpus_totals::operator+=(const corpus_totals& other) {
  if (column_sums.empty()) column_sums.assign(other.column_sums.size(), 0.0);
  if (other.column_sums.size() != column_sums.size()) {
    raise("invalid_argument", "corpus totals of tables with different columns");
  }
  scored += other.scored;
  bleu += other.bleu;
  chrf += other.chrf;
  chrfpp += other.chrfpp;
  for (std::size_t c = 0; c < column_sums.size(); ++c) column_sums[c] += other.column_sums[c];
  return *this;
}

std::vector<std::string> score_columns(const score_options& options) {
  return columns_of(make_plan(options));
}

std::vector<std::pair<std::string, double>> corpus_scores(const corpus_totals& totals,
                                                          std::span<const std::string> columns,
                                                          const score_options& options) {
  const plan p = make_plan(options);
  std::vector<std::pair<std::string, double>> corpus;
  if (totals.scored == 0) return corpus;
  const auto scored = static_cast<double>(totals.scored);
  auto macro = [&](const std::string& name) {
    const auto at = std::find(columns.begin(), columns.end(), name);
    if (at == columns.end()) return;
    const auto column = static_cast<std::size_t>(at - columns.begin());
    if (column < totals.column_sums.size()) {
      corpus.emplace_back(name, totals.column_sums[column] / scored);
    }
  };
  // ROUGE and the source-grounded metrics: macro mean of each headline score; BLEU and chrF from
  // summed statistics, as sacrebleu's corpus_score.
  for (const auto type : p.rouge) macro(std::string(metrics::rouge_type_name(type)));
  if (p.bleu) {
    corpus.emplace_back("bleu",
                        metrics::bleu_from_statistics(totals.bleu, options.bleu,
                                                      options.bleu.effective_order.value_or(false))
                            .score);
  }
  if (p.chrf) {
    corpus.emplace_back("chrf", metrics::chrf_from_statistics(totals.chrf, options.chrf).score);
  }
  if (p.chrfpp) {
    corpus.emplace_back("chrfpp",
                        metrics::chrf_from_statistics(totals.chrfpp, p.chrfpp_options).score);
  }
  for (const char* name : {"relevance", "faithfulness", "conciseness", "citation_score",
                           "embedding_cosine", "schema_score", "json_match"}) {
    macro(name);
  }
  return corpus;
}

score_table score_records(std::span<const record> records, const score_options& options,
                          unsigned threads) {
  const plan p = make_plan(options);
  score_table table;
  table.columns = columns_of(p);
  const std::size_t width = table.columns.size();
  table.ids.reserve(records.size());
  for (const auto& r : records) table.ids.push_back(r.id);
  table.values.assign(records.size() * width, std::numeric_limits<double>::quiet_NaN());
  table.errors.assign(records.size(), {});
  std::vector<std::optional<record_stats>> stats(records.size());
  std::shared_ptr<const embed::encoder> encoder = options.encoder;
  if (p.embedding && !encoder) encoder = std::make_shared<const embed::hashed_encoder>();

  // Source-grounded metrics: one scorer per distinct (sources, query), built once and shared by
  // every record that has them (e.g. the 16 system summaries of one article).
  std::vector<std::size_t> group_of(records.size(), 0);
  std::vector<std::unique_ptr<const metrics::grounded_scorer>> scorers;
  std::vector<std::unique_ptr<const metrics::citation_scorer>> citation_scorers;
  std::vector<std::unique_ptr<const metrics::embedding_scorer>> embedding_scorers;
  std::vector<std::optional<error>> group_errors;
  if (p.uses_sources()) {
    std::unordered_map<std::string, std::size_t> groups;
    std::vector<std::size_t> first_record;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (records[i].sources.empty()) continue;  // the record's own error, below
      std::string key = records[i].query;
      for (const auto& name : records[i].subject) {
        key += '\1';
        key += name;
      }
      for (const auto& s : records[i].sources) {
        key += '\0';
        key += s.id;
        key += '\0';
        key += s.text;
      }
      const auto [it, added] = groups.emplace(std::move(key), first_record.size());
      if (added) first_record.push_back(i);
      group_of[i] = it->second;
    }
    scorers.resize(first_record.size());
    citation_scorers.resize(first_record.size());
    embedding_scorers.resize(first_record.size());
    group_errors.resize(first_record.size());
    detail::parallel_for(first_record.size(), threads, [&](std::size_t g) {
      const record& r = records[first_record[g]];
      try {
        // Checked here so that the message names the field as the record spells it.
        for (std::size_t k = 0; k < r.sources.size(); ++k) {
          text::validate_utf8(r.sources[k].id, "field 'sources[" + std::to_string(k) + "].id'");
          text::validate_utf8(r.sources[k].text, "source '" + r.sources[k].id + "'");
        }
        text::validate_utf8(r.query, "field 'query'");
        for (const auto& name : r.subject) text::validate_utf8(name, "field 'subject'");
        if (p.grounded()) {
          auto o = options.grounded;
          if (!r.subject.empty()) o.subject = r.subject;
          scorers[g] = std::make_unique<const metrics::grounded_scorer>(
              std::span<const source_doc>(r.sources), r.query, o);
        }
        if (p.citations) {
          auto o = options.citations;
          if (!r.subject.empty()) o.subject = r.subject;
          citation_scorers[g] = std::make_unique<const metrics::citation_scorer>(
              std::span<const source_doc>(r.sources), o);
        }
        if (p.embedding) {
          std::vector<std::string> texts;
          texts.reserve(r.sources.size());
          for (const auto& s : r.sources) texts.push_back(s.text);
          embedding_scorers[g] =
              std::make_unique<const metrics::embedding_scorer>(encoder, texts, options.embedding);
        }
      } catch (const error& e) {
        group_errors[g] = in_field(e, "sources");
      } catch (const std::exception& e) {  // e.g. a user's encoder that threw something else
        group_errors[g] = error("internal", "field 'sources': " + std::string(e.what()));
      }
    }, 1);
  }

  const std::size_t grounded_width =
      p.grounded() ? metrics::grounded_columns(p.relevance, p.faithfulness, p.conciseness).size()
                   : 0;
  const std::size_t citation_width = p.citations ? metrics::citation_columns().size() : 0;
  detail::parallel_for(records.size(), threads, [&](std::size_t i) {
    const record& r = records[i];
    double* row = table.values.data() + i * width;
    try {
      // Checked here so that the message names the field as the record spells it.
      text::validate_utf8(r.summary, "field 'summary'");
      for (std::size_t k = 0; k < r.references.size(); ++k) {
        text::validate_utf8(r.references[k], "field 'references[" + std::to_string(k) + "]'");
      }
      if (p.grounded() && r.sources.empty()) {
        raise("invalid_argument",
              "field 'sources' is empty: relevance, faithfulness and conciseness need at least "
              "one source");
      }
      if (p.citations && r.sources.empty()) {
        raise("invalid_argument", "field 'sources' is empty: citations need at least one source");
      }
      if (p.embedding && r.sources.empty()) {
        raise("invalid_argument", "field 'sources' is empty: embedding needs at least one source");
      }
      if (p.uses_sources() && group_errors[group_of[i]]) throw *group_errors[group_of[i]];
      if (p.needs_references() && r.references.empty()) {
        raise("invalid_argument",
              "field 'references' is empty: reference-based metrics need at least one");
      }
      std::vector<std::string_view> refs(r.references.begin(), r.references.end());
      std::size_t c = 0;
      if (!p.rouge.empty()) {
        const auto result =
            metrics::rouge(r.summary, std::span<const std::string>(r.references), p.rouge_options);
        for (const auto type : p.rouge) {
          const auto& prf = result[type];
          row[c++] = prf.f1;
          row[c++] = prf.precision;
          row[c++] = prf.recall;
        }
      }
      record_stats s;
      if (p.bleu) {
        const auto result = metrics::bleu(r.summary, refs, options.bleu);
        row[c++] = result.score;
        s.bleu = result.statistics;
      }
      if (p.chrf) {
        const auto result = metrics::chrf(r.summary, refs, options.chrf);
        row[c++] = result.score;
        s.chrf = result.statistics;
      }
      if (p.chrfpp) {
        const auto result = metrics::chrf(r.summary, refs, p.chrfpp_options);
        row[c++] = result.score;
        s.chrfpp = result.statistics;
      }
      bool nothing_to_judge = false;  // no words: the source-grounded scores are NaN
      if (p.grounded()) {
        const auto result = scorers[group_of[i]]->score(r.summary);
        nothing_to_judge = std::isnan(result.faithfulness.score);
        metrics::grounded_values(result, p.relevance, p.faithfulness, p.conciseness, row + c);
        c += grounded_width;
      }
      if (p.citations) {
        const auto& scorer = *citation_scorers[group_of[i]];
        const auto result = r.structured || looks_structured(r.summary)
                                ? structured::score_structured(scorer, r.summary)
                                : scorer.score(r.summary);
        nothing_to_judge = nothing_to_judge || result.claims == 0;
        metrics::citation_values(result, row + c);
        c += citation_width;
      }
      if (p.embedding) {
        const auto result = embedding_scorers[group_of[i]]->score(r.summary);
        row[c++] = result.document.score;
        row[c++] = result.alignment.score;
        row[c++] = result.alignment.coverage;
        row[c++] = result.alignment.min_support;
        row[c++] = result.bertscore.f1;
        row[c++] = result.bertscore.precision;
        row[c++] = result.bertscore.recall;
      }
      if (p.schema) {
        const auto result = options.schema->validate_output(r.summary);
        row[c++] = result.score;
        row[c++] = result.valid ? 1.0 : 0.0;
        row[c++] = static_cast<double>(result.violations.size());
      }
      if (p.json_match) {
        if (r.gold.empty()) {
          raise("invalid_argument", "field 'gold' is missing: json_match needs the expected JSON");
        }
        text::validate_utf8(r.gold, "field 'gold'");
        try {
          row[c++] = structured::compare_json(r.summary, r.gold, options.json_compare).score;
        } catch (const error& e) {  // the gold is not JSON; a summary that is not scores 0
          raise(e.code(), "field 'gold': " + std::string(e.message()));
        }
      }
      stats[i] = s;
      // Nothing to judge: the source-grounded scores are NaN; say so, naming the record.
      if (nothing_to_judge) {
        table.errors[i] = "[precis.empty_summary] " + record_context(options, i, r) +
                          ", field 'summary': no words to judge (its source-grounded and "
                          "citation scores are NaN)";
      }
    } catch (const error& e) {
      std::fill(row, row + width, std::numeric_limits<double>::quiet_NaN());
      table.errors[i] = "[precis." + e.code() + "] " + record_context(options, i, r) + ", " +
                        std::string(in_field(e, "summary").message());
    } catch (const std::exception& e) {
      std::fill(row, row + width, std::numeric_limits<double>::quiet_NaN());
      table.errors[i] =
          "[precis.internal] " + record_context(options, i, r) + ", field 'summary': " + e.what();
    }
    if (options.progress != nullptr) options.progress->fetch_add(1, std::memory_order_relaxed);
  });

  // Corpus level, from the statistics of the records that scored, summed in input order.
  corpus_totals& total = table.totals;
  total.column_sums.assign(width, 0.0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!stats[i]) continue;
    ++total.scored;
    total.bleu += stats[i]->bleu;
    total.chrf += stats[i]->chrf;
    total.chrfpp += stats[i]->chrfpp;
    for (std::size_t c = 0; c < width; ++c) {
      const double v = table.at(i, c);
      if (!std::isnan(v)) total.column_sums[c] += v;
    }
  }
  table.corpus = corpus_scores(total, table.columns, options);
  return table;
}

}  // namespace precis
