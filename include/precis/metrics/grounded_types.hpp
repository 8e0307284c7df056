#pragma once
/// @file grounded_types.hpp
/// Options and per-sentence details shared by the source-grounded metrics (relevance.hpp,
/// faithfulness.hpp, conciseness.hpp, grounded.hpp). See docs/metrics/relevance.md,
/// docs/metrics/faithfulness.md and docs/metrics/conciseness.md.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "precis/text/analyzed_text.hpp"

namespace precis::embed {
class encoder;
}  // namespace precis::embed

namespace precis::metrics {

/// How lexical and embedding support of a summary sentence are combined when
/// `grounded_options::encoder` is set (docs/metrics/faithfulness.md, "Embedding support").
enum class support_combination : std::uint8_t {
  max,  ///< support = max(lexical, embedding): a paraphrase can only raise support (default)
  mix,  ///< support = (1 - w) lexical + w embedding, w = `grounded_options::embedding_weight`
};

/// Unit of a length budget (conciseness).
enum class length_unit : std::uint8_t {
  words,       ///< word, number and ideograph tokens (what `text::analyze` keeps)
  tokens,      ///< the same plus punctuation tokens (`text::tokenize` with keep_punctuation)
  characters,  ///< Unicode code points of the summary
  sentences,   ///< summary sentences
};

/// Options of the source-grounded metrics. The defaults are the documented ones; every metric
/// result of one scorer uses the same analysis.
struct grounded_options {
  /// Stemmer for matching summary content to sources (support, coverage, redundancy).
  text::stemmer_kind stemmer = text::stemmer_kind::porter_nltk;
  std::string stem_language = "english";  ///< for `stemmer_kind::snowball`
  /// Language of the built-in filler/hedge list ("en"; "" or "none" for no built-in list).
  std::string filler_language = "en";
  /// Extra filler or hedge phrases (matched case-insensitively on whole tokens).
  std::vector<std::string> extra_fillers{};
  /// Optional length budget for conciseness, in `budget_unit`; no penalty when absent.
  std::optional<double> budget{};
  length_unit budget_unit = length_unit::words;
  /// A summary sentence whose support is below this is flagged `unsupported`.
  double support_threshold = 0.5;
  /// Two summary sentences are redundant when this share of the shorter one's distinct stems
  /// (idf-weighted) is in the other.
  double redundancy_threshold = 0.6;
  /// Weight source sentences by position (1/sqrt(1 + position)) in relevance salience.
  bool position_prior = true;
  /// Citation markers (`[2]`, `[1-3]`, `【1†source】`, `(Source: post_3)`, ...) and a footnote
  /// block at the end of the summary are not content: they are overwritten by spaces before the
  /// summary is analyzed (byte offsets unchanged), so a marker's number is never an unsupported
  /// number nor a novel word. The forms are those of `parse_citations` (docs/metrics/citations.md).
  bool ignore_citations = true;
  /// Optional embedding support signal: when set, every source sentence is encoded once by the
  /// scorer and every summary sentence at scoring; a summary sentence's embedding support is
  /// max(0, cosine) with its best source sentence (`align_sentences` of embedding.hpp), combined
  /// with the lexical support by `combine`. Empty (the default): purely lexical support.
  std::shared_ptr<const embed::encoder> encoder{};
  support_combination combine = support_combination::max;
  double embedding_weight = 0.5;  ///< w of `support_combination::mix`, in [0, 1]
  /// The subject of the summary (a person's name and aliases, e.g. {"Maria Lopez", "Maria"}):
  /// its words and the third-person pronouns count as supported, are no part of a sentence's
  /// support, and are never names to check. For first-person sources (posts by their author),
  /// give the author: the posts never write their own author's name.
  std::vector<std::string> subject{};
  /// Check each sentence's numbers, dates, names and negation against the source sentences
  /// that support it (docs/metrics/faithfulness.md, "Fact checks"); a sentence that fails has
  /// its support and its faithfulness value capped at `fact_cap`.
  bool check_facts = true;
  double fact_cap = 0.25;      ///< in [0, 1]
  double fact_context = 0.5;   ///< context_ratio of detail/fact_check.hpp, in [0, 1]
  /// Relevance: sentences whose support is below this count as off-topic in `grounding`
  /// (docs/metrics/relevance.md); in [0, 1].
  double grounding_threshold = 0.2;
  /// Relevance recall budget: the distinct stems of this many of the most salient source
  /// sentences (0: no recall factor).
  std::size_t recall_sentences = 5;
  /// Exponent of `recall` in the relevance score (0: recall reported, not scored).
  double recall_weight = 0.25;
  /// Coverage is judged against at least the distinct stems of this many of the most salient
  /// source sentences (0: against as many terms as the summary has).
  std::size_t coverage_sentences = 1;
};

/// A byte range [begin, end) in a text.
struct text_span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  friend bool operator==(const text_span&, const text_span&) = default;
};

