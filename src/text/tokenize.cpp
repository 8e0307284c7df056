// Word tokenization. ICU's word break iterator (UAX #29 + dictionaries for CJK/Thai/...) over
// UTF-8 through UText, so its indices are byte offsets. Stretches of pure ASCII between ASCII
// white space take a table-driven fast path that reproduces ICU's ASCII rules exactly (tested on
// random ASCII in tests/test_tokenize.cpp).

#include "precis/text/tokenize.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"
#include "precis/text/normalize.hpp"
#include "precis/text/utf8.hpp"

namespace precis::text {
namespace {

// ---------------------------------------------------------------------------------------------
// ICU path

// Creating a word break iterator loads rules and dictionaries (tens of microseconds); iterators
// are not thread-safe, so each thread clones the process-wide prototype once.
icu::BreakIterator& word_iterator() {
  static std::mutex clone_mutex;
  static const std::unique_ptr<icu::BreakIterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !it) {
      raise("icu_error",
            std::string("cannot create ICU word break iterator: ") + u_errorName(status));
    }
    return it;
  }();
  thread_local const std::unique_ptr<icu::BreakIterator> mine = [] {
    const std::lock_guard<std::mutex> lock(clone_mutex);
    return std::unique_ptr<icu::BreakIterator>(prototype->clone());
  }();
  return *mine;
}

bool may_be_ideographic(UChar32 c) noexcept {
  return c >= 0x0E00 && (c < 0x0F00 || (c >= 0x1000 && c < 0x10A0) || (c >= 0x1780 && c < 0x1800) ||
                         (c >= 0x19E0 && c < 0x1A00) || c >= 0x2E80);
}

// Scripts segmented by dictionary (and Han/kana, which cjk_mode::character splits).
bool is_ideographic(UChar32 c) noexcept {
  if (!may_be_ideographic(c)) return false;
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_KATAKANA_OR_HIRAGANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return true;
    default:
      return false;
  }
}

bool is_han_or_kana(UChar32 c) noexcept {
  if (c < 0x2E80) return false;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode sc = uscript_getScript(c, &status);
  return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
         sc == USCRIPT_KATAKANA_OR_HIRAGANA;
}

bool is_space_or_control(UChar32 c) noexcept {
  return u_isUWhiteSpace(c) || u_charType(c) == U_CONTROL_CHAR;
}

bool is_mark(UChar32 c) noexcept {
  const auto t = u_charType(c);
  return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
}

std::uint32_t u32(std::size_t v) { return static_cast<std::uint32_t>(v); }

// Classifies the ICU segment [b, e) of `s` and appends its token(s).
void emit_segment(std::string_view s, std::size_t b, std::size_t e, std::size_t base,
                  const tokenize_options& options, std::vector<token>& out) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  // Leading white space (ICU glues combining marks to a preceding space, UAX #29 WB4).
  while (b < e) {
    std::size_t i = b;
    UChar32 c;
    U8_NEXT_UNSAFE(p, i, c);
    if (!is_space_or_control(c)) break;
    b = i;
  }
  if (b >= e) return;
  bool letter = false, number = false, ideo = false, han_kana = false, visible = false;
  for (std::size_t i = b; i < e;) {
    UChar32 c;
    U8_NEXT_UNSAFE(p, i, c);
    const auto t = u_charType(c);
    if (t >= U_UPPERCASE_LETTER && t <= U_OTHER_LETTER) {
      letter = true;
      if (is_ideographic(c)) {
        ideo = true;
        han_kana = han_kana || is_han_or_kana(c);
      }
      visible = true;
    } else if (t >= U_DECIMAL_DIGIT_NUMBER && t <= U_OTHER_NUMBER) {
      number = true;
      visible = true;
    } else if (!is_space_or_control(c)) {
      visible = true;
    }
  }
  if (ideo) {
    if (options.cjk == cjk_mode::character && han_kana) {
      // One token per character with its combining marks (e.g. U+3099 dakuten).
      std::size_t i = b;
      while (i < e) {
        const std::size_t start = i;
        UChar32 c;
        U8_NEXT_UNSAFE(p, i, c);
        while (i < e) {
          std::size_t j = i;
          UChar32 d;
          U8_NEXT_UNSAFE(p, j, d);
          if (!is_mark(d)) break;
          i = j;
        }
        out.push_back({u32(base + start), u32(base + i), token_kind::ideograph});
      }
      return;
    }
    out.push_back({u32(base + b), u32(base + e), token_kind::ideograph});
  } else if (letter) {
    out.push_back({u32(base + b), u32(base + e), token_kind::word});
  } else if (number) {
    out.push_back({u32(base + b), u32(base + e), token_kind::number});
  } else if (visible && options.keep_punctuation) {
    out.push_back({u32(base + b), u32(base + e), token_kind::punctuation});
  }
}

