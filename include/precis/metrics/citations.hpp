#pragma once
/// @file citations.hpp
/// Citation metrics: markers parsed out of a summary (`[1]`, `[1, 2]`, `[1-3]`, `[^1]`, `[doc3]`,
/// `【1†source】`, `(Source: id)`, footnote lists, user patterns) or claims given with their
/// citations (structured summaries, see precis/structured/structured_citations.hpp), mapped to
/// source ids, and scored: coverage, validity, support (ALCE-style recall), precision,
/// misattribution, source utilization and quote check. Support is judged by the lexical kernel of
/// detail/source_index.hpp (shared with the source-grounded metrics), by an encoder, or by a
/// user function. See docs/metrics/citations.md.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/metrics/grounded_types.hpp"
#include "precis/record.hpp"

namespace precis::embed {
class encoder;
}  // namespace precis::embed

namespace precis::metrics {

namespace detail {
class source_index;
struct citation_patterns;
struct citation_vectors;
}  // namespace detail

/// How a citation marker was written.
enum class citation_style : std::uint8_t {
  bracket,     ///< `[1]`, `[1, 2]`, `[1-3]`, `[doc3]`, `[post_7]`
  caret,       ///< `[^1]` (Markdown footnote reference)
  lenticular,  ///< `【1†source】`
  source_tag,  ///< `(Source: id)`, `(Sources: a, b)`
  pattern,     ///< a user pattern (`citation_options::patterns`)
  field,       ///< given by a structured summary
};

/// Stable name of a style: "bracket", "caret", "lenticular", "source_tag", "pattern", "field".
[[nodiscard]] std::string_view citation_style_name(citation_style style) noexcept;

/// One citation as written: a key (`"3"`, `"doc3"`, `"post_7"`) and where it was written.
struct citation_ref {
  std::string key;  ///< as written (ranges are expanded: `[1-3]` gives 1, 2, 3)
  text_span span;   ///< bytes of its whole marker in the summary ({0, 0} for fields)
  citation_style style = citation_style::bracket;
};

/// A footnote definition at the end of a summary (`[2] https://... Title`, `[^2]: post_7`).
struct citation_footnote {
  std::string key;   ///< "2"
  std::string text;  ///< the rest of the line, trimmed
  text_span span;    ///< bytes of the line in the summary
};

/// Where a summary's claims are cut.
enum class claim_unit : std::uint8_t {
  sentence,  ///< a citation belongs to the sentence it closes (default)
  clause,    ///< a marker followed by more words in its sentence ends a clause there
};

/// What the parser found in a plain-text summary.
struct parsed_citations {
  /// The summary's body with every marker (and the footnote block) overwritten by spaces, so
  /// byte offsets equal those of the summary.
  std::string masked;
  std::size_t body_end = 0;           ///< where the footnote block starts (or size())
  std::vector<citation_ref> markers;  ///< every key of every marker, in text order
  std::vector<citation_footnote> footnotes;
};

/// One claim to score: a sentence or clause of a summary, or one field of a structured summary.
struct claim_input {
  std::string text;     ///< the claim without its markers
  std::string pointer;  ///< JSON Pointer of a structured field ("" for text claims)
  text_span span;       ///< bytes in the summary ({0, 0} for fields)
  std::vector<citation_ref> citations;
};

/// Which judge decides whether sources support a claim.
enum class support_judge : std::uint8_t {
  lexical,    ///< the idf-weighted recall kernel of detail/source_index.hpp (default)
  embedding,  ///< max(0, cosine) of the claim with source sentences (`citation_options::encoder`)
  custom,     ///< `citation_options::support_fn`
  /// the lexical judge and the embedding judge together, by `citation_options::combine`
  /// (default max: a paraphrase can only raise support); the fact checks cap the combination
  combined,
};

/// A user support judge: how well the sources `cited` (indices into the scorer's sources)
/// together support `claim`, in [0, 1]. Must be thread-safe for batch calls; never called with
/// an empty `cited`.
using support_function =
    std::function<double(std::string_view claim, std::span<const std::size_t> cited)>;

/// Options of the citation metrics; the defaults are the documented ones.
struct citation_options {
  claim_unit unit = claim_unit::sentence;
  /// A sentence (or clause, or field) needs at least this many word tokens to count as a claim.
  std::size_t min_claim_words = 1;
  /// Extra marker patterns (ECMAScript regular expressions); capture group 1 (or the whole match
  /// when there is none) holds the keys, separated by `,` or `;`.
  std::vector<std::string> patterns{};
  bool builtin_markers = true;  ///< parse the built-in marker forms (else only `patterns`)
  bool footnotes = true;        ///< read a footnote block at the end of the summary
  /// A claim (or source set) supports a claim at support >= this.
  double support_threshold = 0.5;
  support_judge judge = support_judge::lexical;
  /// for `support_judge::embedding` and `support_judge::combined`
  std::shared_ptr<const embed::encoder> encoder{};
  /// `support_judge::combined`: max(lexical, embedding) (default), or the mix
  /// (1 - w) lexical + w embedding with w = `embedding_weight` in [0, 1].
  support_combination combine = support_combination::max;
  double embedding_weight = 0.5;
  support_function support_fn{};                    ///< for `support_judge::custom`
  /// Quoted spans ("...", “...”) of at least this many word tokens are checked.
  std::size_t min_quote_words = 2;
  /// Lexical judge only: also require the claim's word order, support = sqrt(kernel support x
  /// share of the claim's distinct stem bigrams found within a sentence of a cited source)
  /// (docs/metrics/citations.md, "Word order"). Off by default.
  bool word_order = false;
  /// Lexical judge only: claim words on this built-in function-word list ("en":
  /// data/function_words/en.txt) that no source contains are left out of the claim's support, so
  /// that "She works nights at a hospital" is not penalized for "she" and "a" against "I start my
  /// night shift at the hospital". "none" counts every word (the plain kernel).
  std::string function_words = "en";
  /// The record's subject (a person's names and aliases; for first-person posts, their
  /// author): its words and the third-person pronouns are left out of a claim's support and are
  /// never names to check.
  std::vector<std::string> subject{};
  /// Lexical judge: check each claim's numbers, dates, names and negation against its cited
  /// sources (detail/fact_check.hpp, docs/metrics/citations.md "Fact checks"); a claim that
  /// fails has its support capped at `fact_cap`.
  bool check_facts = true;
  double fact_cap = 0.25;     ///< in [0, 1]; below support_threshold, so such a claim fails
  double fact_context = 0.5;  ///< in [0, 1]
  /// Lexical judge, claims citing several sources: a cited source whose own support is below
  /// this supports none of the claim: it is named in `unsupporting` and never relevant.
  double min_source_support = 0.15;
  /// Analysis shared with the lexical kernel (stemmer for support).
  text::stemmer_kind stemmer = text::stemmer_kind::porter_nltk;
  std::string stem_language = "english";
};

/// A part of a claim that one cited source supports: bytes in the summary (for a structured
/// field: in the field's text) and the text they hold.
struct supported_part {
  text_span span;
  std::string text;
};

/// What precis found about one claim.
struct citation_claim {
  std::string text;                     ///< the claim without markers
  std::string pointer;                  ///< JSON Pointer of a structured field ("" for text claims)
  text_span span;                       ///< bytes in the summary ({0, 0} for fields)
  std::vector<citation_ref> citations;  ///< as written, in order
  std::vector<std::string> cited;       ///< distinct resolved source ids, in order of citation
  std::vector<std::string> dangling;    ///< keys that resolve to no source
  double support = 0.0;    ///< [0, 1]: support of the claim by the union of its cited sources
  bool supported = false;  ///< support >= support_threshold
  std::size_t relevant_citations = 0;   ///< ALCE precision numerator for this claim
  std::vector<std::string> irrelevant;  ///< cited ids not needed (ALCE over-citation)
  /// The two parts of `support` (before the fact cap): the lexical judge's and the embedding
  /// judge's support by the cited sources (0 for a part the configured judge does not use).
  double lexical_support = 0.0;
  double embedding_support = 0.0;
  /// Per cited id (same order as `cited`): the support of that source alone.
  std::vector<double> cited_support;
  /// Cited ids that support none of the claim (own support < min_source_support), when the
  /// claim cites several sources.
  std::vector<std::string> unsupporting;
  /// Per cited id (same order as `cited`; lexical and combined judges, else empty): the parts
  /// of the claim that source supports, maximal runs of claim words whose stems its best
  /// sentence for the claim holds, bridged by and trimmed of function words and the subject's
  /// words (docs/metrics/citations.md, "Several cited sources"). None for an `unsupporting` one.
  std::vector<std::vector<supported_part>> cited_parts;
  /// Numbers, dates and names of the claim that its cited sources do not hold (as written).
  std::vector<std::string> mismatched_facts;
  bool negation_mismatch = false;  ///< negated where the best cited sentence is not, or reverse
  bool misattributed = false;   ///< unsupported by its citations while `better_source` supports it
  std::string better_source;    ///< best-supporting source id when misattributed
  double better_support = 0.0;  ///< its support
};

/// A quoted span of the summary and where it was found.
struct citation_quote {
  text_span span;           ///< bytes of the quoted text (without the quote marks)
  std::int64_t claim = -1;  ///< index of its claim
  bool found = false;       ///< found verbatim (after normalization) in a cited source
  std::string found_in;     ///< the source id it was found in ("" if none)
};

/// Citation metrics of one summary. Ratios with a zero denominator are 0, except
/// `quote_accuracy` (1 without quotes) and `misattribution` (0 without cited claims); the counts
/// aggregate exactly over a corpus.
struct citation_result {
  double score = 0.0;  ///< = support_recall (ALCE citation recall)
  // Coverage.
  std::size_t claims = 0;
  std::size_t cited_claims = 0;  ///< claims with >= 1 citation (valid or not)
  double coverage = 0.0;         ///< cited_claims / claims
  // Validity.
  std::size_t citations = 0;          ///< distinct keys per claim, summed over claims
  std::size_t valid_citations = 0;    ///< those that resolve to a source
  double validity = 0.0;              ///< valid_citations / citations
  std::vector<std::string> dangling;  ///< distinct unresolved keys, in order of appearance
  // Support and precision (ALCE).
  std::size_t supported_claims = 0;
  double support_recall = 0.0;  ///< supported_claims / claims
  double mean_support = 0.0;    ///< mean claim support over claims
  std::size_t relevant_citations = 0;
  double precision = 0.0;  ///< relevant_citations / citations
  double f1 = 0.0;         ///< harmonic mean of support_recall and precision
  // Misattribution.
  std::size_t misattributed_claims = 0;
  std::size_t attributed_claims = 0;  ///< claims with >= 1 valid citation
  double misattribution = 0.0;        ///< misattributed_claims / attributed_claims
  // Source utilization.
  std::size_t sources = 0;
  std::size_t used_sources = 0;
  double utilization = 0.0;         ///< used_sources / sources
  std::vector<std::string> unused;  ///< ids of never-cited sources, in source order
  // Quotes.
  std::size_t quotes = 0;
  std::size_t quotes_found = 0;
  double quote_accuracy = 1.0;  ///< quotes_found / quotes
  std::vector<citation_claim> claim_details;
  std::vector<citation_quote> quote_details;
  std::vector<citation_footnote> footnotes;
};

/// Parses the citation markers and the footnote block of a plain-text summary (built-in forms
/// only). Never throws for valid UTF-8. @throws precis::error `[precis.invalid_utf8]`.
/// See docs/metrics/citations.md ("Markers").
[[nodiscard]] parsed_citations parse_citations(std::string_view summary,
                                               const citation_options& options = {});

/// Sources analyzed and indexed once (ids must be distinct); scores many summaries. Immutable;
/// every member is `const` and thread-safe (when the encoder / support function are).
class citation_scorer {
 public:
  /// A source with an empty id gets its 1-based position ("1", "2", ...) as its id, as
  /// `source_doc::id` documents; an id that then repeats another is a duplicate.
  /// @throws precis::error `[precis.invalid_argument]` for a duplicate source id, a bad
  ///   pattern, a threshold outside [0, 1], a missing encoder / support function for the chosen
  ///   judge; `[precis.invalid_utf8] source 'id': ...`.
  explicit citation_scorer(std::span<const source_doc> sources,
                           const citation_options& options = {});
  ~citation_scorer();
  citation_scorer(citation_scorer&&) noexcept;
  citation_scorer& operator=(citation_scorer&&) noexcept;

