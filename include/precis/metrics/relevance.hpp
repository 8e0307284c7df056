#pragma once
/// @file relevance.hpp
/// Contextual relevance without references: does the summary carry what matters in its sources
/// (and the query)? Alignment of each summary sentence to salient source sentences, and coverage
/// of the sources' salient terms. See docs/metrics/relevance.md.

#include <span>
#include <string_view>
#include <vector>

#include "precis/metrics/grounded_types.hpp"
#include "precis/record.hpp"

namespace precis::metrics {

/// Contextual relevance of a summary. All values in [0, 1].
struct relevance_result {
  /// coverage * grounding * (1 - redundancy) * diversity (docs/metrics/relevance.md); NaN for
  /// a summary without words
  double score = 0.0;
  double alignment = 0.0;   ///< mean over summary sentences of support * salience of best sentence
  double coverage = 0.0;  ///< mass of its source terms / best mass with as many source terms
  /// mass of its source terms / mass of the budget (the distinct stems of the
  /// `grounded_options::recall_sentences` most salient source sentences), at most 1
  double recall = 0.0;
  /// Word-weighted share of the summary that is about the sources: per sentence
  /// min(1, support / grounding_threshold); an off-topic sentence or summary lowers it.
  double grounding = 0.0;
  double redundancy = 0.0;  ///< as conciseness_result::redundancy (SummEval raters penalize it)
  /// Normalized entropy of the summary's stem distribution, H / ln(tokens) (1 for fewer than two
  /// tokens): 1 - Peyrard's (2019) redundancy over its maximum; repeated words lower it.
  double diversity = 0.0;
  /// idf-weighted share of the query's stems (those found in a source) that the summary has;
  /// 0 without a query or when no query stem is in a source.
  double query_coverage = 0.0;
  std::vector<sentence_detail> sentences;
};

/// Contextual relevance of `summary` against `sources` (and an optional `query`).
/// Builds a `grounded_scorer`; to score many summaries against the same sources, use one.
/// @throws precis::error `[precis.invalid_utf8]` for invalid text.
[[nodiscard]] relevance_result relevance(std::string_view summary,
                                         std::span<const source_doc> sources,
                                         std::string_view query = {},
                                         const grounded_options& options = {});

}  // namespace precis::metrics
