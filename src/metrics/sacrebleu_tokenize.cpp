// sacrebleu 2.6's BLEU tokenizers and the Python string semantics they rely on.
//
// sacrebleu runs regular expressions over Python strings; precis reproduces their effect exactly
// with hand-written scans. The `13a` tokenizer has a fast path: text between whitespace that holds
// none of the characters the regular expressions react to is a token as it is; other pieces are
// cut where the four substitution passes would insert spaces (split_piece_13a), and `zh` runs a
// byte-exact emulation of the passes (regexp_passes). 13a tokens are views into one copy of the
// text (token_list::assign_text), not copies of their own.

#include "precis/metrics/sacrebleu_tokenize.hpp"

#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"
#include "precis/metrics/detail/bleu_tokenize.hpp"
#include "precis/text/utf8.hpp"

namespace precis::metrics {

namespace detail {
namespace {

// Byte classes for the 13a fast path.
enum : std::uint8_t { plain = 0, special = 1, space = 2, maybe_space = 3 };

constexpr std::array<std::uint8_t, 256> make_byte_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0x09; c <= 0x0D; ++c) t[static_cast<std::size_t>(c)] = space;
  for (int c = 0x1C; c <= 0x20; ++c) t[static_cast<std::size_t>(c)] = space;
  // The first regular expression's class [{-~[-` -&(-+:-@/] (space excluded, it is whitespace),
  // plus '.', ',' and '-' that the other three react to.
  for (int c = 0x21; c <= 0x26; ++c) t[static_cast<std::size_t>(c)] = special;
  for (int c = 0x28; c <= 0x2F; ++c) t[static_cast<std::size_t>(c)] = special;  // ( ) * + , - . /
  for (int c = 0x3A; c <= 0x40; ++c) t[static_cast<std::size_t>(c)] = special;
  for (int c = 0x5B; c <= 0x60; ++c) t[static_cast<std::size_t>(c)] = special;
  for (int c = 0x7B; c <= 0x7E; ++c) t[static_cast<std::size_t>(c)] = special;
  // Lead bytes of the non-ASCII code points Python counts as whitespace (U+0085, U+00A0, U+1680,
  // U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
  t[0xC2] = maybe_space;
  t[0xE1] = maybe_space;
  t[0xE2] = maybe_space;
  t[0xE3] = maybe_space;
  return t;
}
constexpr std::array<std::uint8_t, 256> byte_class = make_byte_classes();

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// First pass of sacrebleu's TokenizerRegexp: ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> ' \1 '.
constexpr bool in_first_class(unsigned char c) noexcept {
  return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
         (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F;
}

// The four substitutions of sacrebleu's TokenizerRegexp, each a left-to-right scan for
// non-overlapping two-character matches as Python's re.sub does. Working on bytes is exact: every
// pattern character is ASCII, and a multi-byte character is never split (its bytes are neither
// digits nor '.', ',' or '-'). The result is left in `a`.
void regexp_passes(std::string_view in, std::string& a, std::string& b) {
  a.clear();
  for (const char ch : in) {
    if (in_first_class(static_cast<unsigned char>(ch))) {
      a.push_back(' ');
      a.push_back(ch);
      a.push_back(' ');
    } else {
      a.push_back(ch);
    }
  }
  // ([^0-9])([\.,]) -> '\1 \2 '
  b.clear();
  for (std::size_t i = 0, n = a.size(); i < n;) {
    if (i + 1 < n && !is_digit(a[i]) && (a[i + 1] == '.' || a[i + 1] == ',')) {
      b.push_back(a[i]);
      b.push_back(' ');
      b.push_back(a[i + 1]);
      b.push_back(' ');
      i += 2;
    } else {
      b.push_back(a[i++]);
    }
  }
  // ([\.,])([^0-9]) -> ' \1 \2'
  a.clear();
  for (std::size_t i = 0, n = b.size(); i < n;) {
    if (i + 1 < n && (b[i] == '.' || b[i] == ',') && !is_digit(b[i + 1])) {
      a.push_back(' ');
      a.push_back(b[i]);
      a.push_back(' ');
      a.push_back(b[i + 1]);
      i += 2;
    } else {
      a.push_back(b[i++]);
    }
  }
  // ([0-9])(-) -> '\1 \2 '
  b.clear();
  for (std::size_t i = 0, n = a.size(); i < n;) {
    if (i + 1 < n && is_digit(a[i]) && a[i + 1] == '-') {
      b.push_back(a[i]);
      b.push_back(' ');
      b.push_back('-');
      b.push_back(' ');
      i += 2;
    } else {
      b.push_back(a[i++]);
    }
  }
  a.swap(b);
}

// Length in bytes of the Python whitespace character starting at s[i], or 0.
inline std::size_t space_length(std::string_view s, std::size_t i) noexcept {
  const std::uint8_t cls = byte_class[static_cast<unsigned char>(s[i])];
  if (cls == space) return 1;
  // (Without the hint GCC decodes the code point speculatively on every call.)
  if (cls != maybe_space) [[likely]] {
    return 0;
  }
  std::size_t j = i;
  const char32_t cp = next_code_point(s, j);
  return is_python_space(cp) ? j - i : 0;
}

// Python's str.rstrip() / str.lstrip().
std::string_view rstrip(std::string_view s) noexcept {
  while (!s.empty()) {
    // Find the start of the last code point.
    std::size_t k = s.size() - 1;
    while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0U) == 0x80U) --k;
    std::size_t j = k;
    if (!is_python_space(next_code_point(s, j))) break;
    s.remove_suffix(s.size() - k);
  }
  return s;
}

