#pragma once
/// @file fact_check.hpp
/// Claim-level checks of numbers, dates, names and negation against the source sentences
/// (docs/metrics/faithfulness.md, "Fact checks"). Shared by faithfulness (all sources) and
/// citation support (the cited sources only).
///
/// A *fact* of a claim is a number (digits, or number words such as "twenty-five") or a name
/// (a capitalized word that does not open the claim and is not one of the subject's words;
/// months and weekdays are names, so a written date is a number and a name). The claim is cut
/// into clauses (at , ; : ( ) and at and, but, while, whereas, although, though, because, yet,
/// however, which); with W(f) the known stems of f's clause other than f's own (at most 12
/// tokens on each side of f),
///     context(f) = max_{j allowed, j writes f} sum_{t in W(f) and j} idf(t)
///     best(f)    = max_{j allowed}             sum_{t in W(f) and j} idf(t)
///     mismatched  <=>  no allowed sentence writes f, or context(f) < context_ratio * best(f)
///                      and the best sentence writes a fact of f's kind that the claim lacks
/// So "38 kilos" where the source writes 38 only in a sentence about something else, or a name
/// swapped for another name of the same source, is caught, while a claim that fuses two source
/// sentences keeps each fact with its own clause, and a fact added from elsewhere to a clause
/// whose best sentence has no competing fact (no other number, or no other name) is let be. Not caught: a fact swapped for another fact of
/// the same source sentence (both are written where the clause's words are).
///
/// *Negation*: the claim and every allowed source sentence are cut into clauses (at , ; : ( )
/// and at and, but, while, whereas, although, though, because, yet); a claim clause whose best
/// clause among the allowed sentences holds at least half of its idf weight must agree with it
/// on negation ("not", "never", "no", "n't", ...).

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "precis/metrics/detail/source_index.hpp"
#include "precis/text/analyzed_text.hpp"

namespace precis::metrics::detail {

/// The number a number token's type writes, canonical ("14,000" -> "14000", "3.50" -> "3.5");
/// "" if it is no plain number.
std::string canonical_number(std::string_view type);

/// Whether a (case-folded) word is a negation cue.
bool is_negation(std::string_view type) noexcept;

/// The case-folded words of a subject's names and aliases, plus the third-person pronouns (he,
/// she, they, him, her, them, his, hers, their, ...); empty when the names hold no word.
/// @throws precis::error `[precis.invalid_utf8] subject: ...`
std::unordered_set<std::string, string_hash, std::equal_to<>> subject_vocabulary(
    std::span<const std::string> names);

/// Sources prepared for the checks, once per scorer.
class fact_index {
 public:
  explicit fact_index(const source_index& index);

  struct clause {
    std::vector<std::uint32_t> stems;  // distinct global stems, sorted
    bool negated = false;
  };
  struct occurrence {
    std::uint32_t sentence;  // index sentence
    std::uint32_t token;     // token of its source
  };
  [[nodiscard]] std::span<const clause> clauses(std::uint32_t sentence) const {
    return clauses_[sentence];
  }
  /// The canonical numbers and the stems of the names (capitalized words not opening the
  /// sentence) that an index sentence writes.
  [[nodiscard]] std::span<const std::string> sentence_numbers(std::uint32_t sentence) const {
    return sentence_numbers_[sentence];
  }
  [[nodiscard]] std::span<const std::uint32_t> sentence_names(std::uint32_t sentence) const {
    return sentence_names_[sentence];
  }
  /// Where the canonical number `value` is written (digits or words).
  [[nodiscard]] std::span<const occurrence> numbers(std::string_view value) const;

 private:
  std::vector<std::vector<clause>> clauses_;
  std::vector<std::vector<std::string>> sentence_numbers_;
  std::vector<std::vector<std::uint32_t>> sentence_names_;
  std::unordered_map<std::string, std::vector<occurrence>, string_hash, std::equal_to<>> numbers_;
};

/// A claim: tokens [first, end) of `text`, with each token's global stem in `stems` (indexed
/// from `first`; no_id for a word no source has, and for the subject's words).
struct claim_tokens {
  const text::analyzed_text& text;
  std::uint32_t first = 0, end = 0;
  std::span<const std::uint32_t> stems;
};

struct fact_verdict {
  /// Token ranges [first, end) of the claim's mismatched facts.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> mismatched;
  bool negation_mismatch = false;
};

/// The checks of one claim. `exempt(word)`: a case-folded word that is never a name (the
/// subject's words); `allowed(sentence)`: whether an index sentence may support the claim.
fact_verdict check_claim(const source_index& index, const fact_index& facts,
                         const claim_tokens& claim,
                         const std::function<bool(std::string_view)>& exempt,
                         const std::function<bool(std::uint32_t)>& allowed, double context_ratio);

}  // namespace precis::metrics::detail
