#pragma once
/// @file conciseness.hpp
/// Conciseness: compression, redundancy inside the summary, filler and hedge phrases,
/// information density and an optional length budget. See docs/metrics/conciseness.md.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "precis/metrics/grounded_types.hpp"
#include "precis/record.hpp"

namespace precis::metrics {

/// Conciseness of a summary. All values in [0, 1] except `compression_ratio` and `length`.
struct conciseness_result {
  double score = 0.0;                 ///< (1 - redundancy) * (1 - filler_ratio) * length_penalty
  double compression_ratio = 0.0;     ///< summary words / source words (0 if no source words)
  double redundancy = 0.0;            ///< max(repeated trigram share, redundant sentence share)
  double repeated_ngram_ratio = 0.0;  ///< share of summary stem trigrams that repeat an earlier one
  std::size_t redundant_sentences = 0;
  double filler_ratio = 0.0;  ///< words inside filler/hedge phrases / words
  std::size_t filler_phrases = 0;
  double information_density = 0.0;  ///< distinct stems that are in a source / words
  double length = 0.0;               ///< summary length in `budget_unit`
  double length_penalty = 1.0;       ///< exp(min(0, 1 - length / budget)); 1 without a budget
  std::vector<sentence_detail> sentences;
};

/// Conciseness of `summary` (sources give the compression ratio and information density).
/// @throws precis::error `[precis.invalid_utf8]` for invalid text; `[precis.invalid_argument]` for
///   a budget <= 0 or an unknown filler language.
[[nodiscard]] conciseness_result conciseness(std::string_view summary,
                                             std::span<const source_doc> sources,
                                             const grounded_options& options = {});

/// The built-in filler and hedge phrases of `language` ("en"), one per entry, lower case.
/// @throws precis::error `[precis.invalid_argument]` for a language without a list.
[[nodiscard]] std::vector<std::string> filler_phrases(std::string_view language);

}  // namespace precis::metrics