std::string_view lstrip(std::string_view s) noexcept {
  while (!s.empty()) {
    const std::size_t len = space_length(s, 0);
    if (len == 0) break;
    s.remove_prefix(len);
  }
  return s;
}

// Python's str.replace(from, to) over the whole string.
void replace_all(std::string& s, std::string_view from, std::string_view to, std::string& tmp) {
  if (s.find(from) == std::string::npos) return;
  tmp.clear();
  std::size_t pos = 0;
  for (;;) {
    const std::size_t at = s.find(from, pos);
    if (at == std::string::npos) break;
    tmp.append(s, pos, at - pos);
    tmp.append(to);
    pos = at + from.size();
  }
  tmp.append(s, pos, std::string::npos);
  s.swap(tmp);
}

struct tokenizer_scratch {
  std::string escaped, tmp, a, b, piece;
  std::vector<unsigned char> gaps;
  std::u32string cps, cps2;
};

// Not inlined, so that GCC cannot specialize callers for the thread-local object's address
// (a constprop clone recomputes it with __tls_get_addr inside hot loops, 3-4% of BLEU's time).
[[gnu::noinline]] tokenizer_scratch& scratch_space() {
  thread_local tokenizer_scratch s;
  return s;
}

constexpr bool is_dot_comma(char c) noexcept { return c == '.' || c == ','; }

