#pragma once
/// @file bleu_tokenize.hpp
/// Internal: the token buffer the BLEU and chrF kernels fill, and the Python string semantics
/// (`str.split()`, `str.lower()`) they need. Implemented in src/metrics/sacrebleu_tokenize.cpp so
/// that ICU stays out of public headers.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "precis/metrics/sacrebleu_tokenize.hpp"

namespace precis::metrics::detail {

/// Tokens as views into one byte buffer, reused across fills so refilling does not allocate.
///
/// Why views: the 13a tokenizer copies the text into `bytes` once (`assign_text`) and records
/// every token as a (begin, end) pair into it (`add`), instead of copying each token separately;
/// other tokenizers append token bytes (`push`). Why padding: `bytes` always holds at least
/// `padding` initialized bytes past the end of the last token, so the BLEU vocabulary can load
/// a whole 8-byte word at any token position (and mask off what lies past the token) without a
/// bounds check or a call to memcpy for a variable length.
struct token_list {
  static constexpr std::size_t padding = 8;

  struct span {
    std::uint32_t begin;
    std::uint32_t end;
  };

  std::string bytes;        // token bytes; size() >= used + padding once anything was stored
  std::size_t used = 0;     // bytes in use; the rest is padding (any initialized content)
  std::vector<span> spans;  // token i is bytes[spans[i].begin, spans[i].end)

  void clear() noexcept {
    used = 0;
    spans.clear();
  }
  [[nodiscard]] std::size_t size() const noexcept { return spans.size(); }
  [[nodiscard]] std::string_view operator[](std::size_t i) const noexcept {
    return std::string_view(bytes.data() + spans[i].begin, spans[i].end - spans[i].begin);
  }
  /// Appends a copy of `token`, which must not point into this list.
  void push(std::string_view token) {
    make_room(used + token.size());
    if (!token.empty()) std::memcpy(bytes.data() + used, token.data(), token.size());
    spans.push_back(
        {static_cast<std::uint32_t>(used), static_cast<std::uint32_t>(used + token.size())});
    used += token.size();
  }
  /// Replaces the stored bytes with a copy of `text` (and no tokens); `add` then records views.
  void assign_text(std::string_view text) {
    clear();
    make_room(text.size());
    if (!text.empty()) std::memcpy(bytes.data(), text.data(), text.size());
    used = text.size();
  }
  /// Records bytes[begin, end) as the next token.
  void add(std::size_t begin, std::size_t end) {
    spans.push_back({static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)});
  }

 private:
  void make_room(std::size_t n) {
    if (bytes.size() < n + padding) bytes.resize(std::max(n + padding, 2 * bytes.size()));
  }
};

/// Decodes the code point at `s[i]` (valid UTF-8 assumed) and advances `i`.
inline char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const auto cont = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]) & 0x3FU);
  };
  char32_t cp;
  if (b0 < 0xE0) {
    cp = (static_cast<char32_t>(b0 & 0x1FU) << 6) | cont(1);
    i += 2;
  } else if (b0 < 0xF0) {
    cp = (static_cast<char32_t>(b0 & 0x0FU) << 12) | (cont(1) << 6) | cont(2);
    i += 3;
  } else {
    cp = (static_cast<char32_t>(b0 & 0x07U) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
    i += 4;
  }
  return cp;
}

/// Appends the UTF-8 encoding of `cp` to `out`.
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Python's `str.isspace()` for one code point: what `str.split()` and `str.strip()` cut on.
constexpr bool is_python_space(char32_t c) noexcept {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

/// Appends Python's `str.lower()` of `text` (full Unicode lower-casing, final sigma) to `out`.
void python_lower(std::string_view text, std::string& out);

/// Python's `text.split()`: appends the whitespace-separated pieces of `text` to `out`.
void python_split(std::string_view text, token_list& out);

/// Replaces `out` with the tokens of sacrebleu's BLEU preprocessing of `text` (optional
/// lower-casing, `rstrip()`, the tokenizer, `split()`). `scratch` is reused working space.
void sacrebleu_tokenize_into(std::string_view text, sacrebleu_tokenizer tokenizer, bool lowercase,
                             token_list& out, std::string& scratch);

}  // namespace precis::metrics::detail
