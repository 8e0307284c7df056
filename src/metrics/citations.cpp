/// @file citations.cpp
/// Citation markers, claims and the citation metrics of precis/metrics/citations.hpp. Lexical
/// support is the kernel of detail/source_index.hpp (`best_support`), shared with the
/// source-grounded metrics; see docs/metrics/citations.md.

#include "precis/metrics/citations.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <regex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "precis/detail/parallel.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/metrics/detail/fact_check.hpp"
#include "precis/metrics/detail/source_index.hpp"
#include "precis/metrics/detail/word_list.hpp"
#include "precis/text/analyzed_text.hpp"
#include "precis/text/porter.hpp"
#include "precis/text/utf8.hpp"

namespace precis::metrics {

namespace {

constexpr std::size_t k_max_bracket = 200;  // longest marker content looked at
constexpr long k_max_range = 1000;          // [a-b] with b - a >= this stays one (dangling) key
constexpr std::size_t k_max_keys = 1000;    // a marker expanding to more keys stays one key

std::uint32_t u32(std::size_t v) { return static_cast<std::uint32_t>(v); }
double ratio(double a, double b) { return b > 0.0 ? a / b : 0.0; }
double ratio(std::size_t a, std::size_t b) {
  return ratio(static_cast<double>(a), static_cast<double>(b));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_key_char(char c) {
  return is_alnum(c) || c == '_' || c == '.' || c == ':' || c == '#' || c == '/' || c == '-';
}
bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), is_digit);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Splits marker content into keys at ',' / ';' (and " and " for source tags), into `out`.
void split_keys(std::string_view content, bool words, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (std::size_t i = 0; i <= content.size(); ++i) {
    std::size_t skip = 0;
    if (i == content.size() || content[i] == ',' || content[i] == ';') {
      skip = 1;
    } else if (words && i + 5 <= content.size() && iequals_prefix(content.substr(i), " and ")) {
      skip = 5;
    }
    if (skip == 0) continue;
    out.push_back(trim(content.substr(start, i - start)));
    start = i + skip;
    i += skip - 1;
  }
}

// "12-14" or "12–14" (en dash) with optional spaces: the bounds, else false.
bool numeric_range(std::string_view item, long& a, long& b) {
  std::size_t dash = item.find('-');
  std::size_t dash_len = 1;
  if (dash == std::string_view::npos) {
    dash = item.find("\xE2\x80\x93");
    dash_len = 3;
  }
  if (dash == std::string_view::npos) return false;
  const auto left = trim(item.substr(0, dash));
  const auto right = trim(item.substr(dash + dash_len));
  if (!all_digits(left) || !all_digits(right)) return false;
  a = std::stol(std::string(left));
  b = std::stol(std::string(right));
  return true;
}

using id_predicate = std::function<bool(std::string_view)>;

// The content of a bracket marker as keys, or false when it is not a citation. `items` is
// working memory.
bool bracket_keys(std::string_view content, const id_predicate& is_id,
                  std::vector<std::string>& keys, std::vector<std::string_view>& items) {
  keys.clear();
  if (content.empty()) return false;
  split_keys(content, false, items);
  for (const auto item : items) {
    if (item.empty()) return false;
    long a = 0, b = 0;
    if (numeric_range(item, a, b)) {
      if (a <= b && b - a < k_max_range) {
        for (long k = a; k <= b; ++k) keys.push_back(std::to_string(k));
      } else {
        keys.emplace_back(item);
      }
      continue;
    }
    if (!std::all_of(item.begin(), item.end(), is_key_char)) return false;
    // A word without a digit ("[sic]", "[citation needed]") is a citation only when it is an id.
    if (!is_digit(item.back()) && !(is_id && is_id(item))) return false;
    keys.emplace_back(item);
  }
  if (keys.size() > k_max_keys) keys.assign(1, std::string(content));  // "[1-999, 1-999, ...]"
  return true;
}

struct raw_marker {
  std::size_t begin, end;
  citation_style style;
  std::vector<std::string> keys;
};

// Footnote definition line: "[k] rest", "[k]: rest", "[^k]: rest". `strong` when it cannot be
// ordinary text (a colon after the bracket, a caret, or a URL).
bool footnote_line(std::string_view line, std::string& key, std::string& rest, bool& strong) {
  line = trim(line);
  if (line.size() < 3 || line.front() != '[') return false;
  const auto close = line.find(']');
  if (close == std::string_view::npos || close < 2 || close > 64) return false;
  std::string_view k = line.substr(1, close - 1);
  strong = false;
  if (k.front() == '^') {
    k.remove_prefix(1);
    strong = true;
  }
  if (k.empty() || !std::all_of(k.begin(), k.end(), is_key_char)) return false;
  std::string_view r = line.substr(close + 1);
  if (!r.empty() && r.front() == ':') {
    r.remove_prefix(1);
    strong = true;
  }
  if (!r.empty() && !is_space(r.front())) return false;
  r = trim(r);
  if (r.empty()) return false;
  if (iequals_prefix(r, "http://") || iequals_prefix(r, "https://") || iequals_prefix(r, "www."))
    strong = true;
  key.assign(k);
  rest.assign(r);
  return true;
}

bool heading_line(std::string_view line) {
  line = trim(line);
  while (!line.empty() && (line.front() == '#' || line.front() == '*' || line.front() == '_'))
    line.remove_prefix(1);
  while (!line.empty() && (line.back() == '*' || line.back() == '_' || line.back() == ':'))
    line.remove_suffix(1);
  line = trim(line);
  for (const std::string_view h : {"sources", "source", "references", "citations", "footnotes",
                                   "notes", "bibliography", "works cited"}) {
    if (line.size() == h.size() && iequals_prefix(line, h)) return true;
  }
  return false;
}

void parse_footnotes(std::string_view s, parsed_citations& out) {
  struct line_info {
    std::size_t begin, end;
  };
  std::vector<line_info> lines;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t end = s.find('\n', pos);
    if (end == std::string_view::npos) end = s.size();
    lines.push_back({pos, end});
    pos = end + 1;
  }
  std::vector<citation_footnote> found;
  bool all_strong = true;
  std::size_t start = s.size();
  std::size_t k = lines.size();
  std::string key, rest;
  while (k > 0) {
    const auto& l = lines[k - 1];
    const auto line = s.substr(l.begin, l.end - l.begin);
    bool strong = false;
    if (trim(line).empty()) {
      --k;
      continue;
    }
    if (!footnote_line(line, key, rest, strong)) break;
    all_strong = all_strong && strong;
    found.push_back({key, rest, {u32(l.begin), u32(l.end)}});
    start = l.begin;
    --k;
  }
  if (found.empty()) return;
  bool heading = false;
  if (k > 0 && heading_line(s.substr(lines[k - 1].begin, lines[k - 1].end - lines[k - 1].begin))) {
    heading = true;
    start = lines[k - 1].begin;
  }
  if (!heading && !all_strong) return;
  std::reverse(found.begin(), found.end());
  out.footnotes = std::move(found);
  out.body_end = start;
}

