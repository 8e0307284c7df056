#pragma once
/// @file rouge_tokenize.hpp
/// The tokenizer of Google's rouge-score 0.1.2 (`tokenize.tokenize`), byte for byte:
/// Python `text.lower()`, every run of characters outside `[a-z0-9]` becomes a separator, empty
/// tokens are dropped. Stemming (NLTK Porter on tokens longer than 3 characters) is applied by the
/// caller. ROUGE-Lsum splits the text on "\n" before tokenizing; since "\n" is itself a separator,
/// the tokens of the whole text are the concatenation of the sentences' tokens, so one pass reports
/// both. See docs/metrics/rouge.md.

#include <cstddef>
#include <string>
#include <string_view>

namespace precis::metrics::detail {

/// Calls `on_token(std::string_view)` for each token (lowercase ASCII `[a-z0-9]+`) and
/// `on_newline()` for each '\n', in text order. `buffer` is scratch storage.
///
/// Non-ASCII: in Python, only two characters lowercase to something containing `[a-z0-9]`:
/// U+212A KELVIN SIGN -> "k" and U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE -> "i" + U+0307
/// (checked over all of Unicode with CPython 3.11 `str.lower`). So U+212A is the letter `k`,
/// U+0130 is `i` followed by a separator, and every other non-ASCII character is a separator.
/// The text must be valid UTF-8 (checked by the caller).
template <class OnToken, class OnNewline>
void rouge_score_tokenize(std::string_view text, std::string& buffer, OnToken&& on_token,
                          OnNewline&& on_newline) {
  buffer.clear();
  const auto flush = [&] {
    if (!buffer.empty()) {
      on_token(std::string_view(buffer));
      buffer.clear();
    }
  };
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
        buffer.push_back(static_cast<char>(b));
      } else if (b >= 'A' && b <= 'Z') {
        buffer.push_back(static_cast<char>(b + ('a' - 'A')));
      } else {
        flush();
        if (b == '\n') on_newline();
      }
      ++i;
      continue;
    }
    // U+212A KELVIN SIGN = E2 84 AA; U+0130 = C4 B0.
    if (b == 0xE2 && i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0x84 &&
        static_cast<unsigned char>(text[i + 2]) == 0xAA) {
      buffer.push_back('k');
      i += 3;
      continue;
    }
    if (b == 0xC4 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0xB0) {
      buffer.push_back('i');
      flush();  // the U+0307 that follows is a separator
      i += 2;
      continue;
    }
    flush();
    // Skip the rest of this code point (lead byte tells the length; text is valid UTF-8).
    std::size_t len = 1;
    if (b >= 0xF0) {
      len = 4;
    } else if (b >= 0xE0) {
      len = 3;
    } else if (b >= 0xC0) {
      len = 2;
    }
    i += len;
  }
  flush();
}

}  // namespace precis::metrics::detail