// ICU over s[begin, end) (a stretch delimited by ASCII white space or the text's ends, where ICU
// always has a boundary, so the result equals that of ICU over the whole text).
void icu_stretch(std::string_view s, std::size_t begin, std::size_t end,
                 const tokenize_options& options, std::vector<token>& out) {
  const std::string_view part = s.substr(begin, end - begin);
  UErrorCode status = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, part.data(), static_cast<int64_t>(part.size()), &status);
  icu::BreakIterator& it = word_iterator();
  it.setText(&ut, status);
  if (U_FAILURE(status)) {
    utext_close(&ut);
    raise("icu_error", std::string("ICU word break iterator: ") + u_errorName(status));
  }
  std::int32_t prev = it.first();
  for (std::int32_t next = it.next(); next != icu::BreakIterator::DONE; next = it.next()) {
    emit_segment(part, static_cast<std::size_t>(prev), static_cast<std::size_t>(next), begin,
                 options, out);
    prev = next;
  }
  // The iterator keeps its own shallow clone of `ut`; it is reset by the next setText.
  utext_close(&ut);
}

// ---------------------------------------------------------------------------------------------
// ASCII fast path: ICU's word rules restricted to ASCII.

enum ascii_class : std::uint8_t {
  k_space,        // \t \n \v \f \r and space: always a boundary, never a token
  k_letter,       // A-Z a-z (ALetter)
  k_digit,        // 0-9 (Numeric)
  k_extend_num,   // _ (ExtendNumLet)
  k_mid_num,      // , ; (MidNum)
  k_mid_num_let,  // . ' (MidNumLet, Single_Quote): inside words and numbers
  k_control,      // other C0 controls and DEL: one segment each, never a token
  k_other,        // other punctuation and symbols: one segment each
  k_at,           // @: ICU's rules treat it as ALetter (for e-mail addresses), yet no letter
};

constexpr std::array<std::uint8_t, 128> make_ascii_classes() {
  std::array<std::uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    std::uint8_t k = k_other;
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
      k = k_space;
    } else if (c < 0x20 || c == 0x7F) {
      k = k_control;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      k = k_letter;
    } else if (c >= '0' && c <= '9') {
      k = k_digit;
    } else if (c == '@') {
      k = k_at;
    } else if (c == '_') {
      k = k_extend_num;
    } else if (c == ',' || c == ';') {
      k = k_mid_num;
    } else if (c == '.' || c == '\'') {
      k = k_mid_num_let;
    }
    t[static_cast<std::size_t>(c)] = k;
  }
  return t;
}
constexpr std::array<std::uint8_t, 128> k_ascii_classes = make_ascii_classes();

inline std::uint8_t ascii_class(const std::uint8_t* p, std::size_t i) noexcept {
  return k_ascii_classes[p[i]];
}

