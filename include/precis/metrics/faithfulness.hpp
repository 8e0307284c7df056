#pragma once
/// @file faithfulness.hpp
/// Faithfulness proxies: clipped unigram precision against the sources (the score), per-sentence
/// support, novel n-grams, unsupported numbers and names, and Grusky et al.'s extractive fragment
/// coverage, density and compression. See docs/metrics/faithfulness.md.

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "precis/metrics/grounded_types.hpp"
#include "precis/record.hpp"

namespace precis::metrics {

/// One extractive fragment: summary tokens [first_token, end_token), bytes `span` in the summary.
struct extractive_fragment {
  std::uint32_t first_token = 0;
  std::uint32_t end_token = 0;
  text_span span;
};

/// Faithfulness of a summary to its sources. `score` and ratios in [0, 1].
struct faithfulness_result {
  /// Word-weighted mean over sentences of `sentence_detail::precision` (with an encoder, of its
  /// combination with the embedding support); without an encoder, `clipped_precision`.
  double score = 0.0;
  double support_mean = 0.0;
  double support_min = 0.0;
  double unigram_precision = 0.0;  ///< share of summary tokens whose stem is in a source
  /// Share of summary tokens supported with clipped counts (BLEU's modified precision against
  /// the sources): a source occurrence of a stem supports at most one summary occurrence.
  double clipped_precision = 0.0;
  std::size_t over_repeated = 0;  ///< tokens whose stem is in a source but beyond its count
  std::array<double, 4> novel_ngram_ratio{};  ///< n = 1..4: share of summary n-grams in no source
  double coverage = 0.0;                      ///< Grusky: sum |f| / |S|
  double density = 0.0;                       ///< Grusky: sum |f|^2 / |S| (not bounded by 1)
  double compression = 0.0;  ///< Grusky: |A| / |S| (source tokens / summary tokens; 0 if |S| = 0)
  std::size_t unsupported_numbers = 0;
  std::size_t novel_names = 0;
  std::vector<extractive_fragment> fragments;
  std::vector<sentence_detail> sentences;
};

/// Faithfulness proxies of `summary` against `sources`.
/// @throws precis::error `[precis.invalid_utf8]` for invalid text.
[[nodiscard]] faithfulness_result faithfulness(std::string_view summary,
                                               std::span<const source_doc> sources,
                                               const grounded_options& options = {});

}  // namespace precis::metrics
