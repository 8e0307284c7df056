#pragma once
/// @file judges.hpp
/// LLM judges for C++ programs that bring their own model (`chat_function`): G-Eval rubric
/// judges (relevance, consistency, coherence, fluency, conciseness) and the claim-level citation
/// support judge, with the same prompts, strict parsing and bounded repair as `precis.judge` in
/// Python, and `support_function`, which makes the support judge the citation metrics' judge
/// (`support_judge::custom`). See docs/judge/cpp.md.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/judge/model.hpp"
#include "precis/judge/templates.hpp"
#include "precis/metrics/citations.hpp"
#include "precis/record.hpp"

namespace precis::judge {

/// Options every judge takes; the defaults are Python's.
struct judge_options {
  /// Answers drawn per item (seeds seed, seed + 1, ...); the result is their mean and spread.
  std::size_t samples = 1;
  /// Default: 0 for one sample (greedy), 1 for several (G-Eval samples at 1).
  std::optional<double> temperature{};
  /// Default: 32 for rubric judges, 160 for the citation support judge.
  std::optional<std::size_t> max_tokens{};
  /// Sample i sends seed + i; std::nullopt sends none.
  std::optional<std::int64_t> seed = 0;
  /// An answer that does not parse or validate is sent back with the problem at most this many
  /// times (as instructor does); then the item fails.
  std::size_t max_repairs = 2;
  /// Ask for log-probabilities (`top_logprobs` alternatives per token); where the reply has
  /// them, a sample's value is G-Eval's probability-weighted mean (`weighted_choice`).
  bool logprobs = true;
  std::size_t top_logprobs = 10;
  /// Replies by request (template version, parameters, messages); null = no cache.
  std::shared_ptr<judge_cache> cache{};
};

/// Calls and tokens one item cost.
struct judge_usage {
  std::size_t calls = 0;              ///< requests made, repairs and cache hits included
  std::size_t cached_calls = 0;       ///< of those, answered by `judge_options::cache`
  std::size_t repairs = 0;            ///< repair turns sent
  std::size_t prompt_tokens = 0;      ///< of the calls that reached the model
  std::size_t completion_tokens = 0;  ///< of the calls that reached the model
};

/// A rubric judge's verdict on one summary. When `error` is set (the model call threw, the model
/// refused, or no valid answer came after the repairs) the numbers are 0 and `ratings` empty.
struct rubric_result {
  double score = 0.0;           ///< the mean rating mapped to [0, 1]: (rating - low) / (high - low)
  double rating = 0.0;          ///< mean over samples, on the rubric's scale
  double spread = 0.0;          ///< population standard deviation over samples
  std::vector<double> ratings;  ///< per sample
  std::size_t weighted = 0;     ///< samples rated from log-probabilities
  std::string error;            ///< "" or `[precis.judge_failed] ... field 'score': ...`
  judge_usage usage;

  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// The support judge's verdict.
enum class support_verdict : std::uint8_t {
  supported,            ///< 1: everything the claim states is in or follows from the evidence
  partially_supported,  ///< 0.5: some of it is
  not_supported,        ///< 0: none, or the evidence contradicts it
};

/// Stable name: "supported", "partially_supported", "not_supported".
[[nodiscard]] std::string_view support_verdict_name(support_verdict verdict) noexcept;
/// The value of a verdict: supported 1, partially_supported 0.5, not_supported 0.
[[nodiscard]] double support_verdict_value(support_verdict verdict) noexcept;

/// The citation support judge's verdict on one claim.
struct support_result {
  double score = 0.0;  ///< mean verdict value over samples (1, 0.5, 0; or log-prob. weighted)
  support_verdict verdict = support_verdict::not_supported;  ///< of the first sample
  std::string rationale;     ///< of the first sample ("" when the model gave none)
  double spread = 0.0;       ///< population standard deviation of the values over samples
  std::size_t weighted = 0;  ///< samples valued from log-probabilities
  std::string error;         ///< "" or `[precis.judge_failed] ... field 'verdict': ...`
  judge_usage usage;

  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// One choice of an answer's field and its value: {"4", 4.0} for a rating, {"supported", 1.0}.
struct weighted_value {
  std::string_view answer;
  double value = 0.0;
};

/// G-Eval's score of an answer from its log-probabilities: the probability-weighted mean of the
/// `choices` at the token where the value of `field` starts in `reply.text`, renormalized over
/// the alternatives that name a choice; std::nullopt when the reply has no log-probabilities,
/// the field is not found, or no alternative names a choice. An alternative names a choice
/// when, after the text the chosen token had before the value (a space, a quote), it equals the
/// choice, starts with it followed by a character that is not a letter, digit or `_`
/// (`"4}"`), or (not starting with a digit) is the prefix of exactly one choice (`"part"`).
/// The same as Python's `precis.judge.weighted_choice` (letters: ASCII, and any byte of a
/// non-ASCII character). See docs/judge/index.md, "Scores from log-probabilities".
[[nodiscard]] std::optional<double> weighted_choice(const chat_reply& reply, std::string_view field,
                                                    std::span<const weighted_value> choices);

/// One claim and the evidence it cites, for `citation_support_judge::judge_batch`.
struct support_item {
  std::string id;  ///< named in errors (may be empty)
  std::string claim;
  std::vector<source_doc> evidence;
};

/// A G-Eval rubric judge (Liu et al., 2023): the rubric's criteria and evaluation steps, the
/// source and the summary; the model answers {"score": N} on the rubric's scale. Immutable;
/// `judge` and `judge_batch` are `const` and thread-safe when the model is.
class rubric_judge {
 public:
  /// `criterion`: a built-in rubric name (`builtin_rubric`).
  /// @throws precis::error `[precis.invalid_argument]` for an unknown criterion, no model,
  ///   samples 0, low >= high.
  rubric_judge(std::string_view criterion, chat_function model, judge_options options = {});
  /// A rubric of your own; `prompt` overrides the template (`rubric_template_for(r)`); give a
  /// changed prompt a new version. @throws as above, and `[precis.parse_error]` /
  /// `[precis.invalid_argument]` for a prompt whose schema is not a JSON Schema.
  rubric_judge(rubric criterion, chat_function model, judge_options options = {},
               std::optional<prompt_template> prompt = std::nullopt);

