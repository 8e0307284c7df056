// Sentence splitting: ICU's sentence break rules (UAX #29) over UTF-8 through UText, then a pass
// that removes the breaks ICU puts after English abbreviations, initials and dotted acronyms.
// Line breaks: ICU ends a sentence at every line break; unless newline_is_boundary, single line
// breaks are shown to ICU as spaces (same byte length, so offsets are unchanged) and only blank
// lines stay hard breaks.

#include "precis/text/sentences.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "precis/error.hpp"
#include "precis/text/utf8.hpp"

namespace precis::text {
namespace {

constexpr char k_abbreviation_data[] =
#include "../../data/abbreviations/en.txt"
    ;

enum entry_flags : std::uint8_t {
  k_abbrev = 1,   // merge unless a sentence starter follows
  k_title = 2,    // always merge
  k_digit = 4,    // merge when a digit follows
  k_starter = 8,  // a usual sentence starter (stored lowercase)
  k_exact = 16,   // Capitalized entry: matches as written or in capitals only
};

struct abbreviation_table {
  std::unordered_map<std::string, std::uint8_t> entries;  // lowercase key -> flags

  abbreviation_table() {
    std::string_view data(k_abbreviation_data);
    while (!data.empty()) {
      const std::size_t eol = data.find('\n');
      std::string_view line = data.substr(0, eol);
      data = eol == std::string_view::npos ? std::string_view() : data.substr(eol + 1);
      if (line.empty() || line.front() == '#') continue;
      const std::size_t sp = line.find(' ');
      const std::string_view word = line.substr(0, sp);
      const std::string_view cls = sp == std::string_view::npos ? "" : line.substr(sp + 1);
      std::uint8_t flags = cls == "title"     ? k_title
                           : cls == "digit"   ? k_digit
                           : cls == "starter" ? k_starter
                                              : k_abbrev;
      if (word.front() >= 'A' && word.front() <= 'Z') flags |= k_exact;
      std::uint8_t& f = entries[lower(word)];
      // A word can be both an abbreviation and a starter ("no"); keep k_exact per abbreviation.
      f = static_cast<std::uint8_t>(f | flags);
    }
  }

  static std::string lower(std::string_view w) {
    std::string out(w);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    }
    return out;
  }

  // Flags of abbreviation `w` (as written), honouring the case rule; 0 when not an entry.
  std::uint8_t lookup(std::string_view w) const {
    const auto it = entries.find(lower(w));
    if (it == entries.end()) return 0;
    std::uint8_t f = static_cast<std::uint8_t>(it->second & ~k_starter);
    if ((f & k_exact) != 0) {
      // Capitalized entry: "Sun" or "SUN", not "sun".
      if (!(w.front() >= 'A' && w.front() <= 'Z')) return 0;
      const std::string_view key = it->first;
      bool capitalized = true, upper = true;
      for (std::size_t i = 1; i < w.size(); ++i) {
        const char c = w[i];
        if (c != key[i]) capitalized = false;
        if (c >= 'a' && c <= 'z') upper = false;
      }
      if (!capitalized && !upper) return 0;
    }
    return f;
  }

  bool is_starter(std::string_view w) const {
    const auto it = entries.find(lower(w));
    return it != entries.end() && (it->second & k_starter) != 0;
  }
};

const abbreviation_table& abbreviations() {
  static const abbreviation_table table;
  return table;
}

icu::BreakIterator& sentence_iterator() {
  static std::mutex clone_mutex;
  static const std::unique_ptr<icu::BreakIterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !it) {
      raise("icu_error",
            std::string("cannot create ICU sentence break iterator: ") + u_errorName(status));
    }
    return it;
  }();
  thread_local const std::unique_ptr<icu::BreakIterator> mine = [] {
    const std::lock_guard<std::mutex> lock(clone_mutex);
    return std::unique_ptr<icu::BreakIterator>(prototype->clone());
  }();
  return *mine;
}