// The four substitutions of regexp_passes applied to one whitespace-free piece padded by spaces,
// without building the intermediate strings. The passes only ever insert spaces, so their effect
// is a set of cuts: gaps[k] says whether whitespace separates piece[k-1] and piece[k] (gaps[0]
// and gaps[n] are the padding). What a pass matches depends on the gaps before it ran, not on
// how many spaces a gap holds, because within one pass a space can only play one part of a
// two-character match (pass 2: the first, pass 3: the second, pass 4: none), so no match can take
// a space another match needed. Python's re.sub does not rescan what it inserts, so each pass
// reads the gaps of the previous one and its own cuts take effect for the next. The tokens,
// appended to `out` as views at offset `base`, are the runs between gaps.
void split_piece_13a(std::string_view piece, std::size_t base, std::vector<unsigned char>& gaps,
                     token_list& out) {
  const std::size_t n = piece.size();
  gaps.assign(n + 1, 0);
  gaps[0] = gaps[n] = 1;
  // Pass 1, ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> ' \1 ': every such character stands alone.
  for (std::size_t k = 0; k < n; ++k) {
    if (in_first_class(static_cast<unsigned char>(piece[k]))) gaps[k] = gaps[k + 1] = 1;
  }
  // Pass 2, ([^0-9])([\.,]) -> '\1 \2 ': a '.' or ',' matches as the second character when the
  // character before it (a space, or a non-digit not already taken as the second character of
  // the previous match) is free; the cut goes before and after it. Iteration k writes gaps[k+1],
  // which iteration k+1 must read as it was before the pass, hence `gap_next`.
  {
    bool prev_taken = false, gap_here = true;
    for (std::size_t k = 0; k < n; ++k) {
      const bool gap_next = gaps[k + 1] != 0;
      const bool taken =
          is_dot_comma(piece[k]) && (gap_here || (!is_digit(piece[k - 1]) && !prev_taken));
      if (taken) gaps[k] = gaps[k + 1] = 1;
      prev_taken = taken;
      gap_here = gap_next;
    }
  }
  // Pass 3, ([\.,])([^0-9]) -> ' \1 \2': a '.' or ',' not taken as the second character of the
  // previous match matches when a space or a non-digit follows; the cut goes before and after it.
  // Iteration k reads gaps[k+1] before writing it and later iterations read further right, so
  // cutting in place is safe.
  {
    bool taken_by_prev = false;
    for (std::size_t k = 0; k < n; ++k) {
      bool took_next = false;
      if (is_dot_comma(piece[k]) && !taken_by_prev) {
        const bool space_next = gaps[k + 1] != 0;
        if (space_next || !is_digit(piece[k + 1])) {
          gaps[k] = gaps[k + 1] = 1;
          took_next = !space_next;
        }
      }
      taken_by_prev = took_next;
    }
  }
  // Pass 4, ([0-9])(-) -> '\1 \2 ': a '-' right after a digit (no space between) stands alone.
  // A digit can only be the first character of a match, so matches never compete; cutting in
  // place is safe because a cut at k never changes whether position k+1 matches.
  for (std::size_t k = 1; k < n; ++k) {
    if (piece[k] == '-' && gaps[k] == 0 && is_digit(piece[k - 1])) gaps[k] = gaps[k + 1] = 1;
  }
  std::size_t begin = 0;
  for (std::size_t k = 1; k <= n; ++k) {
    if (gaps[k] == 0) continue;
    if (k > begin) out.add(base + begin, base + k);
    begin = k;
  }
}

