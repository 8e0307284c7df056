#pragma once
/// @file structured_citations.hpp
/// Structured summaries whose values carry citations: JSON following an extraction schema, e.g.
/// `{"occupation": {"value": "nurse", "sources": ["post_17"]}}` or
/// `{"claims": [{"text": "...", "citations": [1, 3]}]}`, parsed tolerantly with
/// `parse_json_output` and turned into claims (one per field, named by its JSON Pointer) for
/// `citation_scorer::score_claims`. See docs/metrics/citations.md ("Structured summaries").

#include <string>
#include <string_view>
#include <vector>

#include "precis/structured/json_output.hpp"
#include "precis/metrics/citations.hpp"

namespace precis::structured {

/// Options of `structured_claims`.
struct structured_citation_options {
  /// An object with one of these keys *and* one of `citation_keys` is one field claim (its value
  /// is the claim); the first key present wins.
  std::vector<std::string> value_keys{"value", "text", "claim", "statement", "answer", "fact"};
  std::vector<std::string> citation_keys{"sources",    "citations", "source_ids",
                                         "source",     "citation",  "refs",
                                         "references", "evidence",  "source_id"};
  /// Scalar leaves outside such objects are claims too (without citations, unless their text
  /// holds markers and `inline_markers` is set).
  bool leaves_are_claims = true;
  bool inline_markers = true;  ///< parse `[1]`-style markers inside string values
  json_output_options json{};  ///< tolerant parsing (code fences, prose, trailing commas)
};

/// The claims of a structured summary and how its JSON was read.
struct structured_claims_result {
  std::vector<metrics::claim_input> claims;  ///< in document order; `pointer` set
  json_output parse;                         ///< repairs made while reading the JSON
};

/// Reads a structured summary. Citation values may be a string (one key, or text with markers),
/// a number (1-based position) or an array of those.
/// @throws precis::error `[precis.parse_error] structured summary: <what parse_json_output
///   reported>` for text that is not JSON (truncated, too deep, ...), and `[precis.parse_error]
///   structured summary, field '/a/0': citations must be strings or numbers` for bad citations.
[[nodiscard]] structured_claims_result structured_claims(
    std::string_view json_text, const structured_citation_options& options = {},
    const metrics::citation_options& markers = {});

/// `structured_claims` scored by `scorer` (its options parse inline markers).
[[nodiscard]] metrics::citation_result score_structured(
    const metrics::citation_scorer& scorer, std::string_view json_text,
    const structured_citation_options& options = {});

}  // namespace precis::structured
