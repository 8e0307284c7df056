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

bool is_ascii(std::string_view s) noexcept {
  unsigned char high = 0;
  for (const char c : s) high = static_cast<unsigned char>(high | static_cast<unsigned char>(c));
  return high < 0x80;
}

// UAX #29 sentence breaks of an all-ASCII text, without ICU's per-character state machine.
// Each byte's Sentence_Break class is read from ICU's property data once; the rules are UAX #29's
// (SB3-SB11; SB5 has nothing to skip in ASCII). test_sentences compares the result with ICU's
// own iteration on random and real text.
class ascii_sentence_rules {
 public:
  ascii_sentence_rules() {
    for (int c = 0; c < 128; ++c) {
      switch (u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK)) {
        case U_SB_CR: cls_[c] = k_cr; break;
        case U_SB_LF: cls_[c] = k_lf; break;
        case U_SB_SEP: cls_[c] = k_sep; break;
        case U_SB_SP: cls_[c] = k_sp; break;
        case U_SB_LOWER: cls_[c] = k_lower; break;
        case U_SB_UPPER: cls_[c] = k_upper; break;
        case U_SB_OLETTER: cls_[c] = k_oletter; break;
        case U_SB_NUMERIC: cls_[c] = k_numeric; break;
        case U_SB_ATERM: cls_[c] = k_aterm; break;
        case U_SB_STERM: cls_[c] = k_sterm; break;
        case U_SB_CLOSE: cls_[c] = k_close; break;
        case U_SB_SCONTINUE: cls_[c] = k_scontinue; break;
        case U_SB_EXTEND:
        case U_SB_FORMAT: cls_[c] = k_extend; break;
        default: cls_[c] = k_other; break;
      }
      const auto k = cls_[c];
      candidate_[c] = k == k_cr || k == k_lf || k == k_sep || k == k_aterm || k == k_sterm;
    }
  }

  // False when a byte's class is one the scan does not model (Extend or Format in ASCII, which
  // Unicode does not assign): the caller then uses ICU.
  bool usable() const noexcept {
    for (const auto c : cls_) {
      if (c == k_extend) return false;
    }
    return true;
  }

  void breaks(std::string_view s, std::vector<std::size_t>& out) const {
    const std::size_t n = s.size();
    auto cls = [&](std::size_t i) { return cls_[static_cast<unsigned char>(s[i])]; };
    auto para_sep = [](std::uint8_t c) { return c == k_cr || c == k_lf || c == k_sep; };
    auto sa_term = [](std::uint8_t c) { return c == k_aterm || c == k_sterm; };
    auto add = [&](std::size_t b) {
      if (b < n) out.push_back(b);
    };
    for (std::size_t i = 0; i < n; ++i) {
      if (!candidate_[static_cast<unsigned char>(s[i])]) continue;  // no break after it
      const std::uint8_t c = cls(i);
      if (c == k_cr) {  // SB3 CR x LF, SB4 ParaSep /
        if (i + 1 < n && cls(i + 1) == k_lf) ++i;
        add(i + 1);
        continue;
      }
      if (c == k_lf || c == k_sep) {
        add(i + 1);
        continue;
      }
      if (!sa_term(c)) continue;
      if (i + 1 < n && c == k_aterm) {
        const std::uint8_t next = cls(i + 1);
        if (next == k_numeric) continue;  // SB6 ATerm x Numeric
        if (next == k_upper && i > 0 && (cls(i - 1) == k_upper || cls(i - 1) == k_lower)) {
          continue;  // SB7 (Upper | Lower) ATerm x Upper
        }
      }
      std::size_t k = i + 1;
      while (k < n && cls(k) == k_close) ++k;  // SB9
      while (k < n && cls(k) == k_sp) ++k;     // SB10
      if (k >= n) break;                       // the end of the text
      const std::uint8_t at = cls(k);
      if (para_sep(at)) {  // SB9/SB10 keep the separator, SB11 breaks after it
        if (at == k_cr && k + 1 < n && cls(k + 1) == k_lf) ++k;
        add(k + 1);
        i = k;
        continue;
      }
      if (at == k_scontinue || sa_term(at)) {  // SB8a
        i = k - 1;
        continue;
      }
      if (c == k_aterm) {  // SB8: ATerm Close* Sp* x (not letter, ParaSep, SATerm)* Lower
        std::size_t j = k;
        while (j < n) {
          const std::uint8_t x = cls(j);
          if (x == k_oletter || x == k_upper || x == k_lower || para_sep(x) || sa_term(x)) break;
          ++j;
        }
        if (j < n && cls(j) == k_lower) {
          i = k - 1;
          continue;
        }
      }
      add(k);  // SB11
      i = k - 1;
    }
  }

 private:
  enum : std::uint8_t {
    k_other, k_cr, k_lf, k_sep, k_sp, k_lower, k_upper, k_oletter, k_numeric, k_aterm,
    k_sterm, k_close, k_scontinue, k_extend
  };
  std::uint8_t cls_[128] = {};
  bool candidate_[128] = {};  // CR, LF, Sep, ATerm, STerm: the classes a break can follow
};

const ascii_sentence_rules* ascii_rules() {
  static const ascii_sentence_rules rules;
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

std::vector<std::size_t> icu_sentence_breaks(std::string_view s, bool ascii_fast_path) {
  std::vector<std::size_t> out;
  if (s.empty()) return out;
  out.reserve(expected_sentences(s.size()));
  if (ascii_fast_path) {
    const auto* rules = ascii_rules();
    if (rules != nullptr && is_ascii(s)) {
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