void tokenize_13a(std::string_view line, token_list& out) {
  tokenizer_scratch& s = scratch_space();
  // The language-independent part: '<skipped>' and '-\n' removed, '\n' to ' ', four escapes.
  // (Three memchr scans: std::string_view::find_first_of would call memchr once per byte.)
  const auto has = [&](char c) { return std::memchr(line.data(), c, line.size()) != nullptr; };
  if (!line.empty() && (has('\n') || has('&') || has('<'))) {
    s.escaped.assign(line);
    replace_all(s.escaped, "<skipped>", "", s.tmp);
    replace_all(s.escaped, "-\n", "", s.tmp);
    replace_all(s.escaped, "\n", " ", s.tmp);
    if (s.escaped.find('&') != std::string::npos) {
      replace_all(s.escaped, "&quot;", "\"", s.tmp);
      replace_all(s.escaped, "&amp;", "&", s.tmp);
      replace_all(s.escaped, "&lt;", "<", s.tmp);
      replace_all(s.escaped, "&gt;", ">", s.tmp);
    }
    line = s.escaped;
  }
  // Every 13a token is a substring of the (unescaped) line, since the substitutions only insert
  // spaces: copy the line once and record the tokens as views into the copy.
  out.assign_text(line);
  // sacrebleu pads the line with a space on both sides, so every whitespace-free piece sees
  // whitespace on both sides and the substitutions act on each piece independently: whitespace is
  // neither a digit nor '.', ',' or '-', and no match ever consumes it in a way that changes the
  // next piece.
  //
  // The scan runs over the copy, whose padding gets a ' ' sentinel right after the text, so the
  // loops over plain bytes need no bounds check.
  const std::size_t n = line.size();
  out.bytes[n] = ' ';
  const std::string_view text(out.bytes.data(), n + 1);
  std::size_t i = 0;
  for (;;) {
    for (std::size_t len; (len = space_length(text, i)) != 0; i += len) {
      if (i == n) return;  // the sentinel
    }
    const std::size_t start = i;
    bool has_special = false, has_dot_comma_dash = false;
    for (;;) {
      // Runs of plain bytes (letters, digits, most non-ASCII) are the common case.
      const char* q = text.data() + i;
      while (byte_class[static_cast<unsigned char>(*q)] == plain) ++q;
      i = static_cast<std::size_t>(q - text.data());
      const char c = *q;
      const std::uint8_t cls = byte_class[static_cast<unsigned char>(c)];
      if (cls == special) {
        has_special = true;
        has_dot_comma_dash = has_dot_comma_dash || c == '.' || c == ',' || c == '-';
        ++i;
      } else if (cls == space || space_length(text, i) != 0) {
        break;
      } else {
        ++i;  // the lead byte of a non-space character
      }
    }
    const std::string_view piece = text.substr(start, i - start);
    // A piece without special characters, or of one character, is a token as it is.
    if (!has_special || piece.size() == 1) {
      out.add(start, i);
      continue;
    }
    // Without '.', ',' or '-' only the first substitution acts: each special character becomes a
    // token of its own, the runs between them stay whole.
    if (!has_dot_comma_dash) {
      std::size_t run = 0;
      for (std::size_t k = 0; k < piece.size(); ++k) {
        if (byte_class[static_cast<unsigned char>(piece[k])] != special) continue;
        if (k > run) out.add(start + run, start + k);
        out.add(start + k, start + k + 1);
        run = k + 1;
      }
      if (run < piece.size()) out.add(start + run, i);
      continue;
    }
    split_piece_13a(piece, start, s.gaps, out);
  }
}

// sacrebleu's zh ranges, including the quirk that '\u20000' and '\u2f800' in its table are
// two-character strings: as compared with one character they select U+2001..U+2A6D and
// U+2F81..U+2FA1 rather than the CJK extension planes the comments name.
constexpr bool is_zh_char(char32_t c) noexcept {
  constexpr std::array<std::pair<char32_t, char32_t>, 22> ranges{{
      {0x3400, 0x4DB5}, {0x4E00, 0x9FA5}, {0x9FA6, 0x9FBB}, {0xF900, 0xFA2D}, {0xFA30, 0xFA6A},
      {0xFA70, 0xFAD9}, {0x2001, 0x2A6D}, {0x2F81, 0x2FA1}, {0xFF00, 0xFFEF}, {0x2E80, 0x2EFF},
      {0x3000, 0x303F}, {0x31C0, 0x31EF}, {0x2F00, 0x2FDF}, {0x2FF0, 0x2FFF}, {0x3100, 0x312F},
      {0x31A0, 0x31BF}, {0xFE10, 0xFE1F}, {0xFE30, 0xFE4F}, {0x2600, 0x26FF}, {0x2700, 0x27BF},
      {0x3200, 0x32FF}, {0x3300, 0x33FF},
  }};
  for (const auto& [lo, hi] : ranges) {
    if (c >= lo && c <= hi) return true;
  }
  return false;
}

void tokenize_zh(std::string_view line, token_list& out) {
  tokenizer_scratch& s = scratch_space();
  line = lstrip(rstrip(line));
  s.piece.clear();
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t start = i;
    const char32_t cp = next_code_point(line, i);
    if (is_zh_char(cp)) {
      s.piece.push_back(' ');
      s.piece.append(line.substr(start, i - start));
      s.piece.push_back(' ');
    } else {
      s.piece.append(line.substr(start, i - start));
    }
  }
  regexp_passes(s.piece, s.a, s.b);
  python_split(s.a, out);
}

