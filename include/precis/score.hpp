#pragma once
/// @file score.hpp
/// Scoring many records with several metrics at once: the loop behind `precis score`, the Python
/// batch functions and services that score whole files. One table comes back, a row per record in
/// input order and a column per number; a record that cannot be scored keeps its row, with NaN
/// values and an error naming the record and field. See docs/cli.md and docs/python.md.

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/metrics/bleu.hpp"
#include "precis/metrics/chrf.hpp"
#include "precis/structured/json_compare.hpp"
#include "precis/structured/json_schema.hpp"
#include "precis/metrics/citations.hpp"
#include "precis/metrics/embedding.hpp"
#include "precis/metrics/grounded.hpp"
#include "precis/metrics/rouge.hpp"
#include "precis/record.hpp"

namespace precis {

/// What `score_records` computes. Metric names: "rouge1" .. "rouge9", "rougeL", "rougeLsum",
/// "bleu", "chrf", "chrfpp" (chrF++: `chrf` options with word order 2), which need references;
/// "relevance", "faithfulness", "conciseness" (docs/metrics/*.md), which use the record's
/// `sources` (at least one; a record without is an error) and `query` instead of references;
/// "citations" (docs/metrics/citations.md: the `citation_*` columns), which uses `sources`;
/// "embedding" (docs/metrics/embedding.md: `embedding_cosine`, `alignment_*`, `bertscore_*`),
/// which uses `sources` and `encoder`; "schema" (docs/structured/json_schema.md: `schema_score`,
/// `schema_valid`, `schema_violations`), which validates the summary against `schema`;
/// "json_match" (docs/structured/json_compare.md), which compares the summary with the record's `gold`.
/// `metric_names()` lists them with a one-line description.
struct score_options {
  std::vector<std::string> metrics{"rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf"};
  metrics::rouge_options rouge{};  ///< `types` is replaced by the ROUGE names in `metrics`
  metrics::bleu_options bleu{};
  metrics::chrf_options chrf{};
  metrics::grounded_options grounded{};    ///< relevance, faithfulness, conciseness
  metrics::citation_options citations{};   ///< citations
  metrics::embedding_options embedding{};  ///< embedding
  /// The encoder of "embedding"; empty = `embed::hashed_encoder` with its default options (as
  /// Python's `precis.evaluate`).
  std::shared_ptr<const embed::encoder> encoder{};
  /// The JSON Schema of "schema" (required when "schema" is asked for). The summary is read as
  /// LLM output (`json_schema::validate_output`: code fences and prose around the JSON removed);
  /// a summary that is not JSON scores 0 with one "parse" violation.
  std::optional<structured::json_schema> schema{};
  structured::json_compare_options json_compare{};  ///< json_match
  /// When set, incremented once per record finished (scored or failed), from the worker threads:
  /// a progress display reads it from another thread.
  std::atomic<std::size_t>* progress = nullptr;
  /// How errors name a record: "<record_label> <number> (id '<id>')". The number is the record's
  /// index, or `record_numbers[index]` when given (a file's line numbers, a caller's row numbers).
  std::string record_label = "record";
  std::vector<std::size_t> record_numbers{};
};

/// A metric `score_records` knows, and what it measures in one line.
struct metric_info {
  std::string name;
  std::string description;
};

/// Every metric name `score_records` accepts, in the order of the docs, with a one-line
/// description (what `precis score --help` prints).
[[nodiscard]] const std::vector<metric_info>& metric_names();

/// What the corpus-level scores of a batch are computed from: sums over the records that scored.
/// Totals of consecutive batches add up (`+=`) to the totals of their concatenation, so a stream
/// of batches (the `precis` command) gets the same corpus scores as one batch.
struct corpus_totals {
  std::size_t scored = 0;             ///< records that scored
  metrics::bleu_statistics bleu{};    ///< summed BLEU statistics ("bleu")
  metrics::chrf_statistics chrf{};    ///< summed chrF statistics ("chrf")
  metrics::chrf_statistics chrfpp{};  ///< summed chrF++ statistics ("chrfpp")
  /// Per column of the table: the sum of its values over the records that scored (NaN values,
  /// e.g. a ratio with no denominator, are left out).
  std::vector<double> column_sums{};

  /// Adds `other` (of a batch with the same columns).
  corpus_totals& operator+=(const corpus_totals& other);
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
  /// What `corpus` was computed from (`corpus_scores(totals, columns, options)`).
  corpus_totals totals;

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

/// The corpus-level scores of `totals` (see `score_table::corpus`) for a table with `columns`.
/// @throws precis::error `[precis.invalid_argument]` for bad options
[[nodiscard]] std::vector<std::pair<std::string, double>> corpus_scores(
    const corpus_totals& totals, std::span<const std::string> columns,
    const score_options& options);

/// Scores every record on `threads` threads (0 = all cores). Options are checked once and throw;
/// per-record problems (invalid UTF-8, no reference for a reference-based metric) go to
/// `errors[i]`, e.g. "[precis.invalid_utf8] record 4 (id 'a7'), field 'summary': invalid UTF-8
/// at byte 12". No record is dropped.
/// @throws precis::error `[precis.invalid_argument]` for bad options
[[nodiscard]] score_table score_records(std::span<const record> records,
                                        const score_options& options = {}, unsigned threads = 0);

}  // namespace precis