std::vector<raw_marker> find_markers(std::string_view s, std::size_t end,
                                     const id_predicate& is_id) {
  std::vector<raw_marker> out;
  std::vector<std::string> keys;
  std::vector<std::string_view> items;
  // Bytes that can open a marker: '[', '(' and the lead byte of U+3010.
  static constexpr std::array<bool, 256> opens = [] {
    std::array<bool, 256> t{};
    t['['] = t['('] = t[0xE3] = true;
    return t;
  }();
  std::size_t i = 0;
  while (i < end) {
    const char c = s[i];
    if (!opens[static_cast<unsigned char>(c)]) {
      ++i;
      continue;
    }
    if (c == '[') {
      const std::size_t limit = std::min(end, i + k_max_bracket);
      std::size_t j = i + 1;
      while (j < limit && s[j] != ']' && s[j] != '[' && s[j] != '\n') ++j;
      if (j < limit && s[j] == ']' && !(j + 1 < end && s[j + 1] == '(')) {
        std::string_view content = s.substr(i + 1, j - i - 1);
        const bool caret = !content.empty() && content.front() == '^';
        if (caret) content.remove_prefix(1);
        if (bracket_keys(content, is_id, keys, items)) {
          out.push_back({i, j + 1, caret ? citation_style::caret : citation_style::bracket,
                         std::move(keys)});
          keys = {};
          i = j + 1;
          continue;
        }
      }
    } else if (c == '(' && i + 8 < end && iequals_prefix(s.substr(i + 1), "source")) {
      std::size_t k = i + 7;
      if (k < end && (s[k] == 's' || s[k] == 'S')) ++k;
      while (k < end && s[k] == ' ') ++k;
      if (k < end && s[k] == ':') {
        const std::size_t limit = std::min(end, i + k_max_bracket);
        std::size_t j = k + 1;
        while (j < limit && s[j] != ')' && s[j] != '(' && s[j] != '\n') ++j;
        if (j < limit && s[j] == ')') {
          keys.clear();
          split_keys(s.substr(k + 1, j - k - 1), true, items);
          for (const auto item : items) {
            if (!item.empty()) keys.emplace_back(item);
          }
          if (!keys.empty()) {
            out.push_back({i, j + 1, citation_style::source_tag, std::move(keys)});
            keys = {};
            i = j + 1;
            continue;
          }
        }
      }
    } else if (c == '\xE3' && i + 2 < end && s[i + 1] == '\x80' && s[i + 2] == '\x90') {  // 【
      const std::size_t limit = std::min(end, i + k_max_bracket);
      const auto close = s.substr(0, limit).find("\xE3\x80\x91", i + 3);  // 】
      if (close != std::string_view::npos) {
        std::string_view content = s.substr(i + 3, close - i - 3);
        std::string_view label;
        if (const auto dagger = content.find("\xE2\x80\xA0"); dagger != std::string_view::npos) {
          label = trim(content.substr(dagger + 3));
          content = content.substr(0, dagger);
        }
        content = trim(content);
        std::string key(!label.empty() && is_id && is_id(label) ? label : content);
        if (!key.empty()) {
          out.push_back({i, close + 3, citation_style::lenticular, {std::move(key)}});
          i = close + 3;
          continue;
        }
      }
    }
    ++i;
  }
  return out;
}

void apply_patterns(std::string& masked, std::size_t end, const std::vector<std::regex>& patterns,
                    std::vector<raw_marker>& markers) {
  for (const auto& re : patterns) {
    const std::string body = masked.substr(0, end);
    for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator();
         ++it) {
      const auto& m = *it;
      if (m.length(0) == 0) continue;
      const std::string content = m.size() > 1 && m[1].matched ? m.str(1) : m.str(0);
      raw_marker r{static_cast<std::size_t>(m.position(0)),
                   static_cast<std::size_t>(m.position(0) + m.length(0)),
                   citation_style::pattern,
                   {}};
      std::vector<std::string_view> items;
      split_keys(content, false, items);
      for (const auto item : items) {
        if (!item.empty()) r.keys.emplace_back(item);
      }
      if (r.keys.empty()) continue;
      std::fill(masked.begin() + static_cast<std::ptrdiff_t>(r.begin),
                masked.begin() + static_cast<std::ptrdiff_t>(r.end), ' ');
      markers.push_back(std::move(r));
    }
  }
  std::stable_sort(markers.begin(), markers.end(),
                   [](const raw_marker& a, const raw_marker& b) { return a.begin < b.begin; });
}

parsed_citations parse_impl(std::string_view s, const citation_options& options,
                            const std::vector<std::regex>& patterns, const id_predicate& is_id,
                            std::vector<raw_marker>* raw) {
  text::validate_utf8(s, "summary");
  parsed_citations out;
  out.masked.assign(s);
  out.body_end = s.size();
  if (options.footnotes) parse_footnotes(s, out);
  for (std::size_t i = out.body_end; i < out.masked.size(); ++i) {
    if (out.masked[i] != '\n') out.masked[i] = ' ';
  }
  std::vector<raw_marker> markers;
  if (options.builtin_markers) markers = find_markers(s, out.body_end, is_id);
  for (const auto& m : markers) {
    std::fill(out.masked.begin() + static_cast<std::ptrdiff_t>(m.begin),
              out.masked.begin() + static_cast<std::ptrdiff_t>(m.end), ' ');
  }
  if (!patterns.empty()) apply_patterns(out.masked, out.body_end, patterns, markers);
  std::size_t n_keys = 0;
  for (const auto& m : markers) n_keys += m.keys.size();
  out.markers.reserve(n_keys);
  for (const auto& m : markers) {
    for (const auto& k : m.keys) out.markers.push_back({k, {u32(m.begin), u32(m.end)}, m.style});
  }
  if (raw) *raw = std::move(markers);
  return out;
}

std::vector<std::regex> compile_patterns(const std::vector<std::string>& patterns) {
  std::vector<std::regex> out;
  for (const auto& p : patterns) {
    try {
      out.emplace_back(p, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      raise("invalid_argument", "citation pattern '" + p + "': " + e.what());
    }
  }
  return out;
}

// Display text of a claim: white space runs collapsed, no space before closing punctuation.
// Byte classes of clean_text: white space, and punctuation that takes no space before it.
constexpr std::array<std::uint8_t, 256> k_clean_class = [] {
  std::array<std::uint8_t, 256> t{};
  for (const char c : std::string_view(" \t\n\r\f")) t[static_cast<unsigned char>(c)] = 1;
  for (const char c : std::string_view(".,;:!?)")) t[static_cast<unsigned char>(c)] = 2;
  return t;
}();

std::string clean_text(std::string_view s) {
  // Never longer than `s`: a space is written only where white space was.
  std::string out(s.size(), '\0');
  std::size_t w = 0;
  bool space = false;
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;  // a run of ordinary bytes is copied whole
    while (j < n && k_clean_class[static_cast<unsigned char>(s[j])] == 0) ++j;
    if (j > i) {
      if (space) out[w++] = ' ';
      space = false;
      std::memcpy(out.data() + w, s.data() + i, j - i);
      w += j - i;
      i = j;
      continue;
    }
    if (k_clean_class[static_cast<unsigned char>(s[i])] == 1) {
      space = w > 0;
    } else {  // punctuation that takes no space before it
      space = false;
      out[w++] = s[i];
    }
    ++i;
  }
  out.resize(w);
  return out;
}