// Tokens of the pure-ASCII stretch p[b, e). White space in it is a boundary and no token (no
// rule joins across it), so a whole ASCII text can be one stretch.
void ascii_stretch(const std::uint8_t* p, std::size_t b, std::size_t e,
                   const tokenize_options& options, std::vector<token>& out) {
  std::size_t i = b;
  while (i < e) {
    const std::uint8_t k = ascii_class(p, i);
    if (k == k_space) {
      ++i;
      continue;
    }
    if (k == k_letter || k == k_digit || k == k_extend_num || k == k_at) {
      const std::size_t start = i;
      bool letter = k == k_letter, digit = k == k_digit;
      ++i;
      while (i < e) {
        const std::uint8_t c = ascii_class(p, i);
        if (c == k_letter || c == k_digit || c == k_extend_num || c == k_at) {
          letter = letter || c == k_letter;
          digit = digit || c == k_digit;
          ++i;
          continue;
        }
        if (i + 1 < e) {
          const std::uint8_t before = ascii_class(p, i - 1), after = ascii_class(p, i + 1);
          // WB6/WB7: letter (MidLetter|MidNumLet|Single_Quote) letter.
          if (c == k_mid_num_let && (before == k_letter || before == k_at) &&
              (after == k_letter || after == k_at)) {
            letter = letter || after == k_letter;
            i += 2;
            continue;
          }
          // WB11/WB12: digit (MidNum|MidNumLet|Single_Quote) digit.
          if ((c == k_mid_num || c == k_mid_num_let) && before == k_digit && after == k_digit) {
            digit = true;
            i += 2;
            continue;
          }
        }
        break;
      }
      if (letter) {
        out.push_back({u32(start), u32(i), token_kind::word});
      } else if (digit) {
        out.push_back({u32(start), u32(i), token_kind::number});
      } else if (options.keep_punctuation) {
        out.push_back({u32(start), u32(i), token_kind::punctuation});  // "_", "__"
      }
    } else {
      if (k != k_control && options.keep_punctuation) {
        out.push_back({u32(i), u32(i + 1), token_kind::punctuation});
      }
      ++i;
    }
  }
}

inline bool is_ascii_space(std::uint8_t c) noexcept { return c == ' ' || (c >= 0x09 && c <= 0x0D); }

}  // namespace

void tokenize_into(std::string_view s, const tokenize_options& options, std::vector<token>& out) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const std::size_t n = s.size();
  if (is_ascii(s)) {  // an all-ASCII text is one stretch
    ascii_stretch(p, 0, n, options, out);
    return;
  }
  // Stretches between ASCII white space; a stretch with a non-ASCII byte goes to ICU together
  // with the following stretches up to the last non-ASCII one among the next few, so that mixed
  // text does not re-enter ICU for every word.
  constexpr int k_ascii_gap = 4;
  std::size_t i = 0;
  while (i < n) {
    while (i < n && is_ascii_space(p[i])) ++i;
    if (i >= n) break;
    const std::size_t start = i;
    std::uint8_t high = 0;
    while (i < n && !is_ascii_space(p[i])) high |= p[i++];
    if ((high & 0x80) == 0) {
      ascii_stretch(p, start, i, options, out);
      continue;
    }
    std::size_t end = i;  // end of the ICU region so far
    int ascii_run = 0;
    while (i < n && ascii_run < k_ascii_gap) {
      while (i < n && is_ascii_space(p[i])) ++i;
      if (i >= n) break;
      std::uint8_t h = 0;
      while (i < n && !is_ascii_space(p[i])) h |= p[i++];
      if (h & 0x80) {
        end = i;
        ascii_run = 0;
      } else {
        ++ascii_run;
      }
    }
    icu_stretch(s, start, end, options, out);
    i = end;
  }
}

std::vector<token> tokenize(std::string_view valid_utf8, const tokenize_options& options) {
  validate_utf8(valid_utf8);
  if (valid_utf8.size() >= std::numeric_limits<std::uint32_t>::max()) {
    raise("invalid_argument", "text too long: tokenize takes texts below 4 GiB");
  }
  std::vector<token> out;
  out.reserve(valid_utf8.size() / 6 + 4);
  tokenize_into(valid_utf8, options, out);
  return out;
}

namespace detail {
void tokenize_icu(std::string_view valid_utf8, const tokenize_options& options,
                  std::vector<token>& out) {
  if (!valid_utf8.empty()) icu_stretch(valid_utf8, 0, valid_utf8.size(), options, out);
}
}  // namespace detail

}  // namespace precis::text
