#pragma once
/// @file bleu.hpp
/// BLEU (Papineni et al., 2002) with exact sacrebleu 2.6 parity (Post, 2018): sentence BLEU as
/// `BLEU(effective_order=True).sentence_score`, corpus BLEU as `BLEU().corpus_score` over summed
/// statistics, sacrebleu's tokenizers, smoothing methods, closest-reference brevity penalty and
/// several references. precis reports scores and precisions on 0..1; sacrebleu prints 0..100.
/// See docs/metrics/bleu.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/metrics/sacrebleu_tokenize.hpp"

namespace precis::metrics {

/// Largest supported `bleu_options::max_ngram_order`.
inline constexpr int bleu_max_order = 4;

/// sacrebleu's smoothing methods (Chen and Cherry, 2014).
enum class bleu_smoothing : std::uint8_t {
  none,   ///< no smoothing
  floor,  ///< method 1: a zero precision becomes `smooth_value / total` (default 0.1)
  add_k,  ///< method 2: `smooth_value` (default 1) added to matches and totals for n > 1
  exp,    ///< method 3, NIST / mteval-v13a (default): the k-th zero precision is 1 / (2^k total)
};

/// sacrebleu's name of `method`: `none`, `floor`, `add-k`, `exp`.
[[nodiscard]] std::string_view to_string(bleu_smoothing method) noexcept;

/// The smoothing method sacrebleu calls `name`.
/// @throws precis::error `[precis.invalid_argument]` for an unknown name.
[[nodiscard]] bleu_smoothing parse_bleu_smoothing(std::string_view name);

/// BLEU options; the defaults are sacrebleu's `BLEU()`.
struct bleu_options {
  sacrebleu_tokenizer tokenizer = sacrebleu_tokenizer::mteval_13a;  ///< sacrebleu `tokenize`
  bool lowercase = false;                                           ///< Python `str.lower()` first
  bleu_smoothing smoothing = bleu_smoothing::exp;                   ///< sacrebleu `smooth_method`
  /// sacrebleu `smooth_value`; unset means the method's default (floor 0.1, add-k 1).
  std::optional<double> smooth_value;
  /// sacrebleu `effective_order`; unset means on for sentence-level calls (`bleu`, scorers,
  /// `bleu_batch`) and off for `corpus_bleu`, as sacrebleu recommends.
  std::optional<bool> effective_order;
  int max_ngram_order = 4;  ///< 1..bleu_max_order
};

/// Sufficient statistics of BLEU: add them over segments for corpus BLEU.
struct bleu_statistics {
  /// Clipped n-gram matches per order (index n-1): each summary n-gram counts at most as often
  /// as it occurs in the reference where it occurs most.
  std::array<std::uint64_t, bleu_max_order> matches{};
  /// Summary n-grams per order (index n-1): max(0, summary_length - n + 1).
  std::array<std::uint64_t, bleu_max_order> totals{};
  std::uint64_t summary_length = 0;    ///< summary tokens (sacrebleu `sys_len`)
  std::uint64_t reference_length = 0;  ///< closest reference length (sacrebleu `ref_len`)

