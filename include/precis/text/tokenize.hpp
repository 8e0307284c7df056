#pragma once
/// @file tokenize.hpp
/// Word tokenization of UTF-8 text: Unicode word boundaries (UAX #29 as ICU implements them, with
/// dictionary segmentation for Chinese, Japanese, Thai, Lao, Khmer and Burmese), numbers kept as
/// tokens, punctuation dropped unless asked for. Pure-ASCII stretches take a fast path that yields
/// exactly the tokens ICU would. See docs/text.md ("Tokenization").

#include <cstdint>
#include <string_view>
#include <vector>

namespace precis::text {

/// What a token is made of.
enum class token_kind : std::uint8_t {
  word,         ///< contains a letter (any script but the ones below): "don't", "café", "3rd"
  number,       ///< digits, no letters, with inner separators: "2021", "14,000", "3.5", "①"
  ideograph,    ///< Han, Hiragana, Katakana, Thai, Lao, Khmer or Myanmar: a dictionary word or,
                ///< in `cjk_mode::character`, one Han/kana character
  punctuation,  ///< anything else that is not white space (only with `keep_punctuation`)
};

/// How Han/Hiragana/Katakana runs become tokens.
enum class cjk_mode : std::uint8_t {
  dictionary,  ///< ICU's dictionary words ("北京大学" -> "北京", "大学")
  character,   ///< one token per character (with its combining marks); Thai etc. stay words
};

/// One token: the byte range [begin, end) in the tokenized text, and its kind.
struct token {
  std::uint32_t begin;
  std::uint32_t end;
  token_kind kind;

  friend bool operator==(const token&, const token&) = default;
};

/// Options of `tokenize`.
struct tokenize_options {
  cjk_mode cjk = cjk_mode::dictionary;  ///< see `cjk_mode`
  bool keep_punctuation = false;        ///< also emit `token_kind::punctuation` tokens
};

/// Tokens of `valid_utf8` in text order. Tokens never overlap and never contain white space.
/// @throws precis::error `[precis.invalid_utf8]` when the text is not valid UTF-8, and
///   `[precis.invalid_argument]` when it is 4 GiB or longer (offsets are 32-bit).
/// @remarks Thread-safe (one ICU break iterator per thread, cloned once). O(n); about 10 M
///   words/s on ASCII. See docs/text.md.
[[nodiscard]] std::vector<token> tokenize(std::string_view valid_utf8,
                                          const tokenize_options& options = {});

/// Same as `tokenize`, appending to `out` (not cleared) without validating the text first.
/// `valid_utf8` must be valid UTF-8 (behaviour is unspecified otherwise).
void tokenize_into(std::string_view valid_utf8, const tokenize_options& options,
                   std::vector<token>& out);

namespace detail {
/// The ICU path alone over the whole text (no ASCII fast path), appending to `out`; tests compare
/// it with `tokenize_into`. `valid_utf8` must be valid UTF-8.
void tokenize_icu(std::string_view valid_utf8, const tokenize_options& options,
                  std::vector<token>& out);
}  // namespace detail

}  // namespace precis::text
