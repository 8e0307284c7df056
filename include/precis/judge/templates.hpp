#pragma once
/// @file templates.hpp
/// The versioned prompt templates and G-Eval rubrics of the LLM judges. One source for C++ and
/// Python: data/judge/templates.json, embedded into the library at build time and read by
/// `precis.judge.templates` through the extension module; rendering follows Python's
/// `string.Template` exactly, so both languages send byte-identical messages (tested in
/// tests/python/test_judge_cpp.py). See docs/judge/templates.md and docs/judge/cpp.md.

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"
#include "precis/judge/model.hpp"
#include "precis/record.hpp"

namespace precis::judge {

/// Values of a template's placeholders, by name.
using template_values = std::map<std::string, std::string, std::less<>>;

namespace detail {

inline bool is_identifier_start(char c) noexcept {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_identifier_char(char c) noexcept {
  return is_identifier_start(c) || (c >= '0' && c <= '9');
}

/// One `$` construct of Python's string.Template at `text[at]` (a '$'): the placeholder name
/// ("" for `$$`), and the length of the construct; length 0 for an invalid one.
struct placeholder_match {
  std::string_view name;
  std::size_t length = 0;
};

inline placeholder_match match_placeholder(std::string_view text, std::size_t at) noexcept {
  const std::size_t next = at + 1;
  if (next < text.size() && text[next] == '$') return {{}, 2};
  if (next < text.size() && is_identifier_start(text[next])) {
    std::size_t end = next + 1;
    while (end < text.size() && is_identifier_char(text[end])) ++end;
    return {text.substr(next, end - next), end - at};
  }
  if (next + 1 < text.size() && text[next] == '{' && is_identifier_start(text[next + 1])) {
    std::size_t end = next + 2;
    while (end < text.size() && is_identifier_char(text[end])) ++end;
    if (end < text.size() && text[end] == '}')
      return {text.substr(next + 1, end - next - 1), end + 1 - at};
  }
  return {};
}

inline void collect_placeholders(std::string_view text, std::set<std::string, std::less<>>& out) {
  for (std::size_t i = text.find('$'); i != std::string_view::npos; i = text.find('$', i)) {
    const auto m = match_placeholder(text, i);
    if (!m.name.empty()) out.emplace(m.name);
    i += m.length == 0 ? 1 : m.length;
  }
}

}  // namespace detail

/// A versioned prompt: a system and a user message with `$placeholders` (Python's
/// `string.Template` syntax: `$name`, `${name}`, `$$` for a dollar sign; JSON braces need no
/// escaping) and the JSON Schema of the answer. `name@version` is part of every cache key: give
/// a changed prompt a new version.
struct prompt_template {
  std::string name;
  std::string version;
  std::string system;  ///< may be empty (then no system message is sent)
  std::string user;
  std::string schema;       ///< JSON Schema of the answer, JSON text
  std::string description;  ///< one line, for docs

  /// `name@version`, the template's part of a cache key.
  [[nodiscard]] std::string tag() const { return name + "@" + version; }

  /// Names of the placeholders of both messages, sorted.
  [[nodiscard]] std::vector<std::string> placeholders() const {
    std::set<std::string, std::less<>> names;
    detail::collect_placeholders(system, names);
    detail::collect_placeholders(user, names);
    return {names.begin(), names.end()};
  }

  /// The chat messages (system if not empty, then user) with every placeholder filled; values
  /// that no placeholder names are ignored, as Python's `Template.render` does.
  /// @throws precis::error `[precis.invalid_argument] template 'tag' needs a, b` when values
  ///   are missing, and for a `$` that starts no placeholder (write `$$`).
  [[nodiscard]] std::vector<chat_message> render(const template_values& values) const {
    std::string missing;
    for (const auto& placeholder : placeholders()) {
      if (values.find(placeholder) == values.end()) {
        missing += (missing.empty() ? "" : ", ") + placeholder;
      }
    }
    if (!missing.empty()) raise("invalid_argument", "template '" + tag() + "' needs " + missing);
    std::vector<chat_message> out;
    if (!system.empty()) out.push_back({"system", substitute(system, "system", values)});
    out.push_back({"user", substitute(user, "user", values)});
    return out;
  }

