#pragma once
/// @file sentences.hpp
/// Sentence splitting without a downloaded model: ICU's sentence rules (UAX #29), plus English
/// abbreviation handling ("Mr.", "e.g.", "U.S.", "Jan.", initials as in "J. R. R. Tolkien") and
/// newline handling. See docs/text.md ("Sentences").

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace precis::text {

/// One sentence: the byte range [begin, end) in the text (surrounding white space trimmed) and
/// its tokens [first_token, end_token) when it belongs to an `analyzed_text` (0 otherwise).
struct sentence_span {
  std::uint32_t begin;
  std::uint32_t end;
  std::uint32_t first_token;
  std::uint32_t end_token;

  friend bool operator==(const sentence_span&, const sentence_span&) = default;
};

/// Options of `split_sentences`.
struct sentence_options {
  /// Every line break ends a sentence (ROUGE-Lsum style "one sentence per line" input). When
  /// false a single line break is white space and only a blank line (two or more line breaks)
  /// ends a sentence that has no terminal punctuation.
  bool newline_is_boundary = false;
};

/// Sentences of `valid_utf8` in text order; spans are non-empty, trimmed and non-overlapping;
/// white-space-only text gives none. `first_token`/`end_token` are 0.
/// @throws precis::error `[precis.invalid_utf8]` / `[precis.invalid_argument]` as `tokenize`.
/// @remarks Thread-safe (one ICU break iterator per thread). O(n). See docs/text.md.
[[nodiscard]] std::vector<sentence_span> split_sentences(std::string_view valid_utf8,
                                                         const sentence_options& options = {});

namespace detail {
/// UAX #29 sentence breaks of `valid_utf8` as ICU finds them (byte offsets, 0 and the end
/// excluded), before the abbreviation pass. With `own_scan` precis applies the rules itself (with
/// ICU's character classes; several times faster); without, ICU's iterator steps over every
/// character (the reference the tests compare against). Both give the same breaks.
std::vector<std::size_t> icu_sentence_breaks(std::string_view valid_utf8, bool own_scan);
/// Same as `split_sentences` without validation.
std::vector<sentence_span> split_sentences_unchecked(std::string_view valid_utf8,
                                                     const sentence_options& options);
}  // namespace detail

}  // namespace precis::text