// Quoted spans of `s` (ASCII double quotes paired in order, and “...”): byte ranges of the
// content.
std::vector<text_span> find_quotes(std::string_view s) {
  std::vector<text_span> out;
  std::size_t open = std::string_view::npos;
  std::size_t curly = std::string_view::npos;
  // Only '"' and the lead byte of the curly quotes matter: jump between them (each found once).
  std::size_t straight = s.find('"'), lead = s.find('\xE2');
  auto next = [&](std::size_t from) {
    if (straight < from) straight = s.find('"', from);
    if (lead < from) lead = s.find('\xE2', from);
    return std::min(straight, lead);
  };
  for (std::size_t i = next(0); i < s.size(); i = next(i + 1)) {
    if (s[i] == '"') {
      if (open == std::string_view::npos) {
        open = i + 1;
      } else {
        out.push_back({u32(open), u32(i)});
        open = std::string_view::npos;
      }
    } else if (s[i] == '\xE2' && i + 2 < s.size() && s[i + 1] == '\x80') {
      if (s[i + 2] == '\x9C') {
        curly = i + 3;
      } else if (s[i + 2] == '\x9D' && curly != std::string_view::npos) {
        out.push_back({u32(curly), u32(i)});
        curly = std::string_view::npos;
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const text_span& a, const text_span& b) { return a.begin < b.begin; });
  return out;
}

constexpr char k_function_words_en[] =
#include "../../data/function_words/en.txt"
    ;

// The built-in function-word list `language` (nullptr for "none"), built once per process; add a
// data/function_words/<lang>.txt and a line here for another language.
const text::vocabulary* function_word_list(std::string_view language) {
  if (language == "none") return nullptr;
  if (language != "en") {
    raise("invalid_argument", "no built-in function-word list for language '" +
                                  std::string(language) + "' (expected en, or none)");
  }
  static const text::vocabulary en = [] {
    text::vocabulary v;
    for (const auto word : detail::list_entries(k_function_words_en)) v.intern(word);
    return v;
  }();
  return &en;
}

}  // namespace

std::string_view citation_style_name(citation_style style) noexcept {
  switch (style) {
    case citation_style::bracket:
      return "bracket";
    case citation_style::caret:
      return "caret";
    case citation_style::lenticular:
      return "lenticular";
    case citation_style::source_tag:
      return "source_tag";
    case citation_style::pattern:
      return "pattern";
    case citation_style::field:
      return "field";
  }
  return "bracket";
}

parsed_citations parse_citations(std::string_view summary, const citation_options& options) {
  return parse_impl(summary, options, compile_patterns(options.patterns), {}, nullptr);
}

// ---------------------------------------------------------------------------------------------

struct citation_scorer::impl {
  citation_options options;
  std::vector<std::string> ids;
  detail::string_ids by_id;
  std::unique_ptr<const detail::source_index> index;
  std::vector<std::vector<std::uint32_t>> source_types;    // per source: global type per token
  std::vector<std::vector<std::uint32_t>> sentence_stems;  // per index sentence: sorted stems
  std::vector<std::regex> patterns;
  embed::row_matrix sentence_vectors;  // unit rows, one per index sentence (embedding judge)
  // Stemming once per scorer instead of once per summary: every global type's global stem
  // (porter_nltk and none only; Snowball goes through analyze). Types and stems are looked up in
  // the index's global vocabularies.
  bool fast_stems = false;
  text::analyze_options fast_analysis;
  std::vector<std::uint32_t> type_stem;  // global type id -> global stem id
  std::vector<std::vector<std::uint64_t>> source_bigrams;  // per source: sorted stem bigrams
  // Left out of a claim's support when no source has them (nullptr: none).
  const text::vocabulary* function_words = nullptr;
  // The subject's words and pronouns: out of every claim's support, never names.
  std::unordered_set<std::string, detail::string_hash, std::equal_to<>> subject;
  std::unique_ptr<const detail::fact_index> facts;  // with check_facts
  bool is_subject(std::string_view word) const {
    return !subject.empty() && subject.find(word) != subject.end();
  }

  bool is_id(std::string_view key) const { return by_id.find(key) != by_id.end(); }
  // Which judges the configured one consults.
  bool lexical_part() const {
    return options.judge == support_judge::lexical || options.judge == support_judge::combined;
  }
  bool embedding_part() const {
    return options.judge == support_judge::embedding || options.judge == support_judge::combined;
  }
  // support_judge::combined: the lexical and the embedding judge's support, combined.
  double combine(double lexical, double embedding) const {
    if (options.combine == support_combination::max) return std::max(lexical, embedding);
    return (1.0 - options.embedding_weight) * lexical + options.embedding_weight * embedding;
  }
  // Claims of a plain-text summary. With `body` set, also the analysis of the masked body and
  // each claim's token range in it, so that scoring need not analyze the claims again.
  struct analyzed_claims {
    std::shared_ptr<const text::analyzed_text> body;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  };
  std::vector<claim_input> split(std::string_view summary,
                                 std::vector<citation_footnote>* footnotes,
                                 analyzed_claims* body = nullptr) const;
  citation_result score(std::span<const claim_input> claims,
                        std::span<const citation_footnote> footnotes,
                        const analyzed_claims* body) const;

