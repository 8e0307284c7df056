#pragma once
/// @file json_compare.hpp
/// Field-by-field comparison of a structured summary (JSON written by an LLM) with a gold JSON
/// object, for extraction accuracy: exact or normalized strings, numbers within a tolerance,
/// lists as sets (precision / recall / F1) or in order; one result per gold field, addressed by
/// JSON Pointer, and the mean as the headline score. See docs/structured/json_compare.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "precis/structured/json_output.hpp"

namespace precis::structured {

/// How two strings are compared.
enum class string_match : std::uint8_t {
  exact,       ///< byte equality
  normalized,  ///< equal after NFKC + case folding, whitespace runs collapsed to one space, trimmed
};

/// How a gold list of scalars is compared.
enum class list_match : std::uint8_t {
  set,      ///< one-to-one matching regardless of order; score = F1 (multiset semantics)
  ordered,  ///< same length and element i matches element i; score 1 or 0
};

/// Overrides for one gold field (or every field under it), by JSON Pointer of the gold value.
struct field_rule {
  std::optional<string_match> strings;
  std::optional<list_match> lists;
  std::optional<double> tolerance;
  std::optional<double> relative_tolerance;
  bool ignore = false;  ///< leave the field (and everything under it) out of the score
};

/// Options of `compare_json`.
struct json_compare_options {
  string_match strings = string_match::normalized;
  list_match lists = list_match::set;
  double tolerance = 0.0;           ///< numbers match when |out - gold| <= max(tolerance,
  double relative_tolerance = 0.0;  ///<   relative_tolerance * |gold|)
  /// Rules by pointer; the rule of the longest pointer that is the field or one of its parents
  /// applies (e.g. {"/name", {.strings = string_match::exact}}).
  std::vector<std::pair<std::string, field_rule>> rules;
  json_output_options parse;  ///< how the output is read (tolerantly, as parse_json_output)
};

/// One gold field.
struct field_comparison {
  std::string pointer;  ///< RFC 6901 pointer of the field in the gold object
  /// "exact", "normalized", "numeric", "set", "ordered", "missing" (absent from the output),
  /// "type_mismatch".
  std::string method;
  double score = 0.0;                    ///< 0..1 (F1 for sets, else 0 or 1)
  double precision = 1.0, recall = 1.0;  ///< sets only (1 otherwise)
  std::string expected;                  ///< the gold value as compact JSON
  std::string actual;                    ///< the output value as compact JSON ("" when missing)
};

/// Result of `compare_json`.
struct json_compare_result {
  double score = 0.0;       ///< accuracy: mean field score (1 when the gold has no field)
  std::size_t fields = 0;   ///< gold fields compared
  std::size_t matched = 0;  ///< fields with score 1
  std::size_t missing = 0;  ///< fields absent from the output
  std::vector<field_comparison> details;  ///< one per gold field, in gold document order
  std::vector<std::string> extra;         ///< pointers of output values the gold does not have
  json_output parse;  ///< how the output was read; on a parse error every field is missing
};

/// Compares `output` (LLM output, parsed tolerantly) with `gold` (strict JSON). The gold fields
/// are its leaves: scalars, lists of scalars, and empty objects/arrays; lists holding objects or
/// lists are compared index by index. Throws `[precis.parse_error] gold: ...` (or
/// `[precis.invalid_utf8] gold: ...`) when the gold is not JSON.
/// @remarks O(total size + sum over lists of |gold| * |output|). Thread-safe.
[[nodiscard]] json_compare_result compare_json(std::string_view output, std::string_view gold,
                                               const json_compare_options& options = {});

}  // namespace precis::structured
