#pragma once
/// @file chrf.hpp
/// chrF (Popović, 2015) and chrF++ (Popović, 2017) with exact sacrebleu 2.6 parity: sentence
/// scores as `CHRF().sentence_score` (best reference by F-score), corpus scores as
/// `CHRF().corpus_score` over summed statistics, sacrebleu's effective-order averaging (or its
/// optional epsilon smoothing). precis reports scores on 0..1; sacrebleu prints 0..100.
/// See docs/metrics/chrf.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace precis::metrics {

/// Largest supported `chrf_options::char_order`.
inline constexpr int chrf_max_char_order = 8;
/// Largest supported `chrf_options::word_order`.
inline constexpr int chrf_max_word_order = 4;

/// chrF options; the defaults are sacrebleu's `CHRF()` (chrF2). `word_order = 2` is chrF++.
struct chrf_options {
  int char_order = 6;          ///< character n-gram orders 1..char_order (0..chrf_max_char_order)
  int word_order = 0;          ///< word n-gram orders (0..chrf_max_word_order); 2 for chrF++
  double beta = 2.0;           ///< recall weight; >= 0
  bool lowercase = false;      ///< Python `str.lower()` first
  bool whitespace = false;     ///< keep whitespace in character n-grams (sacrebleu `whitespace`)
  bool eps_smoothing = false;  ///< average per-order F-scores with 1e-16 smoothing instead
};

/// Counts of one n-gram order.
struct chrf_ngram_statistics {
  /// Summary n-grams; 0 when the reference has none of this order (sacrebleu's rule).
  std::uint64_t summary = 0;
  std::uint64_t reference = 0;  ///< reference n-grams
  std::uint64_t matches = 0;    ///< clipped matches: sum over n-grams of min(summary, reference)

  friend bool operator==(const chrf_ngram_statistics&, const chrf_ngram_statistics&) = default;
};

/// Sufficient statistics of chrF: add them over segments for corpus chrF.
struct chrf_statistics {
  std::array<chrf_ngram_statistics, chrf_max_char_order> chars{};  ///< index n-1
  std::array<chrf_ngram_statistics, chrf_max_word_order> words{};  ///< index n-1

  chrf_statistics& operator+=(const chrf_statistics& other) noexcept {
    for (std::size_t n = 0; n < chars.size(); ++n) {
      chars[n].summary += other.chars[n].summary;
      chars[n].reference += other.chars[n].reference;
      chars[n].matches += other.chars[n].matches;
    }
    for (std::size_t n = 0; n < words.size(); ++n) {
      words[n].summary += other.words[n].summary;
      words[n].reference += other.words[n].reference;
      words[n].matches += other.words[n].matches;
    }
    return *this;
  }
  friend bool operator==(const chrf_statistics&, const chrf_statistics&) = default;
};

/// A chrF score with the parts it came from.
struct chrf_result {
  double score = 0.0;      ///< chrF (or chrF++) in 0..1 (sacrebleu's score / 100)
  double precision = 0.0;  ///< mean precision over the effective orders, 0..1
  double recall = 0.0;     ///< mean recall over the effective orders, 0..1
  /// Orders (character and word) where both summary and reference have n-grams.
  int effective_order = 0;
  /// Index (into the references given) of the reference whose statistics were kept; 0 for corpus
  /// results.
  std::size_t best_reference = 0;
  chrf_statistics statistics;  ///< the statistics of the best reference (summed for corpus)
};

/// chrF from (summed) statistics, with sacrebleu's `_compute_f_score`.
/// @throws precis::error `[precis.invalid_argument]` for invalid options.
[[nodiscard]] chrf_result chrf_from_statistics(const chrf_statistics& statistics,
                                               const chrf_options& options = {});

/// Sentence chrF of `summary` against `references`: the reference with the highest F-score wins
/// (the first on ties), as in sacrebleu. An empty reference string scores 0 and is kept, as in
/// sacrebleu 2.6, so it is the best reference when it comes first and no other scores above 0
/// (which matters for corpus statistics).
/// @throws precis::error `[precis.invalid_argument]` for no references or invalid options,
///         `[precis.invalid_utf8]` naming "summary" or "reference i" (0-based).
[[nodiscard]] chrf_result chrf(std::string_view summary,
                               std::span<const std::string_view> references,
                               const chrf_options& options = {});

/// Sentence chrF of `summary` against one reference.
[[nodiscard]] chrf_result chrf(std::string_view summary, std::string_view reference,
                               const chrf_options& options = {});

namespace detail {
struct chrf_reference_set;
}

/// chrF against fixed references: counts their n-grams once, then scores many summaries.
/// Immutable; `score` is `const` and thread-safe. Copies share the reference index.
class chrf_scorer {
 public:
  /// @throws as `chrf`.
  explicit chrf_scorer(std::span<const std::string_view> references,
                       const chrf_options& options = {});
  explicit chrf_scorer(std::string_view reference, const chrf_options& options = {});

  /// Sentence chrF of `summary`; equals `chrf(summary, references, options)`.
  /// @throws precis::error `[precis.invalid_utf8]` naming "summary".
  [[nodiscard]] chrf_result score(std::string_view summary) const;

  /// `score` of every summary on `threads` threads (0 = all cores).
  [[nodiscard]] std::vector<chrf_result> score_batch(std::span<const std::string_view> summaries,
                                                     unsigned threads = 1) const;

  /// References given, empty ones included (sacrebleu's `nrefs`).
  [[nodiscard]] std::size_t reference_count() const noexcept;
  [[nodiscard]] const chrf_options& options() const noexcept { return options_; }

 private:
  chrf_options options_;
  std::shared_ptr<const detail::chrf_reference_set> refs_;
};

/// Sentence chrF of each summary against its own references on `threads` threads.
/// @throws precis::error `[precis.invalid_argument]` when the sizes differ or a record has no
///         reference, `[precis.invalid_utf8]` naming "record i, summary" or
///         "record i, reference j".
[[nodiscard]] std::vector<chrf_result> chrf_batch(
    std::span<const std::string_view> summaries,
    std::span<const std::vector<std::string_view>> references, const chrf_options& options = {},
    unsigned threads = 1);

/// `chrf_batch` with one reference per summary.
[[nodiscard]] std::vector<chrf_result> chrf_batch(std::span<const std::string_view> summaries,
                                                  std::span<const std::string_view> references,
                                                  const chrf_options& options = {},
                                                  unsigned threads = 1);

/// Corpus chrF (sacrebleu `CHRF().corpus_score`): each record's best-reference statistics are
/// summed, then one chrF. `references[i]` are the references of `summaries[i]`.
[[nodiscard]] chrf_result corpus_chrf(std::span<const std::string_view> summaries,
                                      std::span<const std::vector<std::string_view>> references,
                                      const chrf_options& options = {}, unsigned threads = 1);

/// `corpus_chrf` with one reference per summary.
[[nodiscard]] chrf_result corpus_chrf(std::span<const std::string_view> summaries,
                                      std::span<const std::string_view> references,
                                      const chrf_options& options = {}, unsigned threads = 1);

/// sacrebleu's signature for `options`, e.g.
/// `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0` (`nrefs` unset gives `var`).
[[nodiscard]] std::string chrf_signature(const chrf_options& options,
                                         std::optional<std::size_t> nrefs = 1);

}  // namespace precis::metrics