  /// Judges `summary` against `source` (shown as given). Never throws for what the model does
  /// (the result's `error` says it); throws `[precis.invalid_utf8]` for invalid input text.
  [[nodiscard]] rubric_result judge(std::string_view summary, std::string_view source = {}) const;
  /// Same with sources shown as `[id] text` paragraphs (`format_sources`).
  /// @throws precis::error `[precis.invalid_argument]` when the criterion reads the source and
  ///   `sources` is empty.
  [[nodiscard]] rubric_result judge(std::string_view summary,
                                    std::span<const source_doc> sources) const;
  /// Judges every record's `summary` against its `sources` on `threads` threads (0 = all cores;
  /// at most `threads` model calls in flight). One result per record, in order; a record that
  /// fails (bad input, model error, refusal, garbage after the repairs) has `error` naming it
  /// (`record 3 (id 'x'), field 'score': ...`); the batch never aborts.
  [[nodiscard]] std::vector<rubric_result> judge_batch(std::span<const record> records,
                                                       unsigned threads = 0) const;

  /// The messages `judge(summary, source)` sends first.
  [[nodiscard]] std::vector<chat_message> messages(std::string_view summary,
                                                   std::string_view source) const;
  [[nodiscard]] const rubric& criterion() const noexcept;
  [[nodiscard]] const prompt_template& prompt() const noexcept;
  /// The request's template tag: the template's plus the rubric's name and version
  /// ("geval-rubric@1+relevance-1").
  [[nodiscard]] const std::string& tag() const noexcept;
  /// The answer's schema as sent (the template's, with the scale as minimum, maximum and enum).
  [[nodiscard]] const std::string& schema() const noexcept;

  struct state;

 private:
  std::shared_ptr<const state> state_;
};

/// Claim-level citation support: a claim and the evidence it cites -> supported (1),
/// partially_supported (0.5) or not_supported (0), with a rationale. Immutable; `const` members
/// are thread-safe when the model is.
class citation_support_judge {
 public:
  /// `prompt` overrides the "citation-support" template.
  /// @throws precis::error `[precis.invalid_argument]` for no model, samples 0, a prompt
  ///   without `$claim` and `$evidence`, or a schema that is not a JSON Schema.
  explicit citation_support_judge(chat_function model, judge_options options = {},
                                  std::optional<prompt_template> prompt = std::nullopt);

  /// Judges `claim` against `evidence` (shown as given). Evidence that is empty or only
  /// whitespace is `not_supported` without a call. Never throws for what the model does;
  /// throws `[precis.invalid_utf8]` for invalid input text.
  [[nodiscard]] support_result judge(std::string_view claim, std::string_view evidence) const;
  /// Same with the evidence shown as `[id] text` paragraphs (`format_sources`).
  [[nodiscard]] support_result judge(std::string_view claim,
                                     std::span<const source_doc> evidence) const;
  /// Every item on `threads` threads; one result per item, in order; failures are per item
  /// (`record 2 (id 'c'), field 'verdict': ...`).
  [[nodiscard]] std::vector<support_result> judge_batch(std::span<const support_item> items,
                                                        unsigned threads = 0) const;

  /// The messages `judge(claim, evidence)` sends first.
  [[nodiscard]] std::vector<chat_message> messages(std::string_view claim,
                                                   std::string_view evidence) const;
  [[nodiscard]] const prompt_template& prompt() const noexcept;
  [[nodiscard]] const std::string& tag() const noexcept;     ///< "citation-support@1"
  [[nodiscard]] const std::string& schema() const noexcept;  ///< as sent

  struct state;

 private:
  std::shared_ptr<const state> state_;
};

/// The support judge as the citation metrics' judge: set `citation_options::judge =
/// support_judge::custom` and `support_fn = support_function(judge, sources)`, with the same
/// `sources` in the same order as the `citation_scorer`'s. The claim is judged against its cited
/// sources as `[id] text` paragraphs (the Python `support=` judge sends the same messages);
/// support is the verdict's value (`support_result::score`: probability-weighted when the reply
/// carries log-probabilities): supported 1, partially_supported 0.5 (at the default
/// `support_threshold` of 0.5 such a claim counts as supported; raise the threshold above 0.5 to
/// count only full support), not_supported 0. Thread-safe as the judge is, so `score_batch`
/// judges up to `threads` claims at once. Replies are cached in `judge_options::cache` when the
/// judge has one (keyed by the template version and the rendered inputs). A claim whose judging
/// fails throws `[precis.support_failed] claim '<claim>': field 'verdict': ...`, which fails that
/// summary's row of `score_batch`, not the batch.
[[nodiscard]] metrics::support_function support_function(const citation_support_judge& judge,
                                                         std::span<const source_doc> sources);

}  // namespace precis::judge