  std::int64_t resolve(std::string_view key) const {
    if (const auto it = by_id.find(key); it != by_id.end()) return it->second;
    std::size_t d = key.size();
    while (d > 0 && is_digit(key[d - 1])) --d;
    if (d == key.size() || key.size() - d > 9) return -1;
    // A bare number, or a trailing number after letters/underscore/space ("doc3", "source 2").
    for (std::size_t i = 0; i < d; ++i) {
      const char c = key[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ' ' || c == '-'))
        return -1;
    }
    const long n = std::stol(std::string(key.substr(d)));
    if (n >= 1 && static_cast<std::size_t>(n) <= ids.size()) return n - 1;
    return -1;
  }

  // Per-claim working state of the lexical judge.
  struct lexical_claim {
    std::vector<std::uint32_t> stems;    // distinct global stems (no_id for unseen ones)
    std::vector<std::uint32_t> local;    // their keys
    std::unordered_set<std::uint32_t> local_set;  // the same, once a claim has 63 or more
    std::vector<std::uint64_t> bigrams;  // distinct (key, next key) pairs, for word_order
    double denominator = 0.0;
    std::vector<double> best;             // per source: kernel support of its best sentence
    std::vector<std::uint32_t> sentence;  // per source: that sentence (no_id if none)
    std::vector<std::uint32_t> touched_sources;  // sources whose best/sentence are set
    bool all_sources = false;  // any source's may be set (touched_sources not kept)
    detail::support_match global;
  };

  // Stem keys of an analysis (see `keys_of`): a global stem id, or k_unseen + k for the k-th
  // distinct stem found in no source.
  static constexpr std::uint32_t k_unseen = 0x80000000u;
  static std::uint64_t pair_key(std::uint32_t a, std::uint32_t b) {
    return (static_cast<std::uint64_t>(a) << 32) | b;
  }

  // The analysis claims are read with: the index's, or the same without a stemmer when the
  // stems come from `type_stem` (porter_nltk, none).
  const text::analyze_options& claim_analysis() const {
    return fast_stems ? fast_analysis : index->analysis();
  }
  // Per token id of `a` (types with fast_stems, else stems): its stem key.
  std::span<const std::uint32_t> token_ids(const text::analyzed_text& a) const {
    return fast_stems ? a.ids() : a.stem_ids();
  }
  std::vector<std::uint32_t> keys_of(const text::analyzed_text& a) const {
    std::vector<std::uint32_t> keys;
    if (!fast_stems) {
      keys = index->map_stems(a);
      for (std::uint32_t k = 0; k < keys.size(); ++k)
        if (keys[k] == text::no_id) keys[k] = k_unseen + k;
      return keys;
    }
    // Source types know their global stem; other types are stemmed here (as analyze would).
    const auto& types = a.types();
    keys.resize(types.size());
    // Stems in no source, numbered in order of first appearance (a hash map: a long summary has
    // thousands).
    std::unordered_map<std::string, std::uint32_t, detail::string_hash, std::equal_to<>> unseen;
    const auto& global_types = index->types();
    const auto& global_stems = index->stems();
    for (std::uint32_t t = 0; t < types.size(); ++t) {
      const std::string_view type = types[t];
      if (const auto g = global_types.find(type)) {
        keys[t] = type_stem[*g];
        continue;
      }
      const std::string_view stem =
          options.stemmer == text::stemmer_kind::porter_nltk &&
                  a.type_kinds()[t] == text::token_kind::word
              ? std::string_view(text::porter_stem_memo(type))
              : type;
      if (const auto g = global_stems.find(stem)) {
        keys[t] = *g;
        continue;
      }
      auto at = unseen.find(stem);
      if (at == unseen.end()) at = unseen.emplace(std::string(stem), u32(unseen.size())).first;
      keys[t] = k_unseen + at->second;
    }
    return keys;
  }

  // `a`'s tokens [first, end) as the claim; `keys` from `keys_of(a)`.
  void lexical_prepare(const text::analyzed_text& a, std::uint32_t first, std::uint32_t end,
                       std::span<const std::uint32_t> keys, lexical_claim& lc,
                       detail::support_scratch& scratch) const {
    lc.stems.clear();
    lc.local.clear();
    lc.local_set.clear();
    const auto tokens = token_ids(a);
    lc.bigrams.clear();
    if (options.word_order) {
      for (std::uint32_t k = first; k + 1 < end; ++k) {
        lc.bigrams.push_back(pair_key(keys[tokens[k]], keys[tokens[k + 1]]));
      }
      std::sort(lc.bigrams.begin(), lc.bigrams.end());
      lc.bigrams.erase(std::unique(lc.bigrams.begin(), lc.bigrams.end()), lc.bigrams.end());
    }
    for (std::uint32_t k = first; k < end; ++k) {
      const auto key = keys[tokens[k]];
      // A function word no source has ("she" where the post says "I") is no part of the claim,
      // nor is the subject's name.
      if (key >= k_unseen && function_words != nullptr &&
          function_words->find(a.token_type(k)).has_value())
        continue;
      if (is_subject(a.token_type(k))) continue;
      // Distinct keys in order of first appearance: a linear search in short claims, a hash set
      // in long ones (a sentence of thousands of words would make the search quadratic).
      if (lc.local.size() < 64) {
        if (std::find(lc.local.begin(), lc.local.end(), key) != lc.local.end()) continue;
        if (lc.local.size() == 63) lc.local_set.insert(lc.local.begin(), lc.local.end());
      }
      if (lc.local.size() >= 63 && !lc.local_set.insert(key).second) continue;
      lc.local.push_back(key);
      lc.stems.push_back(key >= k_unseen ? text::no_id : key);
    }
    lc.denominator = 0.0;
    for (const auto t : lc.stems) lc.denominator += index->idf(t);
    // Per source: 0 and no_id except for the sources the previous claim touched, which are
    // reset here (a claim costs its postings, not a pass over every source).
    if (lc.best.size() != ids.size() || lc.all_sources) {
      lc.best.assign(ids.size(), 0.0);
      lc.sentence.assign(ids.size(), text::no_id);
    } else {
      for (const auto s : lc.touched_sources) {
        lc.best[s] = 0.0;
        lc.sentence[s] = text::no_id;
      }
    }
    lc.touched_sources.clear();
    lc.all_sources = false;
    lc.global = index->best_support(lc.stems, scratch);
    if (lc.denominator <= 0.0 || index->sentences().empty()) return;
    // After best_support, scratch.overlap[j] holds sentence j's idf-weighted overlap (the
    // kernel's numerator) for the touched sentences (0 elsewhere); the best sentence per source
    // is read from it, ties to the earliest sentence (test_citations pins that the maximum equals
    // the kernel's score).
    const auto sentences = index->sentences();
    lc.all_sources = scratch.dense;
    if (scratch.dense) {  // every sentence in order: the first best one wins ties
      for (std::uint32_t j = 0; j < sentences.size(); ++j) {
        const double v = std::min(1.0, scratch.overlap[j] / lc.denominator);
        const auto src = sentences[j].source;
        if (v > lc.best[src]) {
          lc.best[src] = v;
          lc.sentence[src] = j;
        }
      }
    } else {  // the touched sentences in no order: ties to the earlier sentence
      for (const auto j : scratch.touched) {
        const double v = std::min(1.0, scratch.overlap[j] / lc.denominator);
        const auto src = sentences[j].source;
        if (lc.sentence[src] == text::no_id) {
          lc.touched_sources.push_back(src);
          lc.best[src] = v;
          lc.sentence[src] = j;
        } else if (v > lc.best[src] || (v == lc.best[src] && j < lc.sentence[src])) {
          lc.best[src] = v;
          lc.sentence[src] = j;
        }
      }
    }
  }

  // The parts of the claim (tokens [first, end) of `a`, stem keys `keys`) that index sentence
  // `sentence` supports: maximal runs of tokens whose stem the sentence holds, where a function
  // word or a subject word (held or not) bridges a run but never starts or ends one. Bytes are
  // offsets in `text` (the analyzed text) plus `base`.
  void supported_parts(const text::analyzed_text& a, std::uint32_t first, std::uint32_t end,
                       std::span<const std::uint32_t> keys, std::uint32_t sentence,
                       std::uint32_t base, std::string_view text,
                       std::vector<supported_part>& out) const {
    if (sentence == text::no_id) return;
    const auto& held = sentence_stems[sentence];
    const auto tokens = a.tokens();
    const auto ids_of = token_ids(a);
    std::int64_t open = -1, last = -1;  // first and last held content token of the current run
    auto close = [&] {
      if (open >= 0) {
        const auto b = tokens[static_cast<std::size_t>(open)].begin;
        const auto e = tokens[static_cast<std::size_t>(last)].end;
        out.push_back({{base + b, base + e}, clean_text(text.substr(b, e - b))});
      }
      open = last = -1;
    };
    for (auto k = first; k < end; ++k) {
      const auto type = a.token_type(k);
      if (is_subject(type) || (function_words != nullptr && function_words->find(type)))
        continue;  // bridges
      const auto key = keys[ids_of[k]];
      if (key < k_unseen && std::binary_search(held.begin(), held.end(), key)) {
        if (open < 0) open = k;
        last = k;
      } else {
        close();
      }
    }
    close();
  }

  // Union support: idf share of the claim's stems found in the best sentence of at least one of
  // `cited` (exactly the kernel's support for one source).
  double lexical_union(const lexical_claim& lc, std::span<const std::size_t> cited) const {
    const double unigram = lexical_unigrams(lc, cited);
    if (!options.word_order || lc.bigrams.empty()) return unigram;
    // Word order: the share of the claim's distinct stem bigrams found in a cited source.
    std::size_t found = 0;
    for (const auto b : lc.bigrams) {
      for (const auto src : cited) {
        const auto& set = source_bigrams[src];
        if (std::binary_search(set.begin(), set.end(), b)) {
          ++found;
          break;
        }
      }
    }
    return std::sqrt(unigram * static_cast<double>(found) / static_cast<double>(lc.bigrams.size()));
  }

  double lexical_unigrams(const lexical_claim& lc, std::span<const std::size_t> cited) const {
    if (cited.size() == 1) return lc.best[cited[0]];
    if (lc.denominator <= 0.0) return 0.0;
    double covered = 0.0;
    for (const auto t : lc.stems) {
      if (t == text::no_id) continue;
      for (const auto s : cited) {
        const auto j = lc.sentence[s];
        if (j == text::no_id) continue;
        const auto& st = sentence_stems[j];
        if (std::binary_search(st.begin(), st.end(), t)) {
          covered += index->idf(t);
          break;
        }
      }
    }
    return std::min(1.0, covered / lc.denominator);
  }
};

