#pragma once
/// @file json_output.hpp
/// Tolerant but visible parsing of JSON written by an LLM: code fences, prose around the value,
/// a byte-order mark and trailing commas are removed and every removal is reported with its byte
/// offsets; nothing that could change the content (missing values, quotes, truncation) is ever
/// guessed. See docs/structured/json_output.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace precis::structured {

/// Largest nesting depth `json_output_options::max_depth` may be set to.
inline constexpr std::size_t json_max_depth_limit = 10000;

/// What a repair removed.
enum class json_repair_kind : std::uint8_t {
  byte_order_mark,  ///< U+FEFF at the start of the text
  code_fence,       ///< a "```json" opening line or a closing "```"
  leading_text,     ///< prose (or a non-JSON fenced block) before the value
  trailing_text,    ///< prose after the value
  trailing_comma,   ///< a comma before `]` or `}`
};

/// Stable name of a repair kind: "byte_order_mark", "code_fence", "leading_text",
/// "trailing_text", "trailing_comma".
[[nodiscard]] std::string_view json_repair_kind_name(json_repair_kind kind) noexcept;

/// One removal: bytes [begin, end) of the original text were dropped.
struct json_repair {
  json_repair_kind kind;
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// Why no value came out.
enum class json_error_kind : std::uint8_t {
  none,
  empty,         ///< no JSON value in the text at all
  truncated,     ///< the text ends inside the value (offset = where more was expected)
  syntax,        ///< anything else that is not JSON (single quotes, NaN, comments, ...)
  invalid_utf8,  ///< offset of the first invalid byte sequence
  too_deep,      ///< nesting deeper than `max_depth` (offset of the opening bracket)
};

/// Stable name: "none", "empty", "truncated", "syntax", "invalid_utf8", "too_deep".
[[nodiscard]] std::string_view json_error_kind_name(json_error_kind kind) noexcept;

/// Options of `parse_json_output`.
struct json_output_options {
  /// Deepest nesting of arrays/objects accepted (1..json_max_depth_limit); deeper input is a
  /// `too_deep` error, never a stack overflow.
  std::size_t max_depth = 1000;
  bool strip_code_fences = true;  ///< take the JSON out of a ```json ... ``` block
  bool strip_prose = true;        ///< drop text before/after the outermost object or array
  bool allow_trailing_commas = true;
};

/// Result of `parse_json_output`. `ok()` means `json` holds exactly one valid JSON value.
struct json_output {
  std::string json;                  ///< the repaired JSON text (the input minus the repairs)
  std::vector<json_repair> repairs;  ///< in order of offset
  std::size_t begin = 0, end = 0;    ///< where the value lies in the original text
  json_error_kind error = json_error_kind::none;
  std::size_t error_offset = 0;  ///< byte offset in the original text
  std::string message;           ///< e.g. "truncated JSON at byte 57: unclosed object ..."

  [[nodiscard]] bool ok() const noexcept { return error == json_error_kind::none; }
};

/// Extracts and checks the JSON value in `text` (LLM output). Never throws for any input text
/// (errors are reported in the result); throws `[precis.invalid_argument]` for a `max_depth`
/// outside 1..10000.
/// @remarks O(n) for text without prose; with prose, at most 16 candidate starts are tried.
/// Thread-safe. See docs/structured/json_output.md.
[[nodiscard]] json_output parse_json_output(std::string_view text,
                                            const json_output_options& options = {});

/// Strict check of JSON text (no repairs at all): std::nullopt when `text` is exactly one JSON
/// value (surrounding whitespace allowed), else the error as `parse_json_output` reports it.
[[nodiscard]] std::optional<json_output> check_json(std::string_view text,
                                                    std::size_t max_depth = 1000);

/// RFC 6901 escaping of one reference token: "~" -> "~0", "/" -> "~1".
[[nodiscard]] std::string escape_json_pointer_token(std::string_view token);

}  // namespace precis::structured
