#pragma once
/// @file json_schema.hpp
/// JSON Schema (draft 2020-12 subset) validation of structured LLM output: a schema is compiled
/// once into an immutable, thread-safe validator; each document yields every violation as a JSON
/// Pointer + keyword + message, and a field-level partial-credit `score` in [0, 1].
/// See docs/structured/json_schema.md.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "precis/structured/json_output.hpp"

namespace precis::structured {

/// One failed check. `pointer` is the RFC 6901 JSON Pointer of the offending value in the
/// document ("" is the root; for `required` and `additionalProperties`, the pointer of the
/// missing or extra property itself); `keyword` the schema keyword ("type", "required", ...,
/// or "parse" when the document is not JSON).
struct schema_violation {
  std::string pointer;
  std::string keyword;
  std::string message;

  friend bool operator==(const schema_violation&, const schema_violation&) = default;
};

/// Result of a validation. `score` first: 1 when valid, else the field-level partial credit
/// (docs/structured/json_schema.md, "Score"); 0 when the document is not JSON.
struct schema_result {
  double score = 1.0;
  bool valid = true;
  std::vector<schema_violation> violations;  ///< in document order of evaluation
  json_output parse;  ///< how the document was read: repaired text, repairs, parse error
};

/// Options of a compiled schema.
struct json_schema_options {
  /// Nesting limit for documents (1..10000; see json_output_options::max_depth).
  std::size_t max_depth = 1000;
  /// Violations kept per document (the score and `valid` still count all of them).
  std::size_t max_violations = 1000;
  /// Check the `format` keywords precis knows (date, time, date-time, email, hostname, ipv4,
  /// ipv6, uri, uri-reference, uuid, json-pointer) as assertions; other formats, and all when
  /// false, are listed by json_schema::unchecked_formats().
  bool check_formats = true;
};

/// A `format` keyword that is not checked: where in the schema and which format.
struct unchecked_format {
  std::string pointer;  ///< JSON Pointer of the schema object holding it
  std::string format;

  friend bool operator==(const unchecked_format&, const unchecked_format&) = default;
};

/// A compiled JSON Schema. Immutable after construction; `validate*` are `const` and thread-safe,
/// and copies share the compiled form.
class json_schema {
 public:
  /// Compiles `schema_json` (strict JSON text). Throws `[precis.parse_error] schema: ...` when it
  /// is not JSON and `[precis.invalid_argument] schema: at <pointer>: ...` for an invalid or
  /// unsupported schema (wrong keyword value type, bad regex, $ref outside the document or to a
  /// missing location). Unknown keywords are ignored.
  explicit json_schema(std::string_view schema_json, const json_schema_options& options = {});

  /// Validates strict JSON text (no repairs; a parse error is a "parse" violation, score 0).
  [[nodiscard]] schema_result validate(std::string_view json_text) const;

  /// Validates LLM output after `parse_json_output` (fences, prose ... removed and reported in
  /// `result.parse`), with the default parse options and this schema's `max_depth`.
  [[nodiscard]] schema_result validate_output(std::string_view llm_output) const;

  /// Same with explicit parse options (their `max_depth` applies).
  [[nodiscard]] schema_result validate_output(std::string_view llm_output,
                                              const json_output_options& parse_options) const;

  /// Validates every text on `threads` threads (0 = all cores); one result per text, in order.
  /// `tolerant` selects `validate_output` (true) or `validate` (false).
  [[nodiscard]] std::vector<schema_result> validate_batch(const std::vector<std::string>& texts,
                                                          bool tolerant = true,
                                                          unsigned threads = 0) const;

  /// The `format` keywords this schema does not check (unknown, or check_formats off), sorted by
  /// pointer (schemas reached through `$ref` included), so that none is ignored silently.
  [[nodiscard]] const std::vector<unchecked_format>& unchecked_formats() const;

  struct impl;

 private:
  std::shared_ptr<const impl> impl_;
};

}  // namespace precis::structured