citation_scorer::citation_scorer(std::span<const source_doc> sources,
                                 const citation_options& options) {
  auto p = std::make_unique<impl>();
  p->options = options;
  const auto& o = p->options;
  if (!(o.support_threshold >= 0.0 && o.support_threshold <= 1.0))
    raise("invalid_argument", "support_threshold must be in [0, 1]");
  if (o.judge == support_judge::embedding && !o.encoder)
    raise("invalid_argument", "support_judge::embedding needs an encoder");
  if (o.judge == support_judge::combined && !o.encoder)
    raise("invalid_argument", "support_judge::combined needs an encoder");
  if (o.judge == support_judge::custom && !o.support_fn)
    raise("invalid_argument", "support_judge::custom needs a support function");
  p->patterns = compile_patterns(o.patterns);
  p->function_words = function_word_list(o.function_words);
  for (const auto& [value, name] : {std::pair{o.fact_cap, "fact_cap"},
                                    std::pair{o.fact_context, "fact_context"},
                                    std::pair{o.min_source_support, "min_source_support"},
                                    std::pair{o.embedding_weight, "embedding_weight"}}) {
    if (!(value >= 0.0 && value <= 1.0))
      raise("invalid_argument", std::string(name) + " must be in [0, 1]");
  }
  p->subject = detail::subject_vocabulary(o.subject);
  std::vector<std::string_view> texts;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    std::string id = sources[i].id.empty() ? std::to_string(i + 1) : sources[i].id;
    if (!p->by_id.emplace(id, u32(i)).second)
      raise("invalid_argument", "duplicate source id '" + id + "'");
    p->ids.push_back(std::move(id));
    texts.emplace_back(sources[i].text);
  }
  text::analyze_options analysis;
  analysis.stemmer = o.stemmer;
  analysis.stem_language = o.stem_language;
  p->index = std::make_unique<const detail::source_index>(p->ids, texts, std::string_view{},
                                                          analysis, true);
  const auto& index = *p->index;
  if (o.check_facts) p->facts = std::make_unique<const detail::fact_index>(index);
  std::vector<std::vector<std::uint32_t>> source_stems(sources.size());
  p->source_types.resize(sources.size());
  p->fast_stems = o.stemmer != text::stemmer_kind::snowball;
  p->fast_analysis = index.analysis();
  p->fast_analysis.stemmer = text::stemmer_kind::none;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    const auto& a = index.source(s);
    const auto tmap = index.map_types(a);
    const auto smap = index.map_stems(a);
    if (p->fast_stems) {
      p->type_stem.resize(index.types().size(), text::no_id);
      for (std::uint32_t t = 0; t < a.types().size(); ++t) {
        p->type_stem[tmap[t]] = smap[a.type_stems()[t]];
      }
    }
    for (const auto id : a.ids()) p->source_types[s].push_back(tmap[id]);
    for (const auto id : a.stem_ids()) source_stems[s].push_back(smap[id]);
  }
  if (o.word_order) {
    p->source_bigrams.resize(sources.size());
    for (const auto& sentence : index.sentences()) {  // pairs within a sentence
      const auto& span = index.source(sentence.source).sentences()[sentence.index];
      const auto& st = source_stems[sentence.source];
      auto& set = p->source_bigrams[sentence.source];
      for (auto k = span.first_token; k + 1 < span.end_token; ++k) {
        set.push_back(impl::pair_key(st[k], st[k + 1]));
      }
    }
    for (auto& set : p->source_bigrams) {
      std::sort(set.begin(), set.end());
      set.erase(std::unique(set.begin(), set.end()), set.end());
    }
  }
  for (const auto& sentence : index.sentences()) {
    const auto& a = index.source(sentence.source);
    const auto& span = a.sentences()[sentence.index];
    std::vector<std::uint32_t> st(source_stems[sentence.source].begin() + span.first_token,
                                  source_stems[sentence.source].begin() + span.end_token);
    std::sort(st.begin(), st.end());
    st.erase(std::unique(st.begin(), st.end()), st.end());
    p->sentence_stems.push_back(std::move(st));
  }
  if (p->embedding_part() && !index.sentences().empty()) {
    std::vector<std::string_view> sentences;
    for (const auto& s : index.sentences()) {
      sentences.push_back(index.source(s.source).text().substr(s.begin, s.end - s.begin));
    }
    p->sentence_vectors = embed::encode_batched(*o.encoder, sentences);
    p->sentence_vectors.rowwise().normalize();
  }
  impl_ = std::move(p);
}

citation_scorer::~citation_scorer() = default;
citation_scorer::citation_scorer(citation_scorer&&) noexcept = default;
citation_scorer& citation_scorer::operator=(citation_scorer&&) noexcept = default;

std::int64_t citation_scorer::resolve(std::string_view key) const { return impl_->resolve(key); }
std::size_t citation_scorer::source_count() const noexcept { return impl_->ids.size(); }
const std::string& citation_scorer::source_id(std::size_t i) const { return impl_->ids.at(i); }
const citation_options& citation_scorer::options() const noexcept { return impl_->options; }

std::vector<claim_input> citation_scorer::claims(std::string_view summary) const {
  return impl_->split(summary, nullptr);
}