/// Flags of a summary sentence (bit mask in `sentence_detail::flags`).
enum sentence_flag : std::uint32_t {
  flag_unsupported = 1,         ///< support < grounded_options::support_threshold
  flag_unsupported_number = 2,  ///< has a number found in no source
  flag_novel_name = 4,          ///< has a name-like (capitalized) span with a word in no source
  flag_redundant = 8,           ///< says what an earlier sentence said (`redundant_with`)
  flag_filler = 16,             ///< contains a filler or hedge phrase
  /// uses a word more often than all sources together have it (`over_repeated`)
  flag_over_repeated = 32,
  /// a number, date or name that the sentences supporting it do not hold (`mismatched_facts`)
  flag_fact_mismatch = 64,
  /// negated where its best-supporting source sentence is not, or the other way round
  flag_negation_mismatch = 128,
};

/// What precis found about one summary sentence.
struct sentence_detail {
  text_span span;  ///< bytes of the sentence in the summary
  /// [0, 1]: the support used by the metrics: `lexical_support`, or its combination with
  /// `embedding_support` when an encoder is set (`grounded_options::combine`).
  double support = 0.0;
  double lexical_support = 0.0;   ///< [0, 1]: idf-weighted share of its stems in `best_source`
  double salience = 0.0;          ///< [0, 1]: salience of that source sentence (relevance)
  std::int64_t best_source = -1;  ///< index of the best-supporting source, -1 if none
  std::string best_source_id;     ///< its id ("" if none)
  text_span source_span;          ///< bytes of the best source sentence in that source
  /// [0, 1]: max(0, cosine) with the most similar source sentence (0 without an encoder).
  double embedding_support = 0.0;
  std::int64_t embedding_source = -1;  ///< source of that sentence, -1 without an encoder
  std::string embedding_source_id;     ///< its id ("" if none)
  text_span embedding_source_span;     ///< bytes of that sentence in that source
  std::int64_t redundant_with = -1;    ///< earlier summary sentence it repeats, -1 if none
  double novel_bigram_ratio = 0.0;     ///< share of its bigrams found in no source (0 if none)
  /// [0, 1]: share of its words that are supported with clipped counts: the word's stem is in a
  /// source and the summary has not used up that stem's source count before it (reading order;
  /// docs/metrics/faithfulness.md). Faithfulness is the word-weighted mean of this.
  double precision = 0.0;
  std::vector<text_span> over_repeated;  ///< words in a source, but beyond its count

  std::vector<text_span> unsupported_numbers;  ///< number tokens in no source (summary bytes)
  std::vector<text_span> novel_names;          ///< name-like spans with a word in no source
  std::vector<text_span> fillers;              ///< filler/hedge phrases
  /// Numbers, dates and names the supporting source sentences do not hold (fact checks).
  std::vector<text_span> mismatched_facts;
  std::uint32_t flags = 0;                     ///< `sentence_flag` bits
};

}  // namespace precis::metrics
