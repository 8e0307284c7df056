#include "precis/score.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/structured/structured_citations.hpp"
#include "precis/text/utf8.hpp"

namespace precis {
namespace {

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
  [[nodiscard]] bool needs_references() const noexcept {
    return !rouge.empty() || bleu || chrf || chrfpp;
  }
  [[nodiscard]] bool grounded() const noexcept { return relevance || faithfulness || conciseness; }
  [[nodiscard]] bool uses_sources() const noexcept { return grounded() || citations; }
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
    } else if (name.rfind("rouge", 0) == 0) {
      const auto type = metrics::parse_rouge_type(name);
      if (std::find(p.rouge.begin(), p.rouge.end(), type) == p.rouge.end()) p.rouge.push_back(type);
    } else {
      raise("invalid_argument", "unknown metric '" + name +
                                    "' (expected rouge1 .. rouge9, rougeL, rougeLsum, bleu, chrf, "
                                    "chrfpp, relevance, faithfulness, conciseness or citations)");
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
  return columns;
}

// Per-record sufficient statistics kept for the corpus-level scores.
struct record_stats {
  metrics::bleu_statistics bleu;
  metrics::chrf_statistics chrf;
  metrics::chrf_statistics chrfpp;
};

std::string record_context(const score_options& options, std::size_t index, const record& r) {
  const std::size_t number =
      index < options.record_numbers.size() ? options.record_numbers[index] : index;
  return options.record_label + " " + std::to_string(number) + " (id '" + r.id + "')";
}

}  // namespace

std::size_t score_table::failed() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(errors.begin(), errors.end(), [](const auto& e) { return !e.empty(); }));
}

std::vector<std::string> score_columns(const score_options& options) {
  return columns_of(make_plan(options));
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

  // Source-grounded metrics: one scorer per distinct (sources, query), built once and shared by
  // every record that has them (e.g. the 16 system summaries of one article).
  std::vector<std::size_t> group_of(records.size(), 0);
  std::vector<std::unique_ptr<const metrics::grounded_scorer>> scorers;
  std::vector<std::unique_ptr<const metrics::citation_scorer>> citation_scorers;
  std::vector<std::optional<error>> group_errors;
  if (p.uses_sources()) {
    std::unordered_map<std::string, std::size_t> groups;
    std::vector<std::size_t> first_record;
    for (std::size_t i = 0; i < records.size(); ++i) {
      std::string key = records[i].query;
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
    group_errors.resize(first_record.size());
    detail::parallel_for(first_record.size(), threads, [&](std::size_t g) {
      const record& r = records[first_record[g]];
      try {
        if (p.grounded()) {
          scorers[g] = std::make_unique<const metrics::grounded_scorer>(
              std::span<const source_doc>(r.sources), r.query, options.grounded);
        }
        if (p.citations) {
          citation_scorers[g] = std::make_unique<const metrics::citation_scorer>(
              std::span<const source_doc>(r.sources), options.citations);
        }
      } catch (const error& e) {
        group_errors[g] = e;
      }
    }, 1);
  }

  const std::size_t grounded_width =
      p.grounded() ? metrics::grounded_columns(p.relevance, p.faithfulness, p.conciseness).size()
                   : 0;
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
              "no sources: relevance, faithfulness and conciseness need at least one");
      }
      if (p.citations && r.sources.empty()) {
        raise("invalid_argument", "no sources: citations need at least one");
      }
      if (p.uses_sources() && group_errors[group_of[i]]) throw *group_errors[group_of[i]];
      if (p.needs_references() && r.references.empty()) {
        raise("invalid_argument",
              "field 'references' is empty: reference-based metrics need at least one");
      }
      std::vector<std::string_view> refs(r.references.begin(), r.references.end());
      std::size_t c = 0;
      if (!p.rouge.empty()) {
        const auto result = metrics::rouge(r.summary, std::span<const std::string>(r.references),
                                           p.rouge_options);
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
      if (p.grounded()) {
        const auto result = scorers[group_of[i]]->score(r.summary);
        metrics::grounded_values(result, p.relevance, p.faithfulness, p.conciseness, row + c);
        c += grounded_width;
      }
      if (p.citations) {
        const auto& scorer = *citation_scorers[group_of[i]];
        metrics::citation_values(r.structured || looks_structured(r.summary)
                                     ? structured::score_structured(scorer, r.summary)
                                     : scorer.score(r.summary),
                                 row + c);
      }
      stats[i] = s;
    } catch (const error& e) {
      std::fill(row, row + width, std::numeric_limits<double>::quiet_NaN());
      table.errors[i] = "[precis." + e.code() + "] " + record_context(options, i, r) + ", " +
                        std::string(e.message());
    } catch (const std::exception& e) {
      std::fill(row, row + width, std::numeric_limits<double>::quiet_NaN());
      table.errors[i] = "[precis.internal] " + record_context(options, i, r) + ": " + e.what();
    }
  });

  // Corpus level: macro mean of each ROUGE F1 (and grounded score); BLEU and chrF from summed statistics, as sacrebleu.
  record_stats total;
  std::size_t scored = 0;
  std::vector<double> rouge_sum(p.rouge.size(), 0.0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!stats[i]) continue;
    ++scored;
    total.bleu += stats[i]->bleu;
    total.chrf += stats[i]->chrf;
    total.chrfpp += stats[i]->chrfpp;
    for (std::size_t k = 0; k < p.rouge.size(); ++k) rouge_sum[k] += table.at(i, 3 * k);
  }
  if (scored > 0) {
    for (std::size_t k = 0; k < p.rouge.size(); ++k) {
      table.corpus.emplace_back(std::string(metrics::rouge_type_name(p.rouge[k])),
                                rouge_sum[k] / static_cast<double>(scored));
    }
    if (p.bleu) {
      table.corpus.emplace_back(
          "bleu", metrics::bleu_from_statistics(total.bleu, options.bleu,
                                                options.bleu.effective_order.value_or(false))
                      .score);
    }
    if (p.chrf) table.corpus.emplace_back("chrf", metrics::chrf_from_statistics(total.chrf, options.chrf).score);
    if (p.chrfpp) {
      table.corpus.emplace_back("chrfpp",
                                metrics::chrf_from_statistics(total.chrfpp, p.chrfpp_options).score);
    }
    // Source-grounded metrics: macro mean of each headline score, as for ROUGE.
    for (const char* name : {"relevance", "faithfulness", "conciseness", "citation_score"}) {
      const auto at = std::find(table.columns.begin(), table.columns.end(), name);
      if (at == table.columns.end()) continue;
      const auto column = static_cast<std::size_t>(at - table.columns.begin());
      double sum = 0.0;
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (stats[i]) sum += table.at(i, column);
      }
      table.corpus.emplace_back(name, sum / static_cast<double>(scored));
    }
  }
  return table;
}

}  // namespace precis
