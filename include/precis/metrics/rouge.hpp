#pragma once
/// @file rouge.hpp
/// ROUGE-N (n = 1..9), ROUGE-L and ROUGE-Lsum (Lin 2004) with exact parity with Google's
/// rouge-score 0.1.2 in `rouge_tokenizer::rouge_score` mode, and a Unicode tokenizer (NFKC, case
/// folding, ICU word boundaries) by default so that Chinese, Thai, Arabic or Russian text scores
/// above zero. Free functions for one-off calls, `rouge_scorer` to score many summaries against
/// the same references (references tokenized, stemmed and counted once), and `rouge_batch` over
/// many records on explicit threads. All share one kernel (detail/rouge_kernel.hpp).
/// See docs/metrics/rouge.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/text/analyzed_text.hpp"

namespace precis::metrics {

/// The ROUGE variants, in the order results store them. Their names are spelled as in
/// rouge-score: "rouge1" .. "rouge9", "rougeL", "rougeLsum".
enum class rouge_type : std::uint8_t {
  rouge1,
  rouge2,
  rouge3,
  rouge4,
  rouge5,
  rouge6,
  rouge7,
  rouge8,
  rouge9,
  rouge_l,     ///< "rougeL": LCS of the whole texts
  rouge_lsum,  ///< "rougeLsum": summary-level union LCS over sentences
};

/// Number of `rouge_type` values.
inline constexpr std::size_t rouge_type_count = 11;

/// The rouge-score name of `type` ("rouge1", ..., "rougeL", "rougeLsum").
[[nodiscard]] std::string_view rouge_type_name(rouge_type type) noexcept;

/// The type named `name` exactly as rouge-score spells it (case-sensitive).
/// @throws precis::error `[precis.invalid_argument] unknown ROUGE type '<name>' (expected rouge1
///   .. rouge9, rougeL or rougeLsum)`
[[nodiscard]] rouge_type parse_rouge_type(std::string_view name);

/// How texts become tokens.
enum class rouge_tokenizer : std::uint8_t {
  /// Unicode words from `text::analyze` (NFKC, case folding, ICU word boundaries with dictionary
  /// segmentation, punctuation dropped); ROUGE-Lsum sentences are the text core's sentences with
  /// every line break a boundary. The default.
  unicode,
  /// rouge-score 0.1.2 exactly: lowercase, tokens are the runs of `[a-z0-9]`, NLTK Porter on
  /// tokens longer than 3 characters when stemming; ROUGE-Lsum sentences are the lines.
  /// Anything outside ASCII letters and digits is dropped, so most non-Latin text scores 0.
  rouge_score,
};

/// How scores against several references become one.
enum class rouge_aggregation : std::uint8_t {
  /// Per type, the scores of the reference with the highest F1 (the first one on ties), as
  /// rouge-score's `score_multi`.
  max,
  /// Per type, the arithmetic mean of precision, recall and F1 over the references (each F1 is
  /// the per-reference F1); counts are summed over the references.
  mean,
};

/// Options of every ROUGE entry point.
struct rouge_options {
  /// Types to compute, spelled as rouge-score ("rouge1" .. "rouge9", "rougeL", "rougeLsum").
  /// Must not be empty; duplicates are ignored.
  std::vector<std::string> types{"rouge1", "rouge2", "rougeL", "rougeLsum"};
  /// Stem tokens before matching (rouge-score's `use_stemmer`, default false as there).
  bool use_stemmer = false;
  /// Tokenizer; `rouge_score` for numbers comparable with published rouge-score results.
  rouge_tokenizer tokenizer = rouge_tokenizer::unicode;
  /// Aggregation over several references.
  rouge_aggregation aggregation = rouge_aggregation::max;
  /// Stemmer of the `unicode` tokenizer when `use_stemmer` (the `rouge_score` tokenizer always
  /// uses NLTK Porter). `snowball` uses `stem_language`.
  text::stemmer_kind stemmer = text::stemmer_kind::porter_nltk;
  /// Snowball language for `stemmer == snowball` ("english", "russian", ...).
  std::string stem_language = "english";
};

/// Precision, recall and F1 of one ROUGE type, on the 0..1 scale, with the integer counts they
/// come from (so corpus-level scores can be aggregated exactly).
struct rouge_prf {
  double f1 = 0.0;                  ///< 2PR / (P + R); 0 when P + R == 0
  double precision = 0.0;           ///< overlap / summary_count (0 when summary_count == 0)
  double recall = 0.0;              ///< overlap / reference_count (0 when reference_count == 0)
  std::size_t overlap = 0;          ///< matched n-grams, LCS length or union-LCS hits
  std::size_t summary_count = 0;    ///< summary n-grams (ROUGE-N) or tokens (ROUGE-L, -Lsum)
  std::size_t reference_count = 0;  ///< reference n-grams (ROUGE-N) or tokens (ROUGE-L, -Lsum)

