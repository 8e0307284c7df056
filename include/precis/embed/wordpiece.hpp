#pragma once
/// @file wordpiece.hpp
/// The BERT WordPiece tokenizer, step for step as Hugging Face's (the `tokenizers` library's
/// BertNormalizer, BertPreTokenizer, WordPiece model and BERT post-processor, which is what
/// sentence-transformers runs): added special tokens are split off the raw text; then text
/// cleaning (drop NUL, U+FFFD and control characters, whitespace to a space), spaces around CJK
/// ideographs, accent stripping (NFD, drop nonspacing marks) and lower-casing when the model is
/// uncased, splitting on whitespace and punctuation, greedy longest-match WordPiece with `##`
/// continuations (`[UNK]` for a word longer than 100 characters or one that cannot be pieced),
/// and `[CLS] ... [SEP]` with truncation to the model's length. See docs/encoder.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace precis::embed {

/// Options of the tokenizer, named as in `tokenizer.json` / `tokenizer_config.json`.
struct wordpiece_options {
  bool clean_text = true;                ///< drop control characters, map whitespace to ' '
  bool handle_chinese_chars = true;      ///< put spaces around CJK ideographs
  std::optional<bool> strip_accents;     ///< unset: same as `lowercase`
  bool lowercase = true;                 ///< uncased model
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  std::size_t max_input_chars_per_word = 100;
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
};

/// A token matched in the raw text before normalization (the special tokens `[CLS]`, `[MASK]`,
/// ...): `hello [MASK]` gives the id of `[MASK]`, as Hugging Face does.
struct added_token {
  std::string content;
  std::int32_t id = 0;
  bool lstrip = false;  ///< also swallow the whitespace on its left
  bool rstrip = false;  ///< and on its right
};

/// Token ids and token type ids (segment 0 for the first text, 1 for the second of a pair).
struct tokenized {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> type_ids;
};

/// The steps of the tokenizer, in the order it runs them, each usable and tested alone. Text is
/// handled as code points.
namespace wordpiece_steps {
/// UTF-8 to code points. @throws precis::error `[precis.invalid_utf8] text: invalid UTF-8 at byte N`.
[[nodiscard]] std::u32string decode_utf8(std::string_view text);
/// Code points to UTF-8.
[[nodiscard]] std::string encode_utf8(std::u32string_view text);
/// Control character as BertNormalizer: general category Cc, Cf, Co or Cs, except \t \n \r.
/// Categories are those of Unicode 8.0, as in the `tokenizers` library's tables: a code point
/// assigned later is neither control, punctuation nor nonspacing mark; unassigned (Cn) code
/// points are kept (and become [UNK]).
[[nodiscard]] bool is_control(char32_t c) noexcept;
/// \t, \n, \r or a White_Space character.
[[nodiscard]] bool is_whitespace(char32_t c) noexcept;
/// ASCII punctuation (all of !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~) or a P* category (Unicode 8.0).
[[nodiscard]] bool is_punctuation(char32_t c) noexcept;
/// A CJK ideograph (the CJK Unified Ideographs blocks and extensions A-E, compatibility blocks).
[[nodiscard]] bool is_chinese_char(char32_t c) noexcept;
/// Step 1: drops U+0000, U+FFFD and control characters; whitespace becomes ' '.
[[nodiscard]] std::u32string clean_text(std::u32string_view text);
/// Step 2: a space before and after every CJK ideograph.
[[nodiscard]] std::u32string pad_chinese_chars(std::u32string_view text);
/// Step 3: NFD, then nonspacing marks (Mn, Unicode 8.0) removed: "Café" -> "Cafe".
[[nodiscard]] std::u32string strip_accents(std::u32string_view text);
/// Step 4: full lower-case mapping of each code point ("İ" -> "i̇").
[[nodiscard]] std::u32string lowercase(std::u32string_view text);
/// Step 5: words: split on whitespace (removed) and punctuation (each its own word).
[[nodiscard]] std::vector<std::u32string> split_words(std::u32string_view text);
}  // namespace wordpiece_steps

/// A WordPiece tokenizer with its vocabulary. Immutable and thread-safe.
class wordpiece_tokenizer {
 public:
  /// `vocab[i]` is the token of id i.
  /// @throws precis::error `[precis.model_error]` when the unknown, CLS or SEP token is missing.
  wordpiece_tokenizer(std::vector<std::string> vocab, wordpiece_options options,
                      std::vector<added_token> added = {});

  /// Loads a folder's tokenizer: `tokenizer.json` when present (its model must be WordPiece, its
  /// normalizer BertNormalizer), else `vocab.txt` with `tokenizer_config.json`.
  /// @throws precis::error `[precis.io_error]` for a folder without either,
  ///   `[precis.model_error] <file>: ...` for a malformed file, `[precis.unsupported_model]` for
  ///   a BPE (RoBERTa, GPT-2) or SentencePiece (XLM-R, T5) tokenizer.
  static wordpiece_tokenizer from_folder(const std::string& folder);

  /// Word pieces of `text` (no special tokens added).
  [[nodiscard]] std::vector<std::string> tokenize(std::string_view text) const;
  /// Ids of the word pieces of `text` (no special tokens added).
  [[nodiscard]] std::vector<std::int32_t> piece_ids(std::string_view text) const;
  /// `[CLS] text [SEP]`, the pieces cut so that at most `max_length` ids remain (>= 2).
  [[nodiscard]] tokenized encode(std::string_view text, std::size_t max_length) const;
  /// `[CLS] a [SEP] b [SEP]` with type ids 0 then 1, truncated longest-first to `max_length`.
  [[nodiscard]] tokenized encode_pair(std::string_view a, std::string_view b,
                                      std::size_t max_length) const;

  /// Id of `token`, or -1.
  [[nodiscard]] std::int32_t token_to_id(std::string_view token) const;
  /// Token of `id`. @throws precis::error `[precis.invalid_argument]` when out of range.
  [[nodiscard]] const std::string& id_to_token(std::int32_t id) const;
  [[nodiscard]] std::size_t vocab_size() const noexcept { return vocab_.size(); }
  [[nodiscard]] const wordpiece_options& options() const noexcept { return options_; }
  [[nodiscard]] std::int32_t cls_id() const noexcept { return cls_id_; }
  [[nodiscard]] std::int32_t sep_id() const noexcept { return sep_id_; }
  [[nodiscard]] std::int32_t pad_id() const noexcept { return pad_id_; }
  [[nodiscard]] std::int32_t unk_id() const noexcept { return unk_id_; }

 private:
  void append_word_pieces(std::u32string_view word, std::vector<std::int32_t>& out) const;
  void append_normalized_ids(std::string_view text, std::vector<std::int32_t>& out) const;

  struct sv_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept;
  };
  std::vector<std::string> vocab_;
  std::unordered_map<std::string, std::int32_t, sv_hash, std::equal_to<>> ids_;
  wordpiece_options options_;
  std::vector<added_token> added_;
  std::int32_t unk_id_ = -1, cls_id_ = -1, sep_id_ = -1, pad_id_ = 0;
};

}  // namespace precis::embed
