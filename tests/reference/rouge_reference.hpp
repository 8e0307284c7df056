#pragma once
// Slow, obviously correct twin of precis' ROUGE, written straight from the definitions of Google's
// rouge-score 0.1.2 (tokenize.tokenize, rouge_scorer._create_ngrams / _score_ngrams / _score_lcs /
// _lcs_table / _backtrack_norec / _summary_level_lcs / _union_lcs, scoring.fmeasure): tokens are
// std::string, counts live in std::map, the LCS table is a vector of vectors. Used by
// test_rouge.cpp to check the id kernels on thousands of random inputs.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace precis_reference::rouge {

using tokens = std::vector<std::string>;

struct prf {
  double precision = 0.0;
  double recall = 0.0;
  double fmeasure = 0.0;
};

inline double fmeasure(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; }

// rouge-score's tokenizer: Python str.lower() (ASCII letters, plus U+212A -> "k" and U+0130 ->
// "i" U+0307, the only non-ASCII characters whose lowercase contains [a-z0-9]), then every
// character outside [a-z0-9] is a space, split, optional stem of tokens longer than 3.
inline tokens tokenize(std::string_view text,
                       const std::function<std::string(std::string_view)>& stem = {}) {
  std::string lowered;  // one char per code point: ASCII kept, anything else -> ' '
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    const std::string_view cp = text.substr(i, len);
    if (len == 1) {
      lowered += static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
    } else if (cp == "\xE2\x84\xAA") {
      lowered += 'k';
    } else if (cp == "\xC4\xB0") {
      lowered += "i ";
    } else {
      lowered += ' ';
    }
    i += len;
  }
  tokens out;
  std::string current;
  auto flush = [&] {
    if (current.empty()) return;
    std::string t = (stem && current.size() > 3) ? stem(current) : current;
    const bool valid = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
    if (valid) out.push_back(t);
    current.clear();
  };
  for (const char c : lowered) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      current += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// "\n"-separated sentences, empty lines dropped, each tokenized.
inline std::vector<tokens> sentences(
    std::string_view text, const std::function<std::string(std::string_view)>& stem = {}) {
  std::vector<tokens> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.push_back(tokenize(text.substr(start, end - start), stem));
    start = end + 1;
  }
  return out;
}

inline std::map<tokens, int> ngrams(const tokens& t, std::size_t n) {
  std::map<tokens, int> out;
  for (std::size_t i = 0; i + n <= t.size(); ++i) {
    ++out[tokens(t.begin() + static_cast<std::ptrdiff_t>(i),
                 t.begin() + static_cast<std::ptrdiff_t>(i + n))];
  }
  return out;
}

inline prf score_ngrams(const tokens& target, const tokens& prediction, std::size_t n) {
  const auto tg = ngrams(target, n), pg = ngrams(prediction, n);
  int inter = 0, tc = 0, pc = 0;
  for (const auto& [g, c] : tg) {
    const auto it = pg.find(g);
    inter += std::min(c, it == pg.end() ? 0 : it->second);
    tc += c;
  }
  for (const auto& [g, c] : pg) pc += c;
  prf s;
  s.precision = static_cast<double>(inter) / std::max(pc, 1);
  s.recall = static_cast<double>(inter) / std::max(tc, 1);
  s.fmeasure = fmeasure(s.precision, s.recall);
  return s;
}

inline std::vector<std::vector<int>> lcs_table(const tokens& ref, const tokens& can) {
  std::vector<std::vector<int>> t(ref.size() + 1, std::vector<int>(can.size() + 1, 0));
  for (std::size_t i = 1; i <= ref.size(); ++i) {
    for (std::size_t j = 1; j <= can.size(); ++j) {
      t[i][j] = ref[i - 1] == can[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t;
}

inline prf score_lcs(const tokens& target, const tokens& prediction) {
  prf s;
  if (target.empty() || prediction.empty()) return s;
  const int len = lcs_table(target, prediction).back().back();
  s.precision = static_cast<double>(len) / static_cast<double>(prediction.size());
  s.recall = static_cast<double>(len) / static_cast<double>(target.size());
  s.fmeasure = fmeasure(s.precision, s.recall);
  return s;
}

// Reference positions of one LCS, read back as rouge-score's _backtrack_norec does.
inline std::vector<std::size_t> lcs_indices(const tokens& ref, const tokens& can) {
  const auto t = lcs_table(ref, can);
  std::vector<std::size_t> out;
  std::size_t i = ref.size(), j = can.size();
  while (i > 0 && j > 0) {
    if (ref[i - 1] == can[j - 1]) {
      out.insert(out.begin(), i - 1);
      --i;
      --j;
    } else if (t[i][j - 1] > t[i - 1][j]) {
      --j;
    } else {
      --i;
    }
  }
  return out;
}

inline prf summary_level_lcs(const std::vector<tokens>& ref_sents,
                             const std::vector<tokens>& can_sents) {
  prf s;
  if (ref_sents.empty() || can_sents.empty()) return s;
  std::size_t m = 0, n = 0;
  std::map<std::string, int> cnt_r, cnt_c;
  for (const auto& r : ref_sents) {
    m += r.size();
    for (const auto& t : r) ++cnt_r[t];
  }
  for (const auto& c : can_sents) {
    n += c.size();
    for (const auto& t : c) ++cnt_c[t];
  }
  if (m == 0 || n == 0) return s;
  int hits = 0;
  for (const auto& r : ref_sents) {
    std::set<std::size_t> uni;
    for (const auto& c : can_sents) {
      for (const std::size_t i : lcs_indices(r, c)) uni.insert(i);
    }
    for (const std::size_t i : uni) {
      const std::string& t = r[i];
      if (cnt_c[t] > 0 && cnt_r[t] > 0) {
        ++hits;
        --cnt_c[t];
        --cnt_r[t];
      }
    }
  }
  s.recall = static_cast<double>(hits) / static_cast<double>(m);
  s.precision = static_cast<double>(hits) / static_cast<double>(n);
  s.fmeasure = fmeasure(s.precision, s.recall);
  return s;
}

// RougeScorer(types).score(target, prediction) for one type name.
inline prf score(std::string_view type, std::string_view target, std::string_view prediction,
                 const std::function<std::string(std::string_view)>& stem = {}) {
  if (type == "rougeLsum")
    return summary_level_lcs(sentences(target, stem), sentences(prediction, stem));
  const tokens t = tokenize(target, stem), p = tokenize(prediction, stem);
  if (type == "rougeL") return score_lcs(t, p);
  return score_ngrams(t, p, static_cast<std::size_t>(type.back() - '0'));
}

}  // namespace precis_reference::rouge