std::vector<claim_input> citation_scorer::impl::split(std::string_view summary,
                                                      std::vector<citation_footnote>* footnotes,
                                                      analyzed_claims* body_out) const {
  const auto& p = *this;
  std::vector<raw_marker> raw;
  auto parsed = parse_impl(
      summary, p.options, p.patterns, [&](std::string_view k) { return p.is_id(k); }, &raw);
  if (footnotes) *footnotes = parsed.footnotes;
  const std::string_view body = std::string_view(parsed.masked).substr(0, parsed.body_end);
  const auto analyzed = text::analyze(body, p.claim_analysis());
  const auto tokens = analyzed->tokens();

  struct unit {
    std::uint32_t begin, end;   // bytes
    std::uint32_t first, last;  // tokens [first, last)
  };
  std::vector<unit> units;
  units.reserve(analyzed->sentences().size() + raw.size());
  for (const auto& s : analyzed->sentences()) {
    std::uint32_t begin = s.begin;
    std::uint32_t t = s.first_token;
    if (p.options.unit == claim_unit::clause) {
      // A marker inside the sentence with a word after it ends a clause. `raw` is sorted by
      // `begin`: only the markers starting inside the sentence are looked at.
      const auto by_begin = [](const raw_marker& x, std::size_t b) { return x.begin < b; };
      const auto inside = std::lower_bound(raw.begin(), raw.end(), s.begin + 1, by_begin);
      for (auto m_it = inside; m_it != raw.end() && m_it->begin < s.end; ++m_it) {
        const auto& m = *m_it;
        if (m.begin <= begin || m.end >= s.end) continue;
        std::uint32_t t_end = t;
        while (t_end < s.end_token && tokens[t_end].begin < m.begin) ++t_end;
        if (t_end == t || t_end == s.end_token) continue;
        // The clause keeps the punctuation right after its marker ("A [1], and B").
        std::uint32_t cut = u32(m.end);
        for (bool moved = true; moved;) {  // adjacent markers ("[1][2]") close the same clause
          moved = false;
          std::uint32_t k = cut;
          while (k < s.end && is_space(body[k])) ++k;
          for (auto next = std::lower_bound(raw.begin(), raw.end(), k, by_begin);
               next != raw.end() && next->begin == k; ++next) {
            if (next->end < s.end) {
              cut = u32(next->end);
              moved = true;
              break;
            }
          }
        }
        while (cut < s.end && (body[cut] == ',' || body[cut] == ';' || body[cut] == ':')) ++cut;
        units.push_back({begin, cut, t, t_end});
        begin = cut;
        while (begin < s.end && is_space(body[begin])) ++begin;
        t = t_end;
      }
    }
    units.push_back({begin, s.end, t, s.end_token});
  }
  // Claims, and each marker's unit: the last unit starting at or before it (a marker in the gap
  // after a unit closes that unit; one before the first unit belongs to the first).
  std::vector<std::int64_t> claim_of(units.size(), -1);
  std::vector<claim_input> out;
  out.reserve(units.size());
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (units[u].last - units[u].first < std::max<std::size_t>(1, p.options.min_claim_words))
      continue;
    claim_of[u] = static_cast<std::int64_t>(out.size());
    if (body_out) body_out->ranges.emplace_back(units[u].first, units[u].last);
    claim_input c;
    c.span = {units[u].begin, units[u].end};
    c.text.assign(body.substr(units[u].begin, units[u].end - units[u].begin));
    out.push_back(std::move(c));
  }
  if (body_out) body_out->body = analyzed;
  if (out.empty()) return out;
  // Per unit: the nearest claim at or before it, and at or after it (-1 if none).
  std::vector<std::int64_t> claim_before(units.size(), -1), claim_after(units.size(), -1);
  for (std::size_t u = 0; u < units.size(); ++u) {
    claim_before[u] = claim_of[u] >= 0 ? claim_of[u] : (u > 0 ? claim_before[u - 1] : -1);
  }
  for (std::size_t u = units.size(); u-- > 0;) {
    claim_after[u] =
        claim_of[u] >= 0 ? claim_of[u] : (u + 1 < units.size() ? claim_after[u + 1] : -1);
  }
  for (const auto& m : raw) {
    auto it = std::upper_bound(units.begin(), units.end(), m.begin,
                               [](std::size_t b, const unit& x) { return b < x.begin; });
    std::size_t u = it == units.begin() ? 0 : static_cast<std::size_t>(it - units.begin()) - 1;
    // Not a claim (too few words): the nearest earlier claim, else the next one.
    const std::int64_t c = claim_before[u] >= 0 ? claim_before[u] : claim_after[u];
    auto& claim = out[static_cast<std::size_t>(c)];
    for (const auto& key : m.keys) {
      claim.citations.push_back({key, {u32(m.begin), u32(m.end)}, m.style});
    }
  }
  return out;
}

citation_result citation_scorer::score(std::string_view summary) const {
  std::vector<citation_footnote> footnotes;
  impl::analyzed_claims body;
  const auto claim_list = impl_->split(summary, &footnotes, &body);
  return impl_->score(claim_list, footnotes, &body);
}

double citation_scorer::support(std::string_view claim, std::span<const std::size_t> cited) const {
  const auto& p = *impl_;
  for (const auto s : cited) {
    if (s >= p.ids.size()) raise("invalid_argument", "source index out of range");
  }
  if (cited.empty()) return 0.0;
  text::validate_utf8(claim, "claim");
  if (p.options.judge == support_judge::custom)
    return std::clamp(p.options.support_fn(claim, cited), 0.0, 1.0);
  double embedding = 0.0;
  if (p.embedding_part()) {
    std::string_view texts[] = {claim};
    auto v = embed::encode_batched(*p.options.encoder, std::span<const std::string_view>(texts));
    v.rowwise().normalize();
    const auto sentences = p.index->sentences();
    for (std::size_t j = 0; j < sentences.size(); ++j) {
      if (std::find(cited.begin(), cited.end(), sentences[j].source) == cited.end()) continue;
      embedding = std::max(
          embedding, static_cast<double>(
                         p.sentence_vectors.row(static_cast<Eigen::Index>(j)).dot(v.row(0))));
    }
    embedding = std::clamp(embedding, 0.0, 1.0);
    if (!p.lexical_part()) return embedding;
  }
  const auto a = text::analyze(claim, p.claim_analysis());
  impl::lexical_claim lc;
  detail::support_scratch scratch;
  p.lexical_prepare(*a, 0, u32(a->tokens().size()), p.keys_of(*a), lc, scratch);
  const double lexical = p.lexical_union(lc, cited);
  return p.embedding_part() ? p.combine(lexical, embedding) : lexical;
}

citation_result citation_scorer::score_claims(std::span<const claim_input> claim_list,
                                              std::span<const citation_footnote> footnotes) const {
  return impl_->score(claim_list, footnotes, nullptr);
}