 private:
  std::string substitute(std::string_view text, std::string_view which,
                         const template_values& values) const {
    std::string out;
    out.reserve(text.size());
    std::size_t done = 0;
    for (std::size_t i = text.find('$'); i != std::string_view::npos; i = text.find('$', done)) {
      out.append(text, done, i - done);
      const auto m = detail::match_placeholder(text, i);
      if (m.length == 0) {
        raise("invalid_argument", "template '" + tag() + "': invalid placeholder at byte " +
                                      std::to_string(i) + " of the " + std::string(which) +
                                      " message (write $$ for a dollar sign)");
      }
      if (m.name.empty()) {
        out += '$';
      } else {
        out += values.find(m.name)->second;
      }
      done = i + m.length;
    }
    out.append(text, done);
    return out;
  }
};

/// One G-Eval criterion: its name, definition, evaluation steps, integer scale, and whether the
/// judge reads the source (fluency does not).
struct rubric {
  std::string name;
  std::string criteria;
  std::vector<std::string> steps;
  int low = 1;
  int high = 5;
  bool needs_source = true;
  std::string version = "1";

  /// The template values it provides: `criterion`, `Criterion` (first letter upper-cased; ASCII
  /// letters only, where Python's `str.upper` also changes a non-ASCII first letter), `criteria`,
  /// `steps` ("1. ...\n2. ..."), `low`, `high`.
  [[nodiscard]] template_values fill() const {
    std::string capitalized = name;
    if (!capitalized.empty() && capitalized[0] >= 'a' && capitalized[0] <= 'z') {
      capitalized[0] = static_cast<char>(capitalized[0] - 'a' + 'A');
    }
    std::string numbered;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (i > 0) numbered += '\n';
      numbered += std::to_string(i + 1) + ". " + steps[i];
    }
    return {{"criterion", name}, {"Criterion", capitalized},   {"criteria", criteria},
            {"steps", numbered}, {"low", std::to_string(low)}, {"high", std::to_string(high)}};
  }
};

/// Sources as the judges show them: one `[id] text` paragraph each, separated by a blank line;
/// an empty id is the source's 1-based position (as `source_doc` documents).
[[nodiscard]] inline std::string format_sources(std::span<const source_doc> sources) {
  std::string out;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (i > 0) out += "\n\n";
    out += '[';
    out += sources[i].id.empty() ? std::to_string(i + 1) : sources[i].id;
    out += "] ";
    out += sources[i].text;
  }
  return out;
}

/// The built-in templates' and rubrics' data: data/judge/templates.json as embedded at build
/// time (what `precis.judge.templates` reads too).
[[nodiscard]] std::string_view builtin_templates_json() noexcept;

/// A built-in template: "geval-rubric", "geval-rubric-summary-only", "citation-support",
/// "field-support", "pairwise". Its `schema` is in the form Python's `json.dumps` writes.
/// @throws precis::error `[precis.invalid_argument]` for another name.
[[nodiscard]] const prompt_template& builtin_template(std::string_view name);
/// Names of the built-in templates, in the data file's order.
[[nodiscard]] std::vector<std::string> builtin_template_names();

/// A built-in rubric: "relevance", "consistency", "coherence", "fluency", "conciseness".
/// @throws precis::error `[precis.invalid_argument] unknown criterion 'x' (expected ...)`.
[[nodiscard]] const rubric& builtin_rubric(std::string_view name);
/// Names of the built-in rubrics, in the data file's order.
[[nodiscard]] std::vector<std::string> builtin_rubric_names();

/// The rubric template that fits `r`: "geval-rubric", or "geval-rubric-summary-only" when it
/// needs no source.
[[nodiscard]] const prompt_template& rubric_template_for(const rubric& r);

/// JSON text re-written as Python's `json.dumps(value, ensure_ascii=False)` writes it (", " and
/// ": " separators, keys in their order): the form of the schemas in requests and repair turns.
/// @throws precis::error `[precis.parse_error] schema: ...` when `json` is not JSON.
[[nodiscard]] std::string python_json_text(std::string_view json);

}  // namespace precis::judge
