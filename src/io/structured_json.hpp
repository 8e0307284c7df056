#pragma once
// Internal JSON document model and strict parser shared by the structured/ sources
// (json_output.cpp, json_schema.cpp, json_compare.cpp). Not installed: public headers expose JSON as text, so
// nlohmann (linked privately) never leaks, and we keep control of byte offsets, depth and
// truncation reporting, which nlohmann's parser does not give in the form we need.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "precis/structured/json_output.hpp"

namespace precis::structured::detail {

struct member;

/// A JSON value. Numbers are doubles (integers beyond 2^53 lose precision; documented).
/// Copying and destroying never recurse: a value 10,000 levels deep is copied and freed with an
/// explicit stack on the heap, so no operation on it needs stack in proportion to its depth.
struct value {
  enum class kind : std::uint8_t { null, boolean, number, string, array, object };
  kind type = kind::null;
  bool boolean = false;
  bool integer_literal = false;  // written without fraction or exponent
  double number = 0;
  std::string text;             // string value
  std::vector<value> items;     // array
  std::vector<member> members;  // object, in document order (no duplicate keys)

  value() = default;
  value(const value& other);
  value(value&&) noexcept = default;
  value& operator=(const value& other);
  value& operator=(value&& other) noexcept;
  ~value();

  const value* find(std::string_view key) const noexcept;

 private:
  void release_children() noexcept;  // frees the subtree iteratively, leaving items/members empty
};

struct member {
  std::string key;
  value val;
};

inline const value* value::find(std::string_view key) const noexcept {
  for (const auto& m : members)
    if (m.key == key) return &m.val;
  return nullptr;
}

/// Outcome of a strict parse of `text[begin, end)`.
struct parse_outcome {
  bool ok = false;
  json_error_kind error = json_error_kind::none;
  std::size_t error_offset = 0;  // byte offset in `text`
  std::string message;
  std::size_t value_end = 0;                 // offset just past the value (when ok)
  std::vector<std::size_t> trailing_commas;  // offsets of tolerated trailing commas
};

/// Parses one JSON value starting at `begin` without recursion (an explicit stack of open
/// containers on the heap), so any depth up to `max_depth` parses on any thread stack.
/// Parses one JSON value starting at `begin` (leading whitespace skipped) and stops after it;
/// `end` bounds the input. Trailing commas are tolerated only when `allow_trailing_commas`.
/// The text must already be valid UTF-8.
parse_outcome parse_value(std::string_view text, std::size_t begin, std::size_t end, value& out,
                          std::size_t max_depth, bool allow_trailing_commas);

/// Strict: the whole `text` must be one JSON value (whitespace around allowed). Throws
/// `[precis.parse_error] <what>: ...` or `[precis.invalid_utf8] <what>: ...`.
value parse_strict(std::string_view text, std::string_view what, std::size_t max_depth);

/// parse_json_output that also hands back the parsed value (in `out`, when the result is ok).
json_output extract(std::string_view text, const json_output_options& options, value& out);

/// Compact serialization (RFC 8259, UTF-8 kept, shortest round-trip numbers). Iterative.
void dump(const value& v, std::string& out);
std::string dump(const value& v);

/// JSON Schema equality: numbers by value (1 == 1.0), objects regardless of member order.
/// Iterative.
bool equal(const value& a, const value& b) noexcept;

/// Appends "/" + `token` escaped per RFC 6901 (~ -> ~0, / -> ~1).
void append_pointer_token(std::string& pointer, std::string_view token);

/// Shortest round-trip text of a double ("18", "2.5", "1e+300").
std::string number_text(double d);

/// Number of Unicode code points of valid UTF-8.
std::size_t code_points(std::string_view s) noexcept;

}  // namespace precis::structured::detail