  friend bool operator==(const rouge_prf&, const rouge_prf&) = default;
};

/// The scores of the requested types. Types that were not requested stay zero.
struct rouge_result {
  /// Scores indexed by `rouge_type`.
  std::array<rouge_prf, rouge_type_count> scores{};
  /// Bit `i` is set when `rouge_type(i)` was requested.
  std::uint16_t requested = 0;

  /// True when `type` was requested.
  [[nodiscard]] bool has(rouge_type type) const noexcept {
    return ((requested >> static_cast<unsigned>(type)) & 1U) != 0;
  }
  /// Score of `type`. @throws precis::error `[precis.invalid_argument]` when not requested.
  [[nodiscard]] const rouge_prf& operator[](rouge_type type) const;
  /// Score of the type named `name` ("rouge1", "rougeL", ...).
  /// @throws precis::error `[precis.invalid_argument]` for an unknown or unrequested type.
  [[nodiscard]] const rouge_prf& operator[](std::string_view name) const;
  /// The requested types, in `rouge_type` order.
  [[nodiscard]] std::vector<rouge_type> types() const;

  friend bool operator==(const rouge_result&, const rouge_result&) = default;
};

/// One record of a batch call: a result, or the reason there is none.
struct rouge_record_result {
  std::optional<rouge_result> result;  ///< empty when the record failed
  std::string error;  ///< e.g. "[precis.invalid_utf8] record 12, field 'summary': invalid UTF-8
                      ///< at byte 7"; empty on success
};

/// Immutable ROUGE scorer for one set of references: they are validated, tokenized, stemmed,
/// interned and counted once; `score` only processes the summary. Copies share the prepared
/// state. `score` is `const` and safe to call from many threads at once.
class rouge_scorer {
 public:
  /// Scorer for a single reference.
  /// @throws precis::error `[precis.invalid_argument]` for bad options, `[precis.invalid_utf8]`
  ///   (naming "reference") when the reference is not valid UTF-8
  explicit rouge_scorer(std::string_view reference, const rouge_options& options = {});
  /// Scorer for several references (aggregated per `options.aggregation`).
  /// @throws precis::error `[precis.invalid_argument]` for bad options or no references,
  ///   `[precis.invalid_utf8]` naming "references[i]"
  explicit rouge_scorer(std::span<const std::string> references, const rouge_options& options = {});
  /// Same, for string views.
  explicit rouge_scorer(std::span<const std::string_view> references,
                        const rouge_options& options = {});

  /// Scores `summary` against the references.
  /// @throws precis::error `[precis.invalid_utf8]` naming "summary"
  /// @remarks O(s * r) per reference for ROUGE-Lsum (s, r: summary and reference tokens),
  ///   O(s * ceil(r / 64)) for ROUGE-L, O(n * s) for ROUGE-N.
  [[nodiscard]] rouge_result score(std::string_view summary) const;

  /// Scores against each reference separately, in reference order (no aggregation).
  [[nodiscard]] std::vector<rouge_result> score_each(std::string_view summary) const;

  /// Scores many summaries on `threads` threads (0 = all cores). Every summary gets a result or
  /// an error naming its index ("record 3, field 'summary': ...").
  [[nodiscard]] std::vector<rouge_record_result> score_batch(std::span<const std::string> summaries,
                                                             unsigned threads = 1) const;

  /// Number of references.
  [[nodiscard]] std::size_t reference_count() const noexcept;
  /// The options the scorer was built with.
  [[nodiscard]] const rouge_options& options() const noexcept;

  struct impl;  ///< implementation detail (src/metrics/rouge.cpp)

 private:
  std::shared_ptr<const impl> impl_;
};

/// ROUGE of `summary` against one `reference`.
/// @throws precis::error `[precis.invalid_argument]` for bad options, `[precis.invalid_utf8]`
///   naming "summary" or "reference"
[[nodiscard]] rouge_result rouge(std::string_view summary, std::string_view reference,
                                 const rouge_options& options = {});

/// ROUGE of `summary` against several references, aggregated per `options.aggregation`.
/// @throws precis::error as `rouge_scorer`
[[nodiscard]] rouge_result rouge(std::string_view summary, std::span<const std::string> references,
                                 const rouge_options& options = {});
/// Same, for string views.
[[nodiscard]] rouge_result rouge(std::string_view summary,
                                 std::span<const std::string_view> references,
                                 const rouge_options& options = {});

/// ROUGE of many records: `summaries[i]` against `references[i]`, on `threads` threads
/// (0 = all cores). Options are checked once up front (and throw); per-record problems (invalid
/// UTF-8, no references) give `rouge_record_result::error` naming the record index and field,
/// e.g. "[precis.invalid_utf8] record 12, field 'references[3]': invalid UTF-8 at byte 7".
/// @throws precis::error `[precis.invalid_argument]` for bad options or when the two spans
///   differ in size
[[nodiscard]] std::vector<rouge_record_result> rouge_batch(
    std::span<const std::string> summaries, std::span<const std::vector<std::string>> references,
    const rouge_options& options = {}, unsigned threads = 1);

}  // namespace precis::metrics
