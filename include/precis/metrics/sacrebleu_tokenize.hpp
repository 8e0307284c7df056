#pragma once
/// @file sacrebleu_tokenize.hpp
/// sacrebleu's BLEU tokenizers (`13a`, `none`, `zh`, `char`, `intl`), reproduced byte for byte
/// from sacrebleu 2.6, plus the compatibility version named in precis' sacrebleu signatures.
/// sacrebleu's `ja-mecab`, `ko-mecab`, `flores101`, `flores200` and `spm` tokenizers need external
/// models or MeCab dictionaries and are not provided. See docs/metrics/bleu.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace precis::metrics {

/// The sacrebleu release whose algorithms precis reproduces; the `version:` field of the
/// signatures produced by `bleu_signature` and `chrf_signature`.
inline constexpr std::string_view sacrebleu_compat_version = "2.6.0";

/// sacrebleu's BLEU tokenizers that precis provides.
enum class sacrebleu_tokenizer : std::uint8_t {
  mteval_13a,  ///< `13a` (default): mteval-v13a.pl, as WMT uses it
  none,        ///< `none`: split on whitespace only
  zh,          ///< `zh`: every CJK character is a token, the rest as `13a` without its escapes
  character,   ///< `char`: every non-whitespace character is a token
  intl,        ///< `intl`: mteval-v14 international (Unicode punctuation and symbols)
};

/// sacrebleu's name of `tokenizer` (`13a`, `none`, `zh`, `char`, `intl`), as used in signatures.
[[nodiscard]] std::string_view to_string(sacrebleu_tokenizer tokenizer) noexcept;

/// The tokenizer sacrebleu calls `name`.
/// @throws precis::error `[precis.invalid_argument]` for an unknown name, and for sacrebleu's
///         tokenizers that precis does not provide (`ja-mecab`, `ko-mecab`, `flores101`,
///         `flores200`, `spm`), saying so.
[[nodiscard]] sacrebleu_tokenizer parse_sacrebleu_tokenizer(std::string_view name);

/// `text` preprocessed exactly as sacrebleu's BLEU does it: lower-cased with Python's
/// `str.lower()` when `lowercase`, trailing whitespace stripped, then tokenized; the tokens are
/// joined by single spaces (sacrebleu's tokenizer output string).
/// @throws precis::error `[precis.invalid_utf8]` when `text` is not valid UTF-8.
[[nodiscard]] std::string sacrebleu_tokenize(
    std::string_view text, sacrebleu_tokenizer tokenizer = sacrebleu_tokenizer::mteval_13a,
    bool lowercase = false);

/// The tokens of `sacrebleu_tokenize(text, tokenizer, lowercase)`, one string each.
/// @throws precis::error `[precis.invalid_utf8]` when `text` is not valid UTF-8.
[[nodiscard]] std::vector<std::string> sacrebleu_tokens(
    std::string_view text, sacrebleu_tokenizer tokenizer = sacrebleu_tokenizer::mteval_13a,
    bool lowercase = false);

}  // namespace precis::metrics