bool is_number(char32_t c) noexcept {
  const auto t = static_cast<UCharCategory>(u_charType(static_cast<UChar32>(c)));
  return t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

bool is_punctuation(char32_t c) noexcept {
  const auto t = static_cast<UCharCategory>(u_charType(static_cast<UChar32>(c)));
  return t == U_DASH_PUNCTUATION || t == U_START_PUNCTUATION || t == U_END_PUNCTUATION ||
         t == U_CONNECTOR_PUNCTUATION || t == U_OTHER_PUNCTUATION || t == U_INITIAL_PUNCTUATION ||
         t == U_FINAL_PUNCTUATION;
}

bool is_symbol(char32_t c) noexcept {
  const auto t = static_cast<UCharCategory>(u_charType(static_cast<UChar32>(c)));
  return t == U_MATH_SYMBOL || t == U_CURRENCY_SYMBOL || t == U_MODIFIER_SYMBOL ||
         t == U_OTHER_SYMBOL;
}

// mteval-v14 international: (\P{N})(\p{P}) -> '\1 \2 ', (\p{P})(\P{N}) -> ' \1 \2',
// (\p{S}) -> ' \1 ', each a left-to-right scan for non-overlapping matches over code points.
void tokenize_intl(std::string_view line, token_list& out) {
  tokenizer_scratch& s = scratch_space();
  std::u32string& a = s.cps;
  std::u32string& b = s.cps2;
  a.clear();
  for (std::size_t i = 0; i < line.size();) a.push_back(next_code_point(line, i));
  b.clear();
  for (std::size_t i = 0, n = a.size(); i < n;) {
    if (i + 1 < n && !is_number(a[i]) && is_punctuation(a[i + 1])) {
      b.push_back(a[i]);
      b.push_back(U' ');
      b.push_back(a[i + 1]);
      b.push_back(U' ');
      i += 2;
    } else {
      b.push_back(a[i++]);
    }
  }
  a.clear();
  for (std::size_t i = 0, n = b.size(); i < n;) {
    if (i + 1 < n && is_punctuation(b[i]) && !is_number(b[i + 1])) {
      a.push_back(U' ');
      a.push_back(b[i]);
      a.push_back(U' ');
      a.push_back(b[i + 1]);
      i += 2;
    } else {
      a.push_back(b[i++]);
    }
  }
  s.a.clear();
  for (const char32_t c : a) {
    if (is_symbol(c)) {
      s.a.push_back(' ');
      append_utf8(s.a, c);
      s.a.push_back(' ');
    } else {
      append_utf8(s.a, c);
    }
  }
  python_split(s.a, out);
}

void tokenize_char(std::string_view line, token_list& out) {
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t start = i;
    const char32_t cp = next_code_point(line, i);
    if (!is_python_space(cp)) out.push(line.substr(start, i - start));
  }
}

}  // namespace

void python_split(std::string_view text, token_list& out) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    std::size_t len = space_length(text, i);
    if (len != 0) {
      i += len;
      continue;
    }
    const std::size_t start = i;
    while (i < n) {
      const std::uint8_t cls = byte_class[static_cast<unsigned char>(text[i])];
      if (cls == space || (cls == maybe_space && space_length(text, i) != 0)) break;
      ++i;
    }
    out.push(text.substr(start, i - start));
  }
}