citation_result citation_scorer::impl::score(std::span<const claim_input> claim_list,
                                             std::span<const citation_footnote> footnotes,
                                             const analyzed_claims* body) const {
  const auto& p = *this;
  const auto& o = p.options;
  const double tau = o.support_threshold;
  const std::size_t n_sources = p.ids.size();
  citation_result r;
  r.sources = n_sources;
  r.footnotes.assign(footnotes.begin(), footnotes.end());

  // Footnote keys that name a source in their text ("[2] post_7 ...", "[2]: https://x").
  std::unordered_map<std::string, std::int64_t> footnote_source;
  for (const auto& f : footnotes) {
    std::int64_t found = -1;
    std::size_t pos = 0;
    const std::string_view t = f.text;
    while (pos < t.size() && found < 0) {
      while (pos < t.size() && is_space(t[pos])) ++pos;
      std::size_t e = pos;
      while (e < t.size() && !is_space(t[e])) ++e;
      std::string_view word = t.substr(pos, e - pos);
      while (!word.empty() &&
             (word.back() == ',' || word.back() == '.' || word.back() == ';' || word.back() == ')'))
        word.remove_suffix(1);
      while (!word.empty() && word.front() == '(') word.remove_prefix(1);
      if (const auto it = p.by_id.find(word); it != p.by_id.end()) found = it->second;
      pos = e;
    }
    if (found >= 0) footnote_source.emplace(f.key, found);
  }
  auto resolve = [&](const std::string& key) -> std::int64_t {
    if (const auto it = footnote_source.find(key); it != footnote_source.end()) return it->second;
    return p.resolve(key);
  };

  std::vector<bool> used(n_sources, false);
  std::unordered_set<std::string> dangling_seen;
  detail::support_scratch scratch;
  lexical_claim lc;
  lc.stems.reserve(64);
  lc.local.reserve(64);
  r.claim_details.reserve(claim_list.size());
  std::vector<std::uint32_t> body_keys;  // the body's stem keys, on first use
  double support_sum = 0.0;

  // Embedding judge: all claims encoded in one batch; sims[c][s] = best cosine in source s.
  std::vector<std::vector<double>> sims;
  if (p.embedding_part() && !claim_list.empty()) {
    std::vector<std::string_view> texts;
    for (const auto& c : claim_list) {
      text::validate_utf8(c.text, "claim");
      texts.emplace_back(c.text);
    }
    auto v = embed::encode_batched(*o.encoder, texts);
    v.rowwise().normalize();
    sims.assign(claim_list.size(), std::vector<double>(n_sources, 0.0));
    const auto sentences = p.index->sentences();
    if (!sentences.empty()) {
      const embed::row_matrix dots = v * p.sentence_vectors.transpose();
      for (std::size_t c = 0; c < claim_list.size(); ++c) {
        for (std::size_t j = 0; j < sentences.size(); ++j) {
          auto& b = sims[c][sentences[j].source];
          b = std::max(b, static_cast<double>(
                              dots(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(j))));
        }
      }
    }
  }

  std::vector<std::size_t> cited, rest;
  std::vector<std::string_view> keys;  // distinct citation keys of one claim
  for (std::size_t ci = 0; ci < claim_list.size(); ++ci) {
    const auto& in = claim_list[ci];
    // Claims cut from an analyzed summary are valid already.
    if (!body && !text::is_valid_utf8(in.text)) {
      text::validate_utf8(in.text, in.pointer.empty() ? "claim" : "field '" + in.pointer + "'");
    }
    citation_claim c;
    c.text = clean_text(in.text);
    c.pointer = in.pointer;
    c.span = in.span;
    c.citations = in.citations;
    ++r.claims;
    if (!in.citations.empty()) ++r.cited_claims;

    // Validity: distinct keys of this claim.
    cited.clear();
    keys.clear();
    std::unordered_set<std::string_view> many;  // for claims with many keys (linear search below)
    for (const auto& ref : in.citations) {
      if (in.citations.size() <= 16) {
        if (std::find(keys.begin(), keys.end(), ref.key) != keys.end()) continue;
        keys.push_back(ref.key);
      } else if (!many.insert(ref.key).second) {
        continue;
      }
      ++r.citations;
      const auto s = resolve(ref.key);
      if (s < 0) {
        c.dangling.push_back(ref.key);
        if (dangling_seen.insert(ref.key).second) r.dangling.push_back(ref.key);
        continue;
      }
      ++r.valid_citations;
      const auto si = static_cast<std::size_t>(s);
      used[si] = true;
      if (std::find(cited.begin(), cited.end(), si) == cited.end()) {
        cited.push_back(si);
        c.cited.push_back(p.ids[si]);
      }
    }
    if (!cited.empty()) ++r.attributed_claims;

    // Support of a set of sources under the configured judge; the lexical judge also checks
    // the claim's facts against the cited sources (scratch holds the kernel's overlaps).
    bool fact_failed = false;
    std::shared_ptr<const text::analyzed_text> own;
    const text::analyzed_text* a = nullptr;  // the claim's analysis (lexical part)
    std::uint32_t first = 0, end = 0;        // the claim's tokens in it
    std::vector<std::uint32_t> own_keys;
    const std::vector<std::uint32_t>* claim_keys = nullptr;
    if (p.lexical_part() && !cited.empty()) {
      if (body) {  // the claim's tokens in the summary's analysis
        if (body_keys.empty()) body_keys = p.keys_of(*body->body);
        a = body->body.get();
        first = body->ranges[ci].first;
        end = body->ranges[ci].second;
        claim_keys = &body_keys;
      } else {
        own = text::analyze(in.text, p.claim_analysis());
        a = own.get();
        end = u32(own->tokens().size());
        own_keys = p.keys_of(*own);
        claim_keys = &own_keys;
      }
      p.lexical_prepare(*a, first, end, *claim_keys, lc, scratch);
      if (p.facts && lc.global.sentence != text::no_id) {
        std::vector<std::uint32_t> claim_stems;
        const auto token_keys = p.token_ids(*a);
        for (auto k = first; k < end; ++k) {
          const auto key = (*claim_keys)[token_keys[k]];
          claim_stems.push_back(key >= impl::k_unseen || p.is_subject(a->token_type(k))
                                    ? text::no_id
                                    : key);
        }
        const auto sentences = p.index->sentences();
        const auto verdict = detail::check_claim(
            *p.index, *p.facts, {*a, first, end, claim_stems},
            [&](std::string_view w) { return w == "i" || p.is_subject(w); },
            [&](std::uint32_t j) {
              return std::find(cited.begin(), cited.end(), sentences[j].source) != cited.end();
            },
            o.fact_context);
        const auto tokens = a->tokens();
        for (const auto& [fb, fe] : verdict.mismatched) {
          const auto b = tokens[fb].begin, e = tokens[fe - 1].end;
          c.mismatched_facts.emplace_back(a->text().substr(b, e - b));
        }
        c.negation_mismatch = verdict.negation_mismatch;
        fact_failed = !verdict.mismatched.empty() || verdict.negation_mismatch;
      }
    }
    auto embedding = [&](std::span<const std::size_t> set) -> double {
      double b = 0.0;
      for (const auto s : set) b = std::max(b, sims[ci][s]);
      return std::clamp(b, 0.0, 1.0);
    };
    auto joint = [&](std::span<const std::size_t> set) -> double {
      if (set.empty()) return 0.0;
      switch (o.judge) {
        case support_judge::lexical:
          return p.lexical_union(lc, set);
        case support_judge::embedding:
          return embedding(set);
        case support_judge::combined:
          return p.combine(p.lexical_union(lc, set), embedding(set));
        case support_judge::custom:
          return std::clamp(o.support_fn(in.text, set), 0.0, 1.0);
      }
      return 0.0;
    };
    if (!cited.empty()) {
      if (p.lexical_part()) c.lexical_support = p.lexical_union(lc, cited);
      if (p.embedding_part()) c.embedding_support = embedding(cited);
    }
    c.support = joint(cited);
    if (fact_failed) c.support *= o.fact_cap;  // into [0, fact_cap], order kept
    c.supported = !cited.empty() && c.support >= tau;
    // Each cited source alone; with several, one that supports none of the claim is named.
    for (const auto s : cited) {
      const std::size_t one[] = {s};
      const double v = cited.size() == 1 ? c.support : joint(one);
      c.cited_support.push_back(v);
      if (cited.size() > 1 && p.lexical_part() && v < o.min_source_support)
        c.unsupporting.push_back(p.ids[s]);
    }
    if (a != nullptr) {
      const std::uint32_t base = body ? 0 : in.span.begin;
      const std::string_view text = body ? std::string_view(a->text()) : std::string_view(in.text);
      for (const auto s : cited) {
        auto& parts = c.cited_parts.emplace_back();
        if (std::find(c.unsupporting.begin(), c.unsupporting.end(), p.ids[s]) !=
            c.unsupporting.end())
          continue;
        p.supported_parts(*a, first, end, *claim_keys, lc.sentence[s], base, text, parts);
      }
    }
    support_sum += c.support;
    if (c.supported) ++r.supported_claims;

    // Precision (ALCE): a citation is relevant when the claim is supported by all its citations
    // and the citation either supports it alone or cannot be dropped.
    if (c.supported) {
      if (cited.size() == 1) {
        c.relevant_citations = 1;
      } else {
        for (const auto s : cited) {
          const std::size_t one[] = {s};
          bool relevant = joint(one) >= tau;
          const bool contributes =
              std::find(c.unsupporting.begin(), c.unsupporting.end(), p.ids[s]) ==
              c.unsupporting.end();
          if (!relevant && contributes) {
            rest.clear();
            for (const auto x : cited)
              if (x != s) rest.push_back(x);
            relevant = joint(rest) < tau;
          }
          if (relevant) {
            ++c.relevant_citations;
          } else {
            c.irrelevant.push_back(p.ids[s]);
          }
        }
      }
    }
    r.relevant_citations += c.relevant_citations;

    // Misattribution: cited, unsupported, while an uncited source supports the claim.
    if (!cited.empty() && !c.supported) {
      std::int64_t best = -1;
      double best_v = 0.0;
      if (o.judge == support_judge::lexical && !o.word_order) {
        if (lc.global.sentence != text::no_id) {
          best = p.index->sentences()[lc.global.sentence].source;
          best_v = lc.global.score;
        }
      } else {
        for (std::size_t s = 0; s < n_sources; ++s) {
          if (std::find(cited.begin(), cited.end(), s) != cited.end()) continue;
          const std::size_t one[] = {s};
          const double v = joint(one);
          if (v > best_v) {
            best_v = v;
            best = static_cast<std::int64_t>(s);
          }
        }
      }
      if (best >= 0 && best_v >= tau &&
          std::find(cited.begin(), cited.end(), static_cast<std::size_t>(best)) == cited.end()) {
        c.misattributed = true;
        c.better_source = p.ids[static_cast<std::size_t>(best)];
        c.better_support = best_v;
        ++r.misattributed_claims;
      }
    }

    // Quotes: each quoted span must occur (normalized tokens) in a cited source, or in any
    // source when the claim cites none.
    for (const auto& q : find_quotes(in.text)) {
      // The quote's normalized tokens as global type ids (no_id: in no source); from the
      // summary's analysis when there is one.
      std::vector<std::uint32_t> seq;
      auto add = [&](std::string_view type) {
        seq.push_back(p.index->types().find(type).value_or(text::no_id));
      };
      if (body) {
        const auto& summary_analysis = *body->body;
        const auto tokens = summary_analysis.tokens();
        const auto qb = in.span.begin + q.begin, qe = in.span.begin + q.end;
        auto t =
            std::lower_bound(tokens.begin(), tokens.end(), qb,
                             [](const text::token& x, std::uint32_t b) { return x.begin < b; });
        for (; t != tokens.end() && t->end <= qe; ++t) {
          add(summary_analysis.token_type(static_cast<std::size_t>(t - tokens.begin())));
        }
      } else {
        const auto qa = text::analyze(std::string_view(in.text).substr(q.begin, q.end - q.begin),
                                      p.claim_analysis());
        for (std::size_t k = 0; k < qa->tokens().size(); ++k) add(qa->token_type(k));
      }
      if (seq.size() < std::max<std::size_t>(1, o.min_quote_words)) continue;
      citation_quote quote;
      quote.span = {in.span.begin + q.begin, in.span.begin + q.end};
      quote.claim = static_cast<std::int64_t>(ci);
      const bool unseen = std::find(seq.begin(), seq.end(), text::no_id) != seq.end();
      for (std::size_t s = 0; s < n_sources && !unseen && !quote.found; ++s) {
        if (!cited.empty() && std::find(cited.begin(), cited.end(), s) == cited.end()) continue;
        const auto& st = p.source_types[s];
        if (std::search(st.begin(), st.end(), seq.begin(), seq.end()) != st.end()) {
          quote.found = true;
          quote.found_in = p.ids[s];
        }
      }
      ++r.quotes;
      if (quote.found) ++r.quotes_found;
      r.quote_details.push_back(std::move(quote));
    }
    r.claim_details.push_back(std::move(c));
  }

  for (std::size_t s = 0; s < n_sources; ++s) {
    if (used[s]) {
      ++r.used_sources;
    } else {
      r.unused.push_back(p.ids[s]);
    }
  }
  r.coverage = ratio(r.cited_claims, r.claims);
  r.validity = ratio(r.valid_citations, r.citations);
  r.support_recall = ratio(r.supported_claims, r.claims);
  r.mean_support = ratio(support_sum, static_cast<double>(r.claims));
  r.precision = ratio(r.relevant_citations, r.citations);
  r.f1 = ratio(2.0 * r.support_recall * r.precision, r.support_recall + r.precision);
  r.misattribution = ratio(r.misattributed_claims, r.attributed_claims);
  r.utilization = ratio(r.used_sources, r.sources);
  r.quote_accuracy = r.quotes == 0 ? 1.0 : ratio(r.quotes_found, r.quotes);
  r.score = r.support_recall;
  if (r.claims == 0) {  // nothing to judge: NaN, not a silent 0 (docs "Edge values")
    r.score = r.support_recall = r.mean_support = r.coverage =
        std::numeric_limits<double>::quiet_NaN();
  }
  return r;
}

