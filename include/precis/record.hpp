#pragma once
/// @file record.hpp
/// The record every batch entry point speaks: one summary with what it is judged against.
/// Vocabulary: *summary* (the text being judged), *source* (what it summarizes, with an id),
/// *reference* (a gold summary), *query* (an optional instruction).

#include <string>
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
};

}  // namespace precis