  bleu_statistics& operator+=(const bleu_statistics& other) noexcept {
    for (std::size_t n = 0; n < matches.size(); ++n) {
      matches[n] += other.matches[n];
      totals[n] += other.totals[n];
    }
    summary_length += other.summary_length;
    reference_length += other.reference_length;
    return *this;
  }
  friend bool operator==(const bleu_statistics&, const bleu_statistics&) = default;
};

/// A BLEU score with the parts it came from.
struct bleu_result {
  double score = 0.0;  ///< BLEU in 0..1 (sacrebleu's score / 100)
  /// n-gram precisions in 0..1 as sacrebleu reports them (smoothed; 0 for orders past a zero
  /// total, and all 0 when nothing matched).
  std::array<double, bleu_max_order> precisions{};
  double brevity_penalty = 0.0;  ///< exp(1 - r/c) when c < r, else 1; 0 for an empty summary
  double length_ratio = 0.0;     ///< summary_length / reference_length, 0 when the latter is 0
  /// Orders averaged in the geometric mean: max_ngram_order, or fewer under effective order;
  /// 0 when no n-gram matched (the score is then 0 without averaging, as in sacrebleu).
  int effective_order = 0;
  bleu_statistics statistics;  ///< the sufficient statistics (unsmoothed counts)
};

/// BLEU from (summed) statistics, with sacrebleu's `compute_bleu` smoothing and effective-order
/// rules. `effective_order` overrides `options.effective_order`.
/// @throws precis::error `[precis.invalid_argument]` for invalid options.
[[nodiscard]] bleu_result bleu_from_statistics(const bleu_statistics& statistics,
                                               const bleu_options& options, bool effective_order);

/// Sentence BLEU of `summary` against `references` (sacrebleu `sentence_score`). An empty
/// reference string is a reference of length 0, as in sacrebleu 2.6: it counts in `nrefs` and in
/// the choice of the closest reference length.
/// @throws precis::error `[precis.invalid_argument]` for no references or invalid options,
///         `[precis.invalid_utf8]` naming "summary" or "reference i" (0-based).
[[nodiscard]] bleu_result bleu(std::string_view summary,
                               std::span<const std::string_view> references,
                               const bleu_options& options = {});

/// Sentence BLEU of `summary` against one reference.
[[nodiscard]] bleu_result bleu(std::string_view summary, std::string_view reference,
                               const bleu_options& options = {});

namespace detail {
struct bleu_reference_index;
}

/// BLEU against fixed references: tokenizes and counts them once, then scores many summaries.
/// Immutable; `score` is `const` and safe to call from several threads at once. Copies share the
/// reference index.
class bleu_scorer {
 public:
  /// @throws as `bleu`.
  explicit bleu_scorer(std::span<const std::string_view> references,
                       const bleu_options& options = {});
  explicit bleu_scorer(std::string_view reference, const bleu_options& options = {});

  /// Sentence BLEU of `summary`; equals `bleu(summary, references, options)`.
  /// @throws precis::error `[precis.invalid_utf8]` naming "summary".
  [[nodiscard]] bleu_result score(std::string_view summary) const;

  /// The sufficient statistics of `summary` only (for corpus aggregation).
  [[nodiscard]] bleu_statistics statistics(std::string_view summary) const;

  /// `score` of every summary on `threads` threads (0 = all cores).
  /// @throws precis::error `[precis.invalid_utf8]` naming "record i, summary".
  [[nodiscard]] std::vector<bleu_result> score_batch(std::span<const std::string_view> summaries,
                                                     unsigned threads = 1) const;

  /// References given, empty ones included (sacrebleu's `nrefs`).
  [[nodiscard]] std::size_t reference_count() const noexcept;
  [[nodiscard]] const bleu_options& options() const noexcept { return options_; }

 private:
  bleu_options options_;
  std::shared_ptr<const detail::bleu_reference_index> index_;
};

/// Sentence BLEU of each summary against its own references, on `threads` threads (0 = all
/// cores). `references[i]` are the references of `summaries[i]`.
/// @throws precis::error `[precis.invalid_argument]` when the sizes differ or a record has no
///         reference, `[precis.invalid_utf8]` naming "record i, summary" or
///         "record i, reference j".
[[nodiscard]] std::vector<bleu_result> bleu_batch(
    std::span<const std::string_view> summaries,
    std::span<const std::vector<std::string_view>> references, const bleu_options& options = {},
    unsigned threads = 1);

/// `bleu_batch` with one reference per summary.
[[nodiscard]] std::vector<bleu_result> bleu_batch(std::span<const std::string_view> summaries,
                                                  std::span<const std::string_view> references,
                                                  const bleu_options& options = {},
                                                  unsigned threads = 1);

/// Corpus BLEU (sacrebleu `BLEU().corpus_score`): statistics summed over the records, then one
/// BLEU. `references[i]` are the references of `summaries[i]` (sacrebleu takes the transpose).
/// @throws as `bleu_batch`.
[[nodiscard]] bleu_result corpus_bleu(std::span<const std::string_view> summaries,
                                      std::span<const std::vector<std::string_view>> references,
                                      const bleu_options& options = {}, unsigned threads = 1);

/// `corpus_bleu` with one reference per summary.
[[nodiscard]] bleu_result corpus_bleu(std::span<const std::string_view> summaries,
                                      std::span<const std::string_view> references,
                                      const bleu_options& options = {}, unsigned threads = 1);

/// sacrebleu's signature for `options`, e.g.
/// `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. `nrefs` unset gives `var`
/// (a varying number of references); `corpus_level` resolves an unset `effective_order`. The
/// version names precis' compatibility target (`sacrebleu_compat_version`).
[[nodiscard]] std::string bleu_signature(const bleu_options& options,
                                         std::optional<std::size_t> nrefs = 1,
                                         bool corpus_level = true);

}  // namespace precis::metrics