  /// Parses `summary` (markers, footnotes) into claims and scores them.
  /// @throws precis::error `[precis.invalid_utf8] summary: ...`.
  [[nodiscard]] citation_result score(std::string_view summary) const;
  /// Parses `summary` into claims with their citations (no scoring).
  [[nodiscard]] std::vector<claim_input> claims(std::string_view summary) const;
  /// Scores claims given with their citations (e.g. the fields of a structured summary);
  /// `summary` (may be empty) is the text quote spans refer to.
  [[nodiscard]] citation_result score_claims(
      std::span<const claim_input> claims, std::span<const citation_footnote> footnotes = {}) const;

  /// Source index of `key` as this scorer resolves it (exact id, then 1-based position, then a
  /// trailing number as in `doc3`); -1 when it names no source.
  [[nodiscard]] std::int64_t resolve(std::string_view key) const;
  [[nodiscard]] std::size_t source_count() const noexcept;
  [[nodiscard]] const std::string& source_id(std::size_t i) const;
  [[nodiscard]] const citation_options& options() const noexcept;

  /// Support of `claim` by the sources `cited` (indices) under the configured judge, in [0, 1].
  [[nodiscard]] double support(std::string_view claim, std::span<const std::size_t> cited) const;

  /// Many summaries on `threads` threads (0 = all cores); a failing one keeps its slot with
  /// `error` set.
  struct batch_item {
    citation_result result;
    std::string error;
  };
  [[nodiscard]] std::vector<batch_item> score_batch(std::span<const std::string> summaries,
                                                    unsigned threads = 0) const;

 private:
  struct impl;
  std::unique_ptr<const impl> impl_;
};

/// One-off call: builds a scorer for `sources` and scores `summary`.
[[nodiscard]] citation_result citations(std::string_view summary,
                                        std::span<const source_doc> sources,
                                        const citation_options& options = {});

/// Flat column names for tables: "citation_score", "citation_coverage", ... (docs page).
[[nodiscard]] std::vector<std::string> citation_columns();
/// The values of `citation_columns()` for `result`, written to `out`.
void citation_values(const citation_result& result, double* out);

}  // namespace precis::metrics
