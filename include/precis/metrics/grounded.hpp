#pragma once
/// @file grounded.hpp
/// The cached scorer of the source-grounded metrics: analyzes and indexes the sources (and
/// query) once, then scores many summaries, `const` and thread-safe. The free functions of
/// relevance.hpp, faithfulness.hpp and conciseness.hpp build one and call it, so both paths share
/// one kernel. See docs/metrics/relevance.md.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/metrics/conciseness.hpp"
#include "precis/metrics/faithfulness.hpp"
#include "precis/metrics/grounded_types.hpp"
#include "precis/metrics/relevance.hpp"
#include "precis/record.hpp"

namespace precis::metrics {

namespace detail {
class source_index;
struct filler_table;
struct sentence_vectors;
class fact_index;
struct subject_words;
}  // namespace detail

/// All three metrics of one summary, from one analysis.
struct grounded_result {
  relevance_result relevance;
  faithfulness_result faithfulness;
  conciseness_result conciseness;
};

/// Sources (and an optional query) analyzed and indexed once; scores many summaries.
/// Immutable after construction; every member is `const` and safe to call from many threads.
class grounded_scorer {
 public:
  /// Analyzes `sources` (any number, each with an id; none is allowed) and `query`; with
  /// `options.encoder` set, also encodes every source sentence once.
  /// @throws precis::error `[precis.invalid_utf8] source 'id': ...` / `query: ...`;
  ///   `[precis.invalid_argument]` for bad options (unknown filler language, budget <= 0,
  ///   embedding_weight outside [0, 1]); an encoder's error.
  grounded_scorer(std::span<const source_doc> sources, std::string_view query = {},
                  const grounded_options& options = {});
  /// One unnamed source (id "1").
  explicit grounded_scorer(std::string_view source, std::string_view query = {},
                           const grounded_options& options = {});
  ~grounded_scorer();
  grounded_scorer(grounded_scorer&&) noexcept;
  grounded_scorer& operator=(grounded_scorer&&) noexcept;

  /// All three metrics. @throws precis::error `[precis.invalid_utf8]` for an invalid summary, or
  ///   an encoder's error. Thread-safe when the encoder is.
  [[nodiscard]] grounded_result score(std::string_view summary) const;
  [[nodiscard]] relevance_result relevance(std::string_view summary) const;
  [[nodiscard]] faithfulness_result faithfulness(std::string_view summary) const;
  [[nodiscard]] conciseness_result conciseness(std::string_view summary) const;

  /// Many summaries on `threads` threads (0 = all cores); a summary that fails keeps its slot
  /// with `error` set.
  struct batch_item {
    grounded_result result;
    std::string error;  ///< empty when scored
  };
  [[nodiscard]] std::vector<batch_item> score_batch(std::span<const std::string> summaries,
                                                    unsigned threads = 0) const;

  [[nodiscard]] const grounded_options& options() const noexcept;
  /// The index (for kernels that reuse it, e.g. citation support).
  [[nodiscard]] const detail::source_index& index() const noexcept { return *index_; }

 private:
  std::unique_ptr<const detail::source_index> index_;
  std::shared_ptr<const detail::filler_table> fillers_;
  std::shared_ptr<const detail::sentence_vectors> source_vectors_;  // with an encoder only
  std::shared_ptr<const detail::fact_index> facts_;        // with check_facts only
  std::shared_ptr<const detail::subject_words> subject_;   // with a subject only
  std::size_t recall_terms_ = 0;
  std::size_t coverage_terms_ = 0;  // distinct stems of the coverage_sentences most salient  // distinct stems of the recall_sentences most salient ones
  grounded_options options_;
};

/// All three metrics of `summary` against `sources` in one call.
[[nodiscard]] grounded_result grounded(std::string_view summary,
                                       std::span<const source_doc> sources,
                                       std::string_view query = {},
                                       const grounded_options& options = {});

/// Flat column names for tables (`precis score`, Python batches) of the chosen metrics:
/// "relevance", "relevance_alignment", "relevance_coverage", "faithfulness", ... (docs pages).
[[nodiscard]] std::vector<std::string> grounded_columns(bool relevance, bool faithfulness,
                                                        bool conciseness);
/// The values of `grounded_columns(...)` for `result`, written to `out` (as many as columns).
void grounded_values(const grounded_result& result, bool relevance, bool faithfulness,
                     bool conciseness, double* out);

}  // namespace precis::metrics
