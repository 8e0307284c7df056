// Porter stemmer with NLTK's NLTK_EXTENSIONS departures, as NLTK 3.10 (see docs/text/stemming.md).
//
// The rules run on a mutable buffer: `std::string` (one byte per character) for ASCII and for
// invalid UTF-8, `std::u32string` (one code point per character) for other words, because NLTK
// works on Python code points and several conditions (double consonant, cvc, length 4, length <= 2)
// look at single characters. Every rule shortens the word or keeps its length, so the ASCII path
// never grows `out` past the input size and never reallocates once `out` fits the word.

#include "precis/text/porter.hpp"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "precis/text/analyzed_text.hpp"
#include "precis/text/normalize.hpp"
#include "precis/text/utf8.hpp"

namespace precis::text {
namespace {

template <class Ch>
constexpr bool is_aeiou(Ch c) noexcept {
  return c == Ch('a') || c == Ch('e') || c == Ch('i') || c == Ch('o') || c == Ch('u');
}

// Porter's consonant: not a/e/i/o/u, and `y` only at the start or after a vowel. The recursion of
// the definition is resolved by walking back over the run of `y`s that ends at `i`.
template <class S>
bool is_consonant(const S& w, std::size_t i) noexcept {
  using ch = typename S::value_type;
  if (is_aeiou(w[i])) return false;
  if (w[i] != ch('y')) return true;
  std::size_t j = i;
  while (j > 0 && w[j - 1] == ch('y')) --j;
  const bool first = (j == 0) ? true : is_aeiou(w[j - 1]);
  return ((i - j) % 2 == 0) ? first : !first;
}

// Porter's measure m of the prefix w[0, len): the number of vowel->consonant transitions.
template <class S>
int measure(const S& w, std::size_t len) noexcept {
  using ch = typename S::value_type;
  int m = 0;
  bool prev_cons = false;
  for (std::size_t i = 0; i < len; ++i) {
    const ch c = w[i];
    bool cons;
    if (is_aeiou(c)) {
      cons = false;
    } else if (c == ch('y')) {
      cons = (i == 0) ? true : !prev_cons;
    } else {
      cons = true;
    }
    if (i > 0 && cons && !prev_cons) ++m;
    prev_cons = cons;
  }
  return m;
}

template <class S>
bool contains_vowel(const S& w, std::size_t len) noexcept {
  for (std::size_t i = 0; i < len; ++i) {
    if (!is_consonant(w, i)) return true;
  }
  return false;
}

// *d on the prefix w[0, len).
template <class S>
bool ends_double_consonant(const S& w, std::size_t len) noexcept {
  return len >= 2 && w[len - 1] == w[len - 2] && is_consonant(w, len - 1);
}

// *o on the prefix w[0, len), with NLTK's extra case: a two-letter stem vowel-consonant.
template <class S>
bool ends_cvc(const S& w, std::size_t len) noexcept {
  using ch = typename S::value_type;
  if (len >= 3 && is_consonant(w, len - 3) && !is_consonant(w, len - 2) &&
      is_consonant(w, len - 1)) {
    const ch c = w[len - 1];
    if (c != ch('w') && c != ch('x') && c != ch('y')) return true;
  }
  return len == 2 && !is_consonant(w, 0) && is_consonant(w, 1);
}

template <class S>
bool ends_with(const S& w, std::string_view suffix) noexcept {
  using ch = typename S::value_type;
  if (suffix.size() > w.size()) return false;
  const std::size_t off = w.size() - suffix.size();
  for (std::size_t i = suffix.size(); i-- > 0;) {
    if (w[off + i] != ch(static_cast<unsigned char>(suffix[i]))) return false;
  }
  return true;
}

// Drops the last `k` characters. (`erase`, not `resize`: g++ 12 cannot see that `resize` only
// shrinks here and warns about the growing branch.)
template <class S>
void drop(S& w, std::size_t k) {
  w.erase(w.size() - k);
}

// Drops the last `k` characters and appends `add` (ASCII).
template <class S>
void replace_tail(S& w, std::size_t k, std::string_view add) {
  using ch = typename S::value_type;
  drop(w, k);
  for (const char c : add) w.push_back(ch(static_cast<unsigned char>(c)));
}

enum class cond : unsigned char {
  m_gt_0,       // (m>0) on the stem left after removing the suffix
  m_gt_1,       // (m>1)
  m_gt_1_st,    // (m>1 and (*S or *T))
  logi_m_gt_0,  // NLTK: m>0 on the stem *including* the `l` of `logi`
};

struct rule {
  std::string_view suffix;
  std::string_view replacement;
  cond condition;
};

template <class S>
bool holds(const S& w, std::size_t stem_len, cond c) noexcept {
  using ch = typename S::value_type;
  switch (c) {
    case cond::m_gt_0:
      return measure(w, stem_len) > 0;
    case cond::m_gt_1:
      return measure(w, stem_len) > 1;
    case cond::m_gt_1_st:
      return measure(w, stem_len) > 1 && (w[stem_len - 1] == ch('s') || w[stem_len - 1] == ch('t'));
    case cond::logi_m_gt_0:
      return measure(w, stem_len + 1) > 0;
  }
  return false;
}

// NLTK's `_apply_rule_list`: the first rule whose suffix matches decides; when its condition fails
// the word is left as it is and no later rule is tried.
template <class S, std::size_t N>
void apply_rules(S& w, const std::array<rule, N>& rules) {
  for (const rule& r : rules) {
    if (!ends_with(w, r.suffix)) continue;
    const std::size_t stem_len = w.size() - r.suffix.size();
    if (holds(w, stem_len, r.condition)) replace_tail(w, r.suffix.size(), r.replacement);
    return;
  }
}

template <class S>
void step1a(S& w) {
  // NLTK: a four-letter `-ies` word keeps its `ie` (dies -> die, ties -> tie; flies -> fli).
  if (w.size() == 4 && ends_with(w, "ies")) {
    w.pop_back();
  } else if (ends_with(w, "sses") || ends_with(w, "ies")) {
    drop(w, 2);
  } else if (ends_with(w, "ss")) {
    // SS -> SS
  } else if (ends_with(w, "s")) {
    w.pop_back();
  }
}

template <class S>
void step1b(S& w) {
  using ch = typename S::value_type;
  // NLTK: -ied -> -ie for four-letter words (died -> die), -i otherwise (spied -> spi).
  if (ends_with(w, "ied")) {
    replace_tail(w, 3, w.size() == 4 ? "ie" : "i");
    return;
  }
  if (ends_with(w, "eed")) {
    if (measure(w, w.size() - 3) > 0) w.pop_back();
    return;
  }
  std::size_t cut = 0;
  if (ends_with(w, "ed") && contains_vowel(w, w.size() - 2)) {
    cut = 2;
  } else if (ends_with(w, "ing") && contains_vowel(w, w.size() - 3)) {
    cut = 3;
  }
  if (cut == 0) return;
  drop(w, cut);

  if (ends_with(w, "at") || ends_with(w, "bl") || ends_with(w, "iz")) {
    w.push_back(ch('e'));
    return;
  }
  const std::size_t n = w.size();
  if (ends_double_consonant(w, n)) {
    const ch last = w[n - 1];
    if (last != ch('l') && last != ch('s') && last != ch('z')) w.pop_back();
    return;
  }
  // NLTK spells the double-consonant rule as the pseudo-suffix "*d" and then also tests it as a
  // literal suffix, so a stem ending in "*d" loses its '*'. Reproduced for exact parity.
  if (ends_with(w, "*d")) {
    replace_tail(w, 2, "d");
    return;
  }
  if (measure(w, n) == 1 && ends_cvc(w, n)) w.push_back(ch('e'));
}

template <class S>
void step1c(S& w) {
  using ch = typename S::value_type;
  // NLTK: (*c and not c) Y -> I, i.e. the y follows a consonant that is not the first letter.
  const std::size_t n = w.size();
  if (n > 2 && w[n - 1] == ch('y') && is_consonant(w, n - 2)) w[n - 1] = ch('i');
}

constexpr std::array<rule, 22> step2_rules{{
    {"ational", "ate", cond::m_gt_0}, {"tional", "tion", cond::m_gt_0},
    {"enci", "ence", cond::m_gt_0},   {"anci", "ance", cond::m_gt_0},
    {"izer", "ize", cond::m_gt_0},    {"bli", "ble", cond::m_gt_0},
    {"alli", "al", cond::m_gt_0},     {"entli", "ent", cond::m_gt_0},
    {"eli", "e", cond::m_gt_0},       {"ousli", "ous", cond::m_gt_0},
    {"ization", "ize", cond::m_gt_0}, {"ation", "ate", cond::m_gt_0},
    {"ator", "ate", cond::m_gt_0},    {"alism", "al", cond::m_gt_0},
    {"iveness", "ive", cond::m_gt_0}, {"fulness", "ful", cond::m_gt_0},
    {"ousness", "ous", cond::m_gt_0}, {"aliti", "al", cond::m_gt_0},
    {"iviti", "ive", cond::m_gt_0},   {"biliti", "ble", cond::m_gt_0},
    {"fulli", "ful", cond::m_gt_0},   {"logi", "log", cond::logi_m_gt_0},
}};

template <class S>
void step2(S& w) {
  // NLTK: -alli -> -al first, then step 2 again on the result (e.g. -ationalli -> -ate).
  while (ends_with(w, "alli") && measure(w, w.size() - 4) > 0) drop(w, 2);
  apply_rules(w, step2_rules);
}

constexpr std::array<rule, 7> step3_rules{{
    {"icate", "ic", cond::m_gt_0},
    {"ative", "", cond::m_gt_0},
    {"alize", "al", cond::m_gt_0},
    {"iciti", "ic", cond::m_gt_0},
    {"ical", "ic", cond::m_gt_0},
    {"ful", "", cond::m_gt_0},
    {"ness", "", cond::m_gt_0},
}};

constexpr std::array<rule, 19> step4_rules{{
    {"al", "", cond::m_gt_1},   {"ance", "", cond::m_gt_1}, {"ence", "", cond::m_gt_1},
    {"er", "", cond::m_gt_1},   {"ic", "", cond::m_gt_1},   {"able", "", cond::m_gt_1},
    {"ible", "", cond::m_gt_1}, {"ant", "", cond::m_gt_1},  {"ement", "", cond::m_gt_1},
    {"ment", "", cond::m_gt_1}, {"ent", "", cond::m_gt_1},  {"ion", "", cond::m_gt_1_st},
    {"ou", "", cond::m_gt_1},   {"ism", "", cond::m_gt_1},  {"ate", "", cond::m_gt_1},
    {"iti", "", cond::m_gt_1},  {"ous", "", cond::m_gt_1},  {"ive", "", cond::m_gt_1},
    {"ize", "", cond::m_gt_1},
}};

template <class S>
void step5(S& w) {
  using ch = typename S::value_type;
  // 5a: (m>1) E -> ; (m=1 and not *o) E -> . Both conditions are tried (unlike a rule list).
  std::size_t n = w.size();
  if (n > 0 && w[n - 1] == ch('e')) {
    const int m = measure(w, n - 1);
    if (m > 1 || (m == 1 && !ends_cvc(w, n - 1))) w.pop_back();
  }
  // 5b: (m>1 and *d and *L) -> single letter; NLTK measures the word minus one `l`.
  n = w.size();
  if (ends_with(w, "ll") && measure(w, n - 1) > 1) w.pop_back();
}

template <class S>
void stem_steps(S& w) {
  step1a(w);
  step1b(w);
  step1c(w);
  step2(w);
  apply_rules(w, step3_rules);
  apply_rules(w, step4_rules);
  step5(w);
}

// NLTK's irregular forms, looked up with the lowercased word (NLTK since the fix of nltk#3567;
// NLTK 3.8 looked up the word as given, so `News` gave `new`).
struct irregular {
  std::string_view form;
  std::string_view stem;
};
constexpr std::array<irregular, 16> irregular_forms{{
    {"sky", "sky"},
    {"skies", "sky"},
    {"dying", "die"},
    {"lying", "lie"},
    {"tying", "tie"},
    {"news", "news"},
    {"innings", "inning"},
    {"inning", "inning"},
    {"outings", "outing"},
    {"outing", "outing"},
    {"cannings", "canning"},
    {"canning", "canning"},
    {"howe", "howe"},
    {"proceed", "proceed"},
    {"exceed", "exceed"},
    {"succeed", "succeed"},
}};

const std::string_view* find_irregular(std::string_view word) noexcept {
  if (word.size() < 3 || word.size() > 8) return nullptr;
  for (const irregular& f : irregular_forms) {
    if (f.form == word) return &f.stem;
  }
  return nullptr;
}

// One byte per character: ASCII words, and invalid UTF-8 as documented.
void stem_bytes(std::string_view word, std::string& out) {
  out.assign(word.data(), word.size());
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (const std::string_view* irr = find_irregular(out)) {
    out.assign(irr->data(), irr->size());
    return;
  }
  if (word.size() <= 2) return;
  stem_steps(out);
}

void append_utf8(std::u32string_view w, std::string& out) {
  for (const char32_t c : w) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
}

// Valid UTF-8 with at least one non-ASCII code point: lowercase as Python's str.lower() (full
// Unicode case mapping, final sigma included) and run the rules on code points.
void stem_unicode(std::string_view word, std::string& out) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  const int32_t code_points = text.countChar32();
  text.toLower(icu::Locale::getRoot());
  // Only U+212A KELVIN SIGN lowercases to ASCII, so `SKIES` with it reaches the pool too.
  if (text.length() <= 8) {
    std::string lowered;
    text.toUTF8String(lowered);
    if (const std::string_view* irr = find_irregular(lowered)) {
      out.assign(irr->data(), irr->size());
      return;
    }
  }
  if (code_points > 2) {
    std::u32string w;
    w.reserve(static_cast<std::size_t>(text.length()));
    for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
      w.push_back(static_cast<char32_t>(text.char32At(i)));
    }
    stem_steps(w);
    append_utf8(w, out);
    return;
  }
  text.toUTF8String(out);
}

}  // namespace

void porter_stem(std::string_view word, std::string& out) {
  out.clear();
  if (is_ascii(word) || find_invalid_utf8(word).has_value()) {
    stem_bytes(word, out);
  } else {
    stem_unicode(word, out);
  }
}

std::string porter_stem(std::string_view word) {
  std::string out;
  porter_stem(word, out);
  return out;
}

namespace {
// Why `vocabulary` and a vector rather than std::unordered_map<std::string, std::string>: one
// open-addressing lookup on a word-at-a-time hash and no node allocation per word; ROUGE looks up
// every summary word of more than 3 letters here.
struct porter_memo {
  vocabulary words;                // word -> id
  std::vector<std::string> stems;  // id -> its stem
};
}  // namespace

const std::string& porter_stem_memo(std::string_view word) {
  thread_local porter_memo memo;
  if (const auto id = memo.words.find(word)) return memo.stems[*id];
  if (memo.stems.size() >= (1U << 16)) {
    memo.words = vocabulary{};
    memo.stems.clear();
  }
  memo.words.intern(word);
  memo.stems.push_back(porter_stem(word));
  return memo.stems.back();
}

}  // namespace precis::text
