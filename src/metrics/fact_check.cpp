/// @file fact_check.cpp
/// Numbers, names and negation of a claim against its supporting source sentences
/// (precis/metrics/detail/fact_check.hpp).

#include "precis/metrics/detail/fact_check.hpp"

#include "precis/metrics/detail/sorted_overlap.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "precis/text/utf8.hpp"

namespace precis::metrics::detail {

namespace {

struct number_word {
  std::string_view word;
  std::int64_t value;
  bool scale;  // hundred, thousand, ... multiply what came before
};

constexpr std::array<number_word, 32> k_number_words{{
    {"zero", 0, false},        {"one", 1, false},       {"two", 2, false},
    {"three", 3, false},       {"four", 4, false},      {"five", 5, false},
    {"six", 6, false},         {"seven", 7, false},     {"eight", 8, false},
    {"nine", 9, false},        {"ten", 10, false},      {"eleven", 11, false},
    {"twelve", 12, false},     {"thirteen", 13, false}, {"fourteen", 14, false},
    {"fifteen", 15, false},    {"sixteen", 16, false},  {"seventeen", 17, false},
    {"eighteen", 18, false},   {"nineteen", 19, false}, {"twenty", 20, false},
    {"thirty", 30, false},     {"forty", 40, false},    {"fifty", 50, false},
    {"sixty", 60, false},      {"seventy", 70, false},  {"eighty", 80, false},
    {"ninety", 90, false},     {"hundred", 100, true},  {"thousand", 1000, true},
    {"million", 1000000, true}, {"billion", 1000000000, true},
}};

const number_word* find_number_word(std::string_view type) {
  for (const auto& w : k_number_words)
    if (w.word == type) return &w;
  return nullptr;
}

// The value of a run of number words ("twenty five", "three hundred", "two thousand and
// ten" without the "and"), as English writes them.
std::int64_t words_value(std::span<const number_word* const> run) {
  std::int64_t total = 0, current = 0;
  for (const auto* w : run) {
    if (!w->scale) {
      current += w->value;
    } else if (w->value == 100) {
      current = (current == 0 ? 1 : current) * 100;
    } else {
      total += (current == 0 ? 1 : current) * w->value;
      current = 0;
    }
  }
  return total + current;
}

// Runs of number words in tokens [first, end) of `a`: (first token, end token, value).
template <typename Visit>
void number_word_runs(const text::analyzed_text& a, std::uint32_t first, std::uint32_t end,
                      Visit&& visit) {
  std::vector<const number_word*> run;
  std::uint32_t start = first;
  auto flush = [&](std::uint32_t stop) {
    if (!run.empty()) visit(start, stop, words_value(run), run.size());
    run.clear();
  };
  for (auto p = first; p < end; ++p) {
    const auto* w = a.tokens()[p].kind == text::token_kind::word
                        ? find_number_word(a.token_type(p))
                        : nullptr;
    if (w == nullptr) {
      flush(p);
      continue;
    }
    if (run.empty()) start = p;
    run.push_back(w);
  }
  flush(end);
}

// "kellner's" -> "kellner" (the tokenizer keeps a possessive in the word).
std::string_view possessor(std::string_view type) {
  for (const std::string_view suffix : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")}) {
    if (type.size() > suffix.size() && type.substr(type.size() - suffix.size()) == suffix)
      return type.substr(0, type.size() - suffix.size());
  }
  return type;
}

bool capitalized(std::string_view text) {
  if (text.empty()) return false;
  const auto c = static_cast<unsigned char>(text[0]);
  if (c >= 'A' && c <= 'Z') return true;
  // Latin-1 capitals (U+00C0..U+00DE but the multiplication sign).
  if (c == 0xC3 && text.size() > 1) {
    const auto d = static_cast<unsigned char>(text[1]);
    return d >= 0x80 && d <= 0x9E && d != 0x97;
  }
  return false;
}


constexpr std::array<std::string_view, 10> k_clause_words{
    "and", "but", "while", "whereas", "although", "though", "because", "yet", "however", "which"};

// Whether a clause starts at token p (> 0) of `a`: punctuation in the gap before it, or a
// conjunction.
bool clause_break(const text::analyzed_text& a, std::uint32_t p) {
  const auto tokens = a.tokens();
  const auto gap = a.text().substr(tokens[p - 1].end, tokens[p].begin - tokens[p - 1].end);
  if (gap.find_first_of(",;:()") != std::string_view::npos) return true;
  if (gap.find("\xE2\x80\x93") != std::string_view::npos ||
      gap.find("\xE2\x80\x94") != std::string_view::npos)
    return true;
  const auto type = a.token_type(p);
  return std::find(k_clause_words.begin(), k_clause_words.end(), type) != k_clause_words.end();
}

// Clauses of tokens [first, end) of `a`, `stem(p)` the global stem of token p (no_id skipped).
template <typename Stem>
std::vector<fact_index::clause> clauses_of(const text::analyzed_text& a, std::uint32_t first,
                                           std::uint32_t end, Stem&& stem) {
  std::vector<fact_index::clause> out;
  fact_index::clause current;
  auto flush = [&] {
    std::sort(current.stems.begin(), current.stems.end());
    current.stems.erase(std::unique(current.stems.begin(), current.stems.end()),
                        current.stems.end());
    if (!current.stems.empty() || current.negated) out.push_back(std::move(current));
    current = {};
  };
  for (auto p = first; p < end; ++p) {
    if (p > first && clause_break(a, p)) flush();
    if (is_negation(a.token_type(p))) current.negated = true;
    if (const auto t = stem(p); t != text::no_id) current.stems.push_back(t);
  }
  flush();
  return out;
}

}  // namespace

std::string canonical_number(std::string_view type) {
  std::string out;
  bool digit = false;
  for (const char c : type) {
    if (c >= '0' && c <= '9') {
      out.push_back(c);
      digit = true;
    } else if (c == '.') {
      out.push_back('.');
    } else if (c != ',' && c != '\'') {
      return {};
    }
  }
  if (!digit) return {};
  if (const auto dot = out.find('.'); dot != std::string::npos) {
    if (out.find('.', dot + 1) != std::string::npos) return out;  // "1.2.3": a version, as is
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
  }
  const auto nonzero = out.find_first_not_of('0');
  if (nonzero == std::string::npos) return "0";
  if (out[nonzero] == '.') return out.substr(nonzero - 1);
  return out.substr(nonzero);
}

bool is_negation(std::string_view type) noexcept {
  // Not "without" ("would not survive without help" is one negation, not two), nor "nothing",
  // "nobody", "none" ("nothing beats a bowl of rye bread" says the opposite of a negation).
  static constexpr std::array<std::string_view, 6> cues{"not",     "no",  "never",
                                                        "neither", "nor", "cannot"};
  if (std::find(cues.begin(), cues.end(), type) != cues.end()) return true;
  const auto ends = [&](std::string_view suffix) {
    return type.size() > suffix.size() && type.substr(type.size() - suffix.size()) == suffix;
  };
  return ends("n't") || ends("n\xE2\x80\x99t");  // "didn't", "didn’t"
}

std::unordered_set<std::string, string_hash, std::equal_to<>> subject_vocabulary(
    std::span<const std::string> names) {
  std::unordered_set<std::string, string_hash, std::equal_to<>> words;
  for (const auto& name : names) {
    text::validate_utf8(name, "subject");
    const auto a = text::analyze(name);
    for (std::size_t i = 0; i < a->tokens().size(); ++i) words.emplace(a->token_type(i));
  }
  if (words.empty()) return words;
  for (const char* pronoun : {"he", "she", "they", "him", "her", "them", "his", "hers", "their",
                              "theirs", "himself", "herself", "themselves", "themself"}) {
    words.emplace(pronoun);
  }
  return words;
}

fact_index::fact_index(const source_index& index) {
  std::vector<std::vector<std::uint32_t>> token_stems(index.source_count());
  for (std::size_t s = 0; s < index.source_count(); ++s) {
    const auto& a = index.source(s);
    const auto map = index.map_stems(a);
    auto& stems = token_stems[s];
    stems.reserve(a.tokens().size());
    for (const auto id : a.stem_ids()) stems.push_back(map[id]);
  }
  const auto sentences = index.sentences();
  clauses_.reserve(sentences.size());
  for (std::uint32_t j = 0; j < sentences.size(); ++j) {
    const auto& sentence = sentences[j];
    const auto& a = index.source(sentence.source);
    const auto& span = a.sentences()[sentence.index];
    const auto& stems = token_stems[sentence.source];
    clauses_.push_back(clauses_of(a, span.first_token, span.end_token,
                                  [&](std::uint32_t p) { return stems[p]; }));
    auto& numbers = sentence_numbers_.emplace_back();
    auto& names = sentence_names_.emplace_back();
    for (auto p = span.first_token; p < span.end_token; ++p) {
      const auto kind = a.tokens()[p].kind;
      if (kind == text::token_kind::word && p > span.first_token &&
          capitalized(a.token_text(p)) && find_number_word(a.token_type(p)) == nullptr) {
        names.push_back(stems[p]);
      }
      if (kind != text::token_kind::number) continue;
      if (auto v = canonical_number(a.token_type(p)); !v.empty()) {
        numbers.push_back(v);
        numbers_[std::move(v)].push_back({j, p});
      }
    }
    number_word_runs(a, span.first_token, span.end_token,
                     [&](std::uint32_t b, std::uint32_t, std::int64_t value, std::size_t) {
                       numbers.push_back(std::to_string(value));
                       numbers_[std::to_string(value)].push_back({j, b});
                     });
  }
}

std::span<const fact_index::occurrence> fact_index::numbers(std::string_view value) const {
  const auto it = numbers_.find(value);
  return it == numbers_.end() ? std::span<const occurrence>{} : it->second;
}

namespace {

struct claim_fact {
  std::uint32_t first = 0, end = 0;  // token range in the claim's analysis
  bool number = false;
  std::string value;  // canonical number ("" for a name)
};

std::vector<claim_fact> claim_facts(const text::analyzed_text& a, std::uint32_t first,
                                    std::uint32_t end,
                                    const std::function<bool(std::string_view)>& exempt) {
  std::vector<claim_fact> out;
  const auto tokens = a.tokens();
  for (auto p = first; p < end; ++p) {
    if (tokens[p].kind == text::token_kind::number) {
      if (auto v = canonical_number(a.token_type(p)); !v.empty())
        out.push_back({p, p + 1, true, std::move(v)});
    } else if (tokens[p].kind == text::token_kind::word && p > first &&
               capitalized(a.token_text(p)) && find_number_word(a.token_type(p)) == nullptr &&
               !(exempt && exempt(possessor(a.token_type(p))))) {
      out.push_back({p, p + 1, false, {}});
    }
  }
  // Numbers in words; a lone "one" is too often no number ("one of the").
  number_word_runs(a, first, end,
                   [&](std::uint32_t b, std::uint32_t e, std::int64_t value, std::size_t n) {
                     if (n == 1 && value == 1) return;
                     out.push_back({b, e, true, std::to_string(value)});
                   });
  return out;
}

}  // namespace

fact_verdict check_claim(const source_index& index, const fact_index& facts,
                         const claim_tokens& claim,
                         const std::function<bool(std::string_view)>& exempt,
                         const std::function<bool(std::uint32_t)>& allowed,
                         double context_ratio) {
  fact_verdict out;
  const auto& a = claim.text;
  const auto stem_of = [&](std::uint32_t p) { return claim.stems[p - claim.first]; };
  std::unordered_map<std::uint32_t, double> per_sentence;
  std::vector<std::uint32_t> window;
  // The claim's clauses as token ranges: a fact is judged with the rest of its clause.
  std::vector<std::uint32_t> clause_start{claim.first};
  // A clause of fewer than k_min_clause tokens ("... and Northgate Park") joins the one before.
  constexpr std::uint32_t k_min_clause = 4;
  for (auto p = claim.first + 1; p < claim.end; ++p) {
    if (!clause_break(a, p)) continue;
    if (p - clause_start.back() < k_min_clause) continue;
    clause_start.push_back(p);
  }
  if (clause_start.size() > 1 && claim.end - clause_start.back() < k_min_clause)
    clause_start.pop_back();
  const auto claim_facts_found = claim_facts(a, claim.first, claim.end, exempt);
  std::vector<std::string> claim_numbers;
  for (const auto& f : claim_facts_found)
    if (f.number) claim_numbers.push_back(f.value);
  // Whether sentence j writes a fact of f's kind that the claim lacks.
  auto competing = [&](std::uint32_t j, bool number) {
    if (number) {
      for (const auto& v : facts.sentence_numbers(j))
        if (std::find(claim_numbers.begin(), claim_numbers.end(), v) == claim_numbers.end())
          return true;
      return false;
    }
    for (const auto t : facts.sentence_names(j))
      if (std::find(claim.stems.begin(), claim.stems.end(), t) == claim.stems.end()) return true;
    return false;
  };
  for (const auto& f : claim_facts_found) {
    const auto at = std::upper_bound(clause_start.begin(), clause_start.end(), f.first);
    // The clause, but at most k_window tokens on each side of the fact: a claim of thousands
    // of words costs linear time, not facts x clause length.
    constexpr std::uint32_t k_window = 12;
    const auto lo = std::max(*(at - 1), f.first > k_window ? f.first - k_window : 0U);
    const auto hi = std::min(at == clause_start.end() ? claim.end : *at, f.end + k_window);
    window.clear();
    for (auto p = lo; p < hi; ++p) {
      if (p >= f.first && p < f.end) continue;
      if (const auto t = stem_of(p); t != text::no_id) window.push_back(t);
    }
    std::sort(window.begin(), window.end());
    window.erase(std::unique(window.begin(), window.end()), window.end());
    // The allowed sentences that write f.
    std::vector<std::uint32_t> holders;
    if (f.number) {
      for (const auto& o : facts.numbers(f.value))
        if (allowed(o.sentence)) holders.push_back(o.sentence);
    } else {
      auto t = stem_of(f.first);
      // A possessive the sources write without "'s": the base word's stem.
      if (const auto base = possessor(a.token_type(f.first));
          t == text::no_id && base.size() < a.token_type(f.first).size()) {
        t = index.stems().find(base).value_or(text::no_id);
      }
      for (const auto j : index.sentences_with(t))
        if (allowed(j)) holders.push_back(j);
    }
    if (holders.empty()) {
      out.mismatched.emplace_back(f.first, f.end);
      continue;
    }
    if (window.empty()) continue;
    // The rest of the clause in the best allowed sentence, and in the best one writing f.
    per_sentence.clear();
    for (const auto t : window) {
      for (const auto j : index.sentences_with(t))
        if (allowed(j)) per_sentence[j] += index.idf(t);
    }
    double best = 0.0;
    std::uint32_t best_sentence = text::no_id;
    for (const auto& [j, w] : per_sentence) {
      if (w > best || (w == best && j < best_sentence)) {
        best = w;
        best_sentence = j;
      }
    }
    double context = 0.0;
    for (const auto j : holders) {
      if (const auto it = per_sentence.find(j); it != per_sentence.end())
        context = std::max(context, it->second);
    }
    if (best > 0.0 && context < context_ratio * best && competing(best_sentence, f.number))
      out.mismatched.emplace_back(f.first, f.end);
  }
  // Negation, clause by clause.
  for (const auto& c : clauses_of(a, claim.first, claim.end, stem_of)) {
    double weight = 0.0;
    for (const auto t : c.stems) weight += index.idf(t);
    if (weight <= 0.0) continue;
    double best = 0.0;
    bool best_negated = false;
    per_sentence.clear();
    for (const auto t : c.stems) {
      for (const auto j : index.sentences_with(t)) {
        if (!allowed(j) || !per_sentence.emplace(j, 0.0).second) continue;
        for (const auto& sc : facts.clauses(j)) {
          const double w = shared_weight(c.stems, sc.stems,
                                         [&](std::uint32_t s) { return index.idf(s); });
          if (w > best) {
            best = w;
            best_negated = sc.negated;
          }
        }
      }
    }
    if (best >= 0.5 * weight && best_negated != c.negated) out.negation_mismatch = true;
  }
  return out;
}

}  // namespace precis::metrics::detail