inline bool is_line_break(char c) noexcept { return c == '\n' || c == '\r'; }
inline bool is_ascii_space(char c) noexcept { return c == ' ' || (c >= 0x09 && c <= 0x0D); }
inline bool is_ascii_alpha(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
inline bool is_ascii_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
inline bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Single line breaks (with the spaces around them) become spaces; runs of white space holding
// two or more line breaks (CR LF counts once) are left alone.
std::string soften_single_line_breaks(std::string_view s) {
  std::string out(s);
  std::size_t i = 0;
  while (i < out.size()) {
    if (!is_ascii_space(out[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    int breaks = 0;
    while (i < out.size() && is_ascii_space(out[i])) {
      if (out[i] == '\n' || (out[i] == '\r' && (i + 1 >= out.size() || out[i + 1] != '\n'))) {
        ++breaks;
      }
      ++i;
    }
    if (breaks == 1) {
      for (std::size_t k = start; k < i; ++k) {
        if (is_line_break(out[k])) out[k] = ' ';
      }
    }
  }
  return out;
}

// Is the break at `b` (between s[..b) and s[b..)) one ICU put after an abbreviation?
bool suppress_break(std::string_view s, std::size_t seg_begin, std::size_t b) {
  std::size_t end = b;
  bool hard = false;
  while (end > seg_begin && is_ascii_space(s[end - 1])) {
    hard = hard || is_line_break(s[end - 1]) || s[end - 1] == '\f' || s[end - 1] == '\v';
    --end;
  }
  if (hard || end == seg_begin || s[end - 1] != '.') return false;
  std::size_t w = end - 1;  // the word before the final period: ASCII letters, digits, periods
  while (w > seg_begin &&
         (is_ascii_alpha(s[w - 1]) || is_ascii_digit(s[w - 1]) || s[w - 1] == '.')) {
    --w;
  }
  const std::string_view word = s.substr(w, end - 1 - w);
  if (word.empty() || word.back() == '.' || word.front() == '.') return false;  // "...", ".5."
  // A letter just before the word that is not ASCII ("Straße.") means it is not an abbreviation.
  if (w > seg_begin && static_cast<unsigned char>(s[w - 1]) >= 0x80) return false;

  // What follows: the first character after white space and opening punctuation, and the word.
  std::size_t j = b;
  while (j < s.size() && is_ascii_space(s[j])) ++j;
  while (j < s.size() && (s[j] == '"' || s[j] == '\'' || s[j] == '(' || s[j] == '[')) ++j;
  const bool digit_follows = j < s.size() && is_ascii_digit(s[j]);
  std::size_t k = j;
  while (k < s.size() && is_ascii_alpha(s[k])) ++k;
  const std::string_view next_word = s.substr(j, k - j);
  const bool next_is_initial = next_word.size() == 1 && k < s.size() && s[k] == '.';
  const auto& table = abbreviations();
  const bool starter_follows = !next_word.empty() && is_ascii_upper(next_word.front()) &&
                               !next_is_initial && table.is_starter(next_word);

  const std::uint8_t f = table.lookup(word);
  if ((f & k_title) != 0) return true;
  if ((f & k_digit) != 0 && digit_follows) return true;
  if ((f & k_abbrev) != 0) return !starter_follows;
  // A single capital initial: "J. R. R. Tolkien".
  if (word.size() == 1 && is_ascii_upper(word.front())) return !starter_follows;
  // A dotted acronym: letter groups of one or two separated by periods ("U.S", "Ph.D", "a.m").
  bool acronym = word.find('.') != std::string_view::npos;
  std::size_t group = 0;
  for (const char c : word) {
    if (c == '.') {
      acronym = acronym && group > 0;
      group = 0;
    } else if (is_ascii_alpha(c) && group < 2) {
      ++group;
    } else {
      acronym = false;
    }
  }
  acronym = acronym && group > 0;
  if (acronym) return !starter_follows;
  return false;
}

bool is_space_at(const std::uint8_t* p, std::size_t i, std::size_t* next) {
  UChar32 c;
  U8_NEXT_UNSAFE(p, i, c);
  *next = i;
  return u_isUWhiteSpace(c) || u_charType(c) == U_CONTROL_CHAR;
}

// UAX #29 sentence breaks without ICU's per-character state machine (rules SB3-SB11). Only the
// characters a break can follow (CR, LF, Sep, ATerm, STerm) are looked at closely; the rules then
// read the units around them: a unit is a character with the Extend and Format characters after
// it (SB5). Classes come from ICU's property data (a table for ASCII). test_sentences compares the
// result with ICU's own iteration on random and real text.
class sentence_rules {
 public:
  sentence_rules() {
    for (UChar32 c = 0; c < 128; ++c) {
      cls_[c] = class_of_property(c);
      candidate_[c] = may_break_after(cls_[c]);
    }
  }

  // False when an ASCII byte's class is Extend or Format (Unicode assigns none): the scan assumes
  // an ASCII byte is a unit by itself, so the caller then uses ICU.
  bool usable() const noexcept {
    for (const auto c : cls_) {
      if (c == k_extend) return false;
    }
    return true;
  }

  void breaks(std::string_view s, std::vector<std::size_t>& out) const {
    const scan t{reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), this};
    const std::size_t n = s.size();
    auto add = [&](std::size_t b) {
      if (b < n) out.push_back(b);
    };
    const std::uint8_t* const p = t.p;
    const bool* const candidate = candidate_;
    std::size_t pos = 0;
    while (pos < n) {
      while (pos < n && p[pos] < 0x80 && !candidate[p[pos]]) ++pos;  // most bytes
      if (pos >= n) break;
      const std::size_t at = pos;
      std::uint8_t k = t.code_point(pos);  // pos: after the character
      if (!may_break_after(k)) continue;   // Extend and Format never are
      if (k == k_cr) {                     // SB3 CR x LF, SB4 ParaSep /
        if (pos < n && p[pos] == '\n') ++pos;
        add(pos);
        continue;
      }
      if (k == k_lf || k == k_sep) {
        add(pos);
        continue;
      }
      const std::size_t e = t.absorb(pos);  // the terminator's unit ends here
      if (e < n && k == k_aterm) {
        const std::uint8_t next = t.at(e).cls;
        if (next == k_numeric) {  // SB6 ATerm x Numeric
          pos = e;
          continue;
        }
        if (next == k_upper) {  // SB7 (Upper | Lower) ATerm x Upper
          const std::uint8_t before = t.class_before(at);
          if (before == k_upper || before == k_lower) {
            pos = e;
            continue;
          }
        }
      }
      std::size_t q = e;
      unit u{};
      while (q < n && (u = t.at(q)).cls == k_close) q = u.end;  // SB9
      while (q < n && (u = t.at(q)).cls == k_sp) q = u.end;     // SB10
      if (q >= n) break;                                          // the end of the text
      u = t.at(q);
      if (para_sep(u.cls)) {  // SB9/SB10 keep the separator, SB11 breaks after it
        std::size_t b = u.end;
        if (u.cls == k_cr && b < n && p[b] == '\n') ++b;
        add(b);
        pos = b;
        continue;
      }
      pos = q;
      if (u.cls == k_scontinue || sa_term(u.cls)) continue;  // SB8a
      if (k == k_aterm) {  // SB8: ATerm Close* Sp* x (not letter, ParaSep, SATerm)* Lower
        std::size_t j = q;
        unit v{};
        while (j < n) {
          v = t.at(j);
          if (v.cls == k_oletter || v.cls == k_upper || v.cls == k_lower || para_sep(v.cls) ||
              sa_term(v.cls))
            break;
          j = v.end;
        }
        if (j < n && v.cls == k_lower) continue;
      }
      add(q);  // SB11
    }
  }

 private:
  enum : std::uint8_t {
    k_other, k_cr, k_lf, k_sep, k_sp, k_lower, k_upper, k_oletter, k_numeric, k_aterm,
    k_sterm, k_close, k_scontinue, k_extend  // Extend or Format
  };
  struct unit {
    std::uint8_t cls;
    std::size_t end;  // the byte after the unit
  };

  // Reading units of one text.
  struct scan {
    const std::uint8_t* p;
    std::size_t n;
    const sentence_rules* rules;

    // The class of the character at byte i; i moves past it.
    std::uint8_t code_point(std::size_t& i) const {
      if (p[i] < 0x80) return rules->cls_[p[i++]];
      UChar32 c;
      U8_NEXT_UNSAFE(p, i, c);
      return class_of_property(c);
    }
    // The end of the Extend and Format characters from byte i on.
    std::size_t absorb(std::size_t i) const {
      while (i < n && p[i] >= 0x80) {
        std::size_t j = i;
        if (code_point(j) != k_extend) break;
        i = j;
      }
      return i;
    }
    // The unit starting at byte i, which must start one: after a separator or at the start of
    // the text an Extend or Format character stands alone, as Other (SB5).
    unit at(std::size_t i) const {
      std::uint8_t k = code_point(i);
      if (k == k_extend) k = k_other;
      if (para_sep(k)) return {k, i};
      return {k, absorb(i)};
    }
    // The class of the unit before the one starting at byte i (k_other at the start).
    std::uint8_t class_before(std::size_t i) const {
      while (i > 0) {
        std::size_t j = i;
        U8_BACK_1_UNSAFE(p, j);
        std::size_t k = j;
        const std::uint8_t c = code_point(k);
        if (c != k_extend) {
          return c;
        }
        // An Extend or Format character: part of the unit before it, unless that is a separator
        // or the start (then it is a unit of its own, Other).
        if (j == 0) return k_other;
        std::size_t before = j;
        U8_BACK_1_UNSAFE(p, before);
        std::size_t m = before;
        if (para_sep(code_point(m))) return k_other;
        i = j;
      }
      return k_other;
    }
  };

  static std::uint8_t class_of_property(UChar32 c) {
    switch (u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK)) {
      case U_SB_CR: return k_cr;
      case U_SB_LF: return k_lf;
      case U_SB_SEP: return k_sep;
      case U_SB_SP: return k_sp;
      case U_SB_LOWER: return k_lower;
      case U_SB_UPPER: return k_upper;
      case U_SB_OLETTER: return k_oletter;
      case U_SB_NUMERIC: return k_numeric;
      case U_SB_ATERM: return k_aterm;
      case U_SB_STERM: return k_sterm;
      case U_SB_CLOSE: return k_close;
      case U_SB_SCONTINUE: return k_scontinue;
      case U_SB_EXTEND:
      case U_SB_FORMAT: return k_extend;
      default: return k_other;
    }
  }
  static bool para_sep(std::uint8_t c) noexcept { return c == k_cr || c == k_lf || c == k_sep; }
  static bool sa_term(std::uint8_t c) noexcept { return c == k_aterm || c == k_sterm; }
  static bool may_break_after(std::uint8_t c) noexcept { return para_sep(c) || sa_term(c); }

  std::uint8_t cls_[128] = {};
  bool candidate_[128] = {};  // CR, LF, Sep, ATerm, STerm: the classes a break can follow
};

const sentence_rules* own_rules() {
  static const sentence_rules rules;
  static const bool usable = rules.usable();
  return usable ? &rules : nullptr;
}

}  // namespace

namespace detail {

// Room for the sentences of a short text at once (one per 40 bytes is generous for prose); a
// long text's grow as they come.
std::size_t expected_sentences(std::size_t bytes) {
  return std::min<std::size_t>(bytes / 40 + 2, 4096);
}

std::vector<std::size_t> icu_sentence_breaks(std::string_view s, bool own_scan) {
  std::vector<std::size_t> out;
  if (s.empty()) return out;
  out.reserve(expected_sentences(s.size()));
  if (own_scan) {
    if (const auto* rules = own_rules()) {
      rules->breaks(s, out);
      return out;
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, s.data(), static_cast<int64_t>(s.size()), &status);
  icu::BreakIterator& it = sentence_iterator();
  it.setText(&ut, status);
  if (U_FAILURE(status)) {
    utext_close(&ut);
    raise("icu_error", std::string("ICU sentence break iterator: ") + u_errorName(status));
  }
  for (std::int32_t b = it.next(); b != icu::BreakIterator::DONE; b = it.next()) {
    const auto pos = static_cast<std::size_t>(b);
    if (pos >= s.size()) break;
    out.push_back(pos);
  }
  utext_close(&ut);
  return out;
}

std::vector<sentence_span> split_sentences_unchecked(std::string_view s,
                                                     const sentence_options& options) {
  std::vector<sentence_span> out;
  if (s.empty()) return out;
  std::string softened;
  std::string_view view = s;
  if (!options.newline_is_boundary &&
      (s.find('\n') != std::string_view::npos || s.find('\r') != std::string_view::npos)) {
    softened = soften_single_line_breaks(s);
    view = softened;
  }

  std::vector<std::size_t> bounds;
  bounds.reserve(expected_sentences(view.size()) + 2);
  bounds.push_back(0);
  out.reserve(expected_sentences(view.size()));
  for (const std::size_t pos : icu_sentence_breaks(view, true)) {
    if (!suppress_break(view, bounds.back(), pos)) bounds.push_back(pos);
  }
  bounds.push_back(view.size());

  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
    std::size_t b = bounds[k], e = bounds[k + 1];
    std::size_t next = 0;
    while (b < e && is_space_at(p, b, &next)) b = next;
    while (e > b) {
      std::size_t i = e;
      U8_BACK_1_UNSAFE(p, i);
      if (!is_space_at(p, i, &next)) break;
      e = i;
    }
    if (b < e) {
      out.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e), 0, 0});
    }
  }
  return out;
}

}  // namespace detail

std::vector<sentence_span> split_sentences(std::string_view valid_utf8,
                                           const sentence_options& options) {
  validate_utf8(valid_utf8);
  if (valid_utf8.size() >= std::numeric_limits<std::uint32_t>::max()) {
    raise("invalid_argument", "text too long: split_sentences takes texts below 4 GiB");
  }
  return detail::split_sentences_unchecked(valid_utf8, options);
}

}  // namespace precis::text
