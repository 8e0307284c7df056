#pragma once
/// @file normalize.hpp
/// Unicode normalization (NFKC) and case folding of UTF-8 text, with an ASCII fast path.
/// See docs/text.md ("Normalization").

#include <string>
#include <string_view>

namespace precis::text {

/// True when every byte of `s` is below 0x80 (checked eight bytes at a time).
[[nodiscard]] bool is_ascii(std::string_view s) noexcept;

/// `s` with ASCII A-Z lowered and every other byte unchanged, into `out` (resized): the case
/// folding of ASCII text, and of the ASCII letters of any UTF-8 text.
void ascii_lower_into(std::string_view s, std::string& out);

/// `s` normalized for comparison: NFKC (compatibility composition: "ﬁ" -> "fi", "①" -> "1",
/// full-width "Ａ" -> "A") and/or full Unicode case folding ("Straße" -> "strasse", Greek final
/// sigma "ς" -> "σ"). With both on the result is NFKC(fold(NFKC(s))), so it is closed under both.
/// Pure ASCII needs no NFKC and folds with `tolower`; other text goes through Boost.Locale's ICU
/// backend (the locale is generated once per process).
/// @param valid_utf8 UTF-8 text; throws `[precis.invalid_utf8] text: invalid UTF-8 at byte N`
///   when it is not valid.
/// @remarks Thread-safe. O(n). See docs/text.md.
[[nodiscard]] std::string normalize(std::string_view valid_utf8, bool nfkc = true,
                                    bool case_fold = true);

/// Same as `normalize`, writing into `out` (cleared first; reuse it to avoid allocations on the
/// ASCII path). `valid_utf8` must not alias `out`. Does not validate: the caller has.
void normalize_into(std::string_view valid_utf8, std::string& out, bool nfkc = true,
                    bool case_fold = true);

}  // namespace precis::text