std::vector<citation_scorer::batch_item> citation_scorer::score_batch(
    std::span<const std::string> summaries, unsigned threads) const {
  return precis::detail::score_each<batch_item>(
      summaries, threads, [this](const std::string& summary) { return score(summary); });
}

citation_result citations(std::string_view summary, std::span<const source_doc> sources,
                          const citation_options& options) {
  return citation_scorer(sources, options).score(summary);
}

std::vector<std::string> citation_columns() {
  return {"citation_score",
          "citation_coverage",
          "citation_validity",
          "citation_support",
          "citation_mean_support",
          "citation_precision",
          "citation_f1",
          "citation_misattribution",
          "citation_utilization",
          "citation_quote_accuracy",
          "citation_claims",
          "citation_cited_claims",
          "citation_citations",
          "citation_valid_citations",
          "citation_supported_claims",
          "citation_relevant_citations",
          "citation_misattributed_claims",
          "citation_attributed_claims",
          "citation_sources",
          "citation_used_sources",
          "citation_quotes",
          "citation_quotes_found"};
}

void citation_values(const citation_result& r, double* out) {
  auto d = [](std::size_t v) { return static_cast<double>(v); };
  const double values[] = {r.score,
                           r.coverage,
                           r.validity,
                           r.support_recall,
                           r.mean_support,
                           r.precision,
                           r.f1,
                           r.misattribution,
                           r.utilization,
                           r.quote_accuracy,
                           d(r.claims),
                           d(r.cited_claims),
                           d(r.citations),
                           d(r.valid_citations),
                           d(r.supported_claims),
                           d(r.relevant_citations),
                           d(r.misattributed_claims),
                           d(r.attributed_claims),
                           d(r.sources),
                           d(r.used_sources),
                           d(r.quotes),
                           d(r.quotes_found)};
  std::copy(std::begin(values), std::end(values), out);
}

}  // namespace precis::metrics
