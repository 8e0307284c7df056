#pragma once
/// @file record.hpp
/// The record every batch entry point speaks: one summary with what it is judged against.
/// Vocabulary: *summary* (the text being judged), *source* (what it summarizes, with an id),
/// *reference* (a gold summary), *query* (an optional instruction).

#include <string>
#include <string_view>
#include <vector>

namespace precis {

/// One source document (a post, an article, a retrieved chunk) with its id.
struct source_doc {
  std::string id;    ///< as given, or its 1-based position ("1", "2", ...) when none was given
  std::string text;  ///< UTF-8
};

/// One summary and what it is judged against. Texts are UTF-8; batch calls validate them and name
/// the record and field of any invalid one.
struct record {
  std::string id;                       ///< the record's id, or "line N" when read without one
  std::string summary;                  ///< the text being judged
  std::vector<std::string> references;  ///< gold summaries (may be empty)
  std::vector<source_doc> sources;      ///< what the summary summarizes (may be empty)
  std::string query;                    ///< optional instruction or question
  /// The summary is a structured summary (JSON whose fields carry their sources): the citation
  /// metrics read its claims from the fields. Set by the JSONL reader when the summary field holds
  /// a JSON object or array (kept as its JSON text); see also `looks_structured`.
  bool structured = false;
  /// The expected structured output as strict JSON text, for "json_match" (field-by-field
  /// comparison with the summary, docs/judge/json_compare.md); empty = none.
  std::string gold{};
};

/// Whether a summary given as text is a structured (JSON) summary for the citation metrics: its
/// first non-space character is `{`, or it opens with a code fence (```), as LLMs write JSON.
/// Prose never starts so; `score_records` reads such summaries with `structured::score_structured`.
[[nodiscard]] inline bool looks_structured(std::string_view summary) noexcept {
  const auto first = summary.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  return summary[first] == '{' || summary.substr(first, 3) == "```";
}

}  // namespace precis
