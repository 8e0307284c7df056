#pragma once
/// @file porter.hpp
/// The Porter stemmer exactly as NLTK 3.10 `PorterStemmer()` runs it in its default
/// `NLTK_EXTENSIONS` mode with `to_lowercase=True`, which is what Google's `rouge_score` uses for
/// `use_stemmer=True`. See docs/text/stemming.md.

#include <string>
#include <string_view>

namespace precis::text {

/// NLTK-identical Porter stem of `word` (NLTK 3.10 `PorterStemmer().stem(word)`).
///
/// @param word one word in UTF-8. Lowercase ASCII is the input rouge_score produces and the case
///   the parity fixture pins; everything else is handled as NLTK does for the same Python `str`:
///   - the word is lowercased first (ASCII in place; other letters with Unicode full case mapping,
///     as Python's `str.lower()`, so `"ÉTUDES"` gives `"étude"`);
///   - the irregular-forms pool (`skies` -> `sky`, `dying` -> `die`, `news` -> `news`, ...) is
///     looked up with the lowercased word, so `"News"` gives `"news"` as in NLTK 3.10 (NLTK 3.8
///     looked up the word as given and gave `"new"`; nltk/nltk#3567);
///   - words of at most 2 code points are returned lowercased and otherwise unchanged;
///   - the rules run on code points: only `a e i o u` (and `y` after a consonant) are vowels,
///     digits and every other character are consonants.
///   Invalid UTF-8 is not rejected: such a word is stemmed byte by byte (ASCII letters lowercased,
///   every other byte a consonant). Validate text at the boundary (precis/text/utf8.hpp).
/// @return the stem; never longer than the lowercased word.
/// @remarks Pure function, thread-safe. O(n^2) in the word length n in the worst case (measures
///   are recomputed per rule), about 0.1 us for a typical English word. Non-ASCII words take a
///   slower path (decode, ICU lowercasing, encode).
std::string porter_stem(std::string_view word);

/// Same as `porter_stem(word)`, writing into `out` (cleared first). For ASCII words nothing is
/// allocated once `out` has capacity for the word, so reuse one `out` in hot loops.
/// `word` must not alias `out`.
void porter_stem(std::string_view word, std::string& out);

/// `porter_stem(word)` memoized per thread (a bounded table, cleared when it reaches 65,536
/// words): the same result, faster for the words a stream of summaries keeps repeating. The
/// reference stays valid until the calling thread's next call.
const std::string& porter_stem_memo(std::string_view word);

}  // namespace precis::text