void python_lower(std::string_view text, std::string& out) {
  bool ascii = true;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const std::size_t base = out.size();
    out.append(text);
    for (std::size_t i = base; i < out.size(); ++i) {
      if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] + ('a' - 'A'));
    }
    return;
  }
  // ICU's root-locale full lower-casing is Python's str.lower(): SpecialCasing's unconditional
  // mappings plus the Final_Sigma context, no language-specific rules.
  thread_local std::u16string src, dst;
  UErrorCode status = U_ZERO_ERROR;
  int32_t len16 = 0;
  src.resize(text.size() + 1);
  u_strFromUTF8(src.data(), static_cast<int32_t>(src.size()), &len16, text.data(),
                static_cast<int32_t>(text.size()), &status);
  if (U_FAILURE(status)) raise("invalid_utf8", "text: ICU could not convert it to UTF-16");
  dst.resize(static_cast<std::size_t>(len16) * 3 + 8);
  status = U_ZERO_ERROR;
  const int32_t lower_len =
      u_strToLower(dst.data(), static_cast<int32_t>(dst.size()), src.data(), len16, "", &status);
  if (U_FAILURE(status)) raise("invalid_argument", "text: ICU could not lower-case it");
  int32_t len8 = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(nullptr, 0, &len8, dst.data(), lower_len, &status);
  const std::size_t base = out.size();
  out.resize(base + static_cast<std::size_t>(len8));
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data() + base, len8, &len8, dst.data(), lower_len, &status);
  if (U_FAILURE(status)) raise("invalid_argument", "text: ICU could not convert it to UTF-8");
}

void sacrebleu_tokenize_into(std::string_view text, sacrebleu_tokenizer tokenizer, bool lowercase,
                             token_list& out, std::string& scratch) {
  out.clear();
  if (lowercase) {
    scratch.clear();
    python_lower(text, scratch);
    text = scratch;
  }
  text = rstrip(text);
  switch (tokenizer) {
    case sacrebleu_tokenizer::mteval_13a:
      tokenize_13a(text, out);
      break;
    case sacrebleu_tokenizer::none:
      python_split(text, out);
      break;
    case sacrebleu_tokenizer::zh:
      tokenize_zh(text, out);
      break;
    case sacrebleu_tokenizer::character:
      tokenize_char(text, out);
      break;
    case sacrebleu_tokenizer::intl:
      tokenize_intl(text, out);
      break;
  }
}

}  // namespace detail

std::string_view to_string(sacrebleu_tokenizer tokenizer) noexcept {
  switch (tokenizer) {
    case sacrebleu_tokenizer::mteval_13a:
      return "13a";
    case sacrebleu_tokenizer::none:
      return "none";
    case sacrebleu_tokenizer::zh:
      return "zh";
    case sacrebleu_tokenizer::character:
      return "char";
    case sacrebleu_tokenizer::intl:
      return "intl";
  }
  return "13a";
}

sacrebleu_tokenizer parse_sacrebleu_tokenizer(std::string_view name) {
  if (name == "13a") return sacrebleu_tokenizer::mteval_13a;
  if (name == "none") return sacrebleu_tokenizer::none;
  if (name == "zh") return sacrebleu_tokenizer::zh;
  if (name == "char") return sacrebleu_tokenizer::character;
  if (name == "intl") return sacrebleu_tokenizer::intl;
  if (name == "ja-mecab" || name == "ko-mecab" || name == "flores101" || name == "flores200" ||
      name == "spm") {
    raise("invalid_argument", "sacrebleu tokenizer '" + std::string(name) +
                                  "' is not provided by precis (it needs an external model or "
                                  "dictionary); use 13a, none, zh, char or intl");
  }
  raise("invalid_argument",
        "unknown sacrebleu tokenizer '" + std::string(name) + "'; use 13a, none, zh, char or intl");
}

std::vector<std::string> sacrebleu_tokens(std::string_view text, sacrebleu_tokenizer tokenizer,
                                          bool lowercase) {
  text::validate_utf8(text, "text");
  detail::token_list tokens;
  std::string scratch;
  detail::sacrebleu_tokenize_into(text, tokenizer, lowercase, tokens, scratch);
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) out.emplace_back(tokens[i]);
  return out;
}

std::string sacrebleu_tokenize(std::string_view text, sacrebleu_tokenizer tokenizer,
                               bool lowercase) {
  text::validate_utf8(text, "text");
  detail::token_list tokens;
  std::string scratch;
  detail::sacrebleu_tokenize_into(text, tokenizer, lowercase, tokens, scratch);
  std::string out;
  out.reserve(tokens.used + tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i != 0) out.push_back(' ');
    out.append(tokens[i]);
  }
  return out;
}

}  // namespace precis::metrics
