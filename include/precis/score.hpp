#pragma once
/// @file score.hpp
/// Scoring many records with several metrics at once: the loop behind `precis score`, the Python
/// batch functions and services that score whole files. One table comes back, a row per record in
/// input order and a column per number; a record that cannot be scored keeps its row, with NaN
/// values and an error naming the record and field. See docs/cli.md and docs/python.md.

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "precis/metrics/bleu.hpp"
#include "precis/metrics/chrf.hpp"
#include "precis/metrics/citations.hpp"
#include "precis/metrics/grounded.hpp"
#include "precis/metrics/rouge.hpp"
#include "precis/record.hpp"

namespace precis {

/// What `score_records` computes. Metric names: "rouge1" .. "rouge9", "rougeL", "rougeLsum",
/// "bleu", "chrf", "chrfpp" (chrF++: `chrf` options with word order 2), which need references;
/// "relevance", "faithfulness", "conciseness" (docs/metrics/*.md), which use the record's
/// `sources` (at least one; a record without is an error) and `query` instead of references;
/// "citations" (docs/metrics/citations.md: the `citation_*` columns), which uses `sources`.
struct score_options {
  std::vector<std::string> metrics{"rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf"};
  metrics::rouge_options rouge{};  ///< `types` is replaced by the ROUGE names in `metrics`
  metrics::bleu_options bleu{};
  metrics::chrf_options chrf{};
  metrics::grounded_options grounded{};  ///< relevance, faithfulness, conciseness
  metrics::citation_options citations{};  ///< citations
  /// How errors name a record: "<record_label> <number> (id '<id>')". The number is the record's
  /// index, or `record_numbers[index]` when given (a file's line numbers, a caller's row numbers).
  std::string record_label = "record";
  std::vector<std::size_t> record_numbers{};
};

/// The result of a batch: `rows()` records x `columns.size()` numbers, row-major.
struct score_table {
  std::vector<std::string> ids;      ///< record ids, in input order
  std::vector<std::string> columns;  ///< e.g. "rouge1", "rouge1_precision", "rouge1_recall", "bleu"
  std::vector<double> values;        ///< row-major; NaN in the rows of failed records
  std::vector<std::string> errors;   ///< per record: empty, or why it failed
  /// Corpus-level scores from summed sufficient statistics over the records that scored:
  /// "bleu" (sacrebleu `corpus_score`), "chrf", "chrfpp"; each ROUGE F1 and "relevance",
  /// "faithfulness", "conciseness", "citation_score" are macro averages.
  std::vector<std::pair<std::string, double>> corpus;

  [[nodiscard]] std::size_t rows() const noexcept { return ids.size(); }
  [[nodiscard]] double at(std::size_t row, std::size_t column) const {
    return values[row * columns.size() + column];
  }
  /// Number of records that failed.
  [[nodiscard]] std::size_t failed() const noexcept;
};

/// The column names `score_records` produces for `options` (checks the metric names).
/// @throws precis::error `[precis.invalid_argument]` for an unknown metric name or an empty list
[[nodiscard]] std::vector<std::string> score_columns(const score_options& options);

/// Scores every record on `threads` threads (0 = all cores). Options are checked once and throw;
/// per-record problems (invalid UTF-8, no reference for a reference-based metric) go to
/// `errors[i]`, e.g. "[precis.invalid_utf8] record 4 (id 'a7'), field 'summary': invalid UTF-8
/// at byte 12". No record is dropped.
/// @throws precis::error `[precis.invalid_argument]` for bad options
[[nodiscard]] score_table score_records(std::span<const record> records,
                                        const score_options& options = {}, unsigned threads = 0);

}  // namespace precis
