#pragma once
// Slow, obviously correct twins of precis' BLEU and chrF, written straight from sacrebleu's
// definitions: std::regex for the 13a substitutions, std::map of string n-grams for counting.
// Used by test_bleu.cpp and test_chrf.cpp to check the fast kernels on random inputs. ASCII-only
// lower-casing; no `intl` tokenizer (that needs ICU's character categories).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace precis_reference {

inline std::u32string decode(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

inline std::string encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// Python's str.isspace().
inline bool is_space(char32_t c) {
  static const std::u32string spaces =
      U"\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
      U"\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
  return spaces.find(c) != std::u32string::npos;
}

// Python's str.split().
inline std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  for (const char32_t c : decode(s)) {
    if (is_space(c)) {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += encode(c);
      in_word = true;
    }
  }
  if (in_word) out.push_back(cur);
  return out;
}

inline std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ' ';
    out += v[i];
  }
  return out;
}

inline std::string rstrip(std::string_view s) {
  std::u32string cps = decode(s);
  while (!cps.empty() && is_space(cps.back())) cps.pop_back();
  std::string out;
  for (const char32_t c : cps) out += encode(c);
  return out;
}

inline std::string strip(std::string_view s) {
  std::u32string cps = decode(rstrip(s));
  std::size_t k = 0;
  while (k < cps.size() && is_space(cps[k])) ++k;
  std::string out;
  for (std::size_t i = k; i < cps.size(); ++i) out += encode(cps[i]);
  return out;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t at; (at = s.find(from, pos)) != std::string::npos; pos = at + from.size()) {
    out += s.substr(pos, at - pos) + to;
  }
  return out + s.substr(pos);
}

// sacrebleu's TokenizerRegexp, with the same four regular expressions.
inline std::string regexp_tokenize(std::string line) {
  static const std::regex r1("([\\x7B-\\x7E\\x5B-\\x60\\x20-\\x26\\x28-\\x2B\\x3A-\\x40\\x2F])");
  static const std::regex r2("([^0-9])([\\.,])");
  static const std::regex r3("([\\.,])([^0-9])");
  static const std::regex r4("([0-9])(-)");
  line = std::regex_replace(line, r1, " $1 ");
  line = std::regex_replace(line, r2, "$1 $2 ");
  line = std::regex_replace(line, r3, " $1 $2");
  line = std::regex_replace(line, r4, "$1 $2 ");
  return join(split(line));
}

inline std::string tokenize_13a(std::string line) {
  line = replace_all(line, "<skipped>", "");
  line = replace_all(line, "-\n", "");
  line = replace_all(line, "\n", " ");
  line = replace_all(line, "&quot;", "\"");
  line = replace_all(line, "&amp;", "&");
  line = replace_all(line, "&lt;", "<");
  line = replace_all(line, "&gt;", ">");
  std::string padded = " ";
  padded += line;
  padded += ' ';
  return regexp_tokenize(padded);
}

inline bool is_zh(char32_t c) {
  // sacrebleu's table as Python compares one character with it ('\u20000' is '\u2000' + '0').
  const std::vector<std::pair<char32_t, char32_t>> r = {
      {0x3400, 0x4db5}, {0x4e00, 0x9fa5}, {0x9fa6, 0x9fbb}, {0xf900, 0xfa2d}, {0xfa30, 0xfa6a},
      {0xfa70, 0xfad9}, {0x2001, 0x2a6d}, {0x2f81, 0x2fa1}, {0xff00, 0xffef}, {0x2e80, 0x2eff},
      {0x3000, 0x303f}, {0x31c0, 0x31ef}, {0x2f00, 0x2fdf}, {0x2ff0, 0x2fff}, {0x3100, 0x312f},
      {0x31a0, 0x31bf}, {0xfe10, 0xfe1f}, {0xfe30, 0xfe4f}, {0x2600, 0x26ff}, {0x2700, 0x27bf},
      {0x3200, 0x32ff}, {0x3300, 0x33ff}};
  for (const auto& [lo, hi] : r) {
    if (lo <= c && c <= hi) return true;
  }
  return false;
}

inline std::string tokenize_zh(const std::string& line) {
  std::string out;
  for (const char32_t c : decode(strip(line))) {
    if (is_zh(c)) {
      out += ' ';
      out += encode(c);
      out += ' ';
    } else {
      out += encode(c);
    }
  }
  return regexp_tokenize(out);
}

inline std::string ascii_lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// tokenizer: "13a", "none", "zh", "char".
inline std::vector<std::string> bleu_tokens(const std::string& text, const std::string& tokenizer,
                                            bool lowercase) {
  std::string line = rstrip(lowercase ? ascii_lower(text) : text);
  if (tokenizer == "13a") line = tokenize_13a(line);
  if (tokenizer == "zh") line = tokenize_zh(line);
  if (tokenizer == "char") {
    std::string spaced;
    for (const char32_t c : decode(line)) {
      spaced += encode(c);
      spaced += ' ';
    }
    line = spaced;
  }
  return split(line);
}

struct bleu_stats {
  std::vector<std::uint64_t> correct, total;
  std::uint64_t sys_len = 0, ref_len = 0;
};

using ngram_counts = std::map<std::vector<std::string>, int>;

inline ngram_counts count_ngrams(const std::vector<std::string>& t, int max_order) {
  ngram_counts c;
  for (int n = 1; n <= max_order; ++n) {
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= t.size(); ++i) {
      ++c[std::vector<std::string>(t.begin() + static_cast<std::ptrdiff_t>(i),
                                   t.begin() + static_cast<std::ptrdiff_t>(i) + n)];
    }
  }
  return c;
}

inline bleu_stats bleu_statistics(const std::string& hyp, std::vector<std::string> refs,
                                  const std::string& tokenizer, bool lowercase, int max_order) {
  if (refs.empty()) refs.emplace_back();
  ngram_counts ref_max;
  std::vector<std::size_t> ref_lens;
  for (const auto& r : refs) {
    const auto t = bleu_tokens(r, tokenizer, lowercase);
    ref_lens.push_back(t.size());
    for (const auto& [g, c] : count_ngrams(t, max_order)) ref_max[g] = std::max(ref_max[g], c);
  }
  const auto h = bleu_tokens(hyp, tokenizer, lowercase);
  bleu_stats s;
  s.correct.assign(static_cast<std::size_t>(max_order), 0);
  s.total.assign(static_cast<std::size_t>(max_order), 0);
  for (const auto& [g, c] : count_ngrams(h, max_order)) {
    s.total[g.size() - 1] += static_cast<std::uint64_t>(c);
    const auto it = ref_max.find(g);
    if (it != ref_max.end())
      s.correct[g.size() - 1] += static_cast<std::uint64_t>(std::min(c, it->second));
  }
  s.sys_len = h.size();
  // Closest reference length, the shorter one on ties.
  std::size_t best = ref_lens[0];
  for (const std::size_t len : ref_lens) {
    const auto d = [&](std::size_t x) { return x > h.size() ? x - h.size() : h.size() - x; };
    if (d(len) < d(best) || (d(len) == d(best) && len < best)) best = len;
  }
  s.ref_len = best;
  return s;
}

// sacrebleu's compute_bleu on the 0..100 scale; smoothing "none", "floor", "add-k", "exp".
inline double bleu_score100(bleu_stats s, const std::string& smooth, double value, bool eff) {
  const int max_order = static_cast<int>(s.correct.size());
  double bp = 1.0;
  if (s.sys_len < s.ref_len) {
    bp = s.sys_len > 0
             ? std::exp(1.0 - static_cast<double>(s.ref_len) / static_cast<double>(s.sys_len))
             : 0.0;
  }
  bool any = false;
  for (const auto c : s.correct) any = any || c > 0;
  if (!any) return 0.0;
  std::vector<double> p(static_cast<std::size_t>(max_order), 0.0);
  double mteval = 1.0;
  int order = max_order;
  for (int n = 1; n <= max_order; ++n) {
    double c = static_cast<double>(s.correct[static_cast<std::size_t>(n - 1)]);
    double t = static_cast<double>(s.total[static_cast<std::size_t>(n - 1)]);
    if (smooth == "add-k" && n > 1) {
      c += value;
      t += value;
    }
    if (t == 0) break;
    if (eff) order = n;
    double& pn = p[static_cast<std::size_t>(n - 1)];
    if (c == 0 && smooth == "exp") {
      mteval *= 2;
      pn = 100.0 / (mteval * t);
    } else if (c == 0 && smooth == "floor") {
      pn = 100.0 * value / t;
    } else if (c != 0) {
      pn = 100.0 * c / t;
    }
  }
  double logs = 0.0;
  for (int n = 0; n < order; ++n) {
    const double x = p[static_cast<std::size_t>(n)];
    logs += x == 0 ? -9999999999.0 : std::log(x);
  }
  return bp * std::exp(logs / order);
}

// ---- chrF ----

struct chrf_stats {
  std::vector<std::uint64_t> hyp, ref, match;  // char orders, then word orders
};

inline std::vector<std::string> remove_punctuation(const std::string& sent) {
  const std::string puncts = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  std::vector<std::string> out;
  for (const auto& w : split(sent)) {
    const std::u32string cps = decode(w);
    if (cps.size() == 1) {
      out.push_back(w);
    } else if (puncts.find(static_cast<char>(cps.back())) != std::string::npos &&
               cps.back() < 128) {
      out.push_back(w.substr(0, w.size() - 1));
      out.push_back(w.substr(w.size() - 1));
    } else if (puncts.find(static_cast<char>(cps.front())) != std::string::npos &&
               cps.front() < 128) {
      out.push_back(w.substr(0, 1));
      out.push_back(w.substr(1));
    } else {
      out.push_back(w);
    }
  }
  return out;
}

inline chrf_stats chrf_statistics(std::string hyp, std::string ref, int char_order, int word_order,
                                  bool whitespace, bool lowercase) {
  if (lowercase) {
    hyp = ascii_lower(hyp);
    ref = ascii_lower(ref);
  }
  const auto chars = [&](const std::string& s) {
    std::u32string out;
    for (const char32_t c : decode(s)) {
      if (whitespace || !is_space(c)) out.push_back(c);
    }
    return out;
  };
  const auto match = [](const auto& h, const auto& r, chrf_stats& st) {
    std::uint64_t nh = 0, nr = 0, m = 0;
    for (const auto& [g, c] : h) {
      nh += static_cast<std::uint64_t>(c);
      const auto it = r.find(g);
      if (it != r.end()) m += static_cast<std::uint64_t>(std::min(c, it->second));
    }
    for (const auto& [g, c] : r) nr += static_cast<std::uint64_t>(c);
    st.hyp.push_back(r.empty() ? 0 : nh);
    st.ref.push_back(nr);
    st.match.push_back(m);
  };
  chrf_stats st;
  const std::u32string hc = chars(hyp), rc = chars(ref);
  for (int n = 1; n <= char_order; ++n) {
    std::map<std::u32string, int> h, r;
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= hc.size(); ++i)
      ++h[hc.substr(i, static_cast<std::size_t>(n))];
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= rc.size(); ++i)
      ++r[rc.substr(i, static_cast<std::size_t>(n))];
    match(h, r, st);
  }
  const auto hw = remove_punctuation(hyp), rw = remove_punctuation(ref);
  for (int n = 1; n <= word_order; ++n) {
    std::map<std::vector<std::string>, int> h, r;
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= hw.size(); ++i) {
      ++h[std::vector<std::string>(hw.begin() + static_cast<std::ptrdiff_t>(i),
                                   hw.begin() + static_cast<std::ptrdiff_t>(i) + n)];
    }
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= rw.size(); ++i) {
      ++r[std::vector<std::string>(rw.begin() + static_cast<std::ptrdiff_t>(i),
                                   rw.begin() + static_cast<std::ptrdiff_t>(i) + n)];
    }
    match(h, r, st);
  }
  return st;
}

// sacrebleu's _compute_f_score (0..100).
inline double chrf_score100(const chrf_stats& st, double beta, bool eps_smoothing) {
  const double eps = 1e-16, factor = beta * beta;
  double score = 0, ap = 0, ar = 0;
  int eff = 0;
  for (std::size_t i = 0; i < st.hyp.size(); ++i) {
    const double p =
        st.hyp[i] > 0 ? static_cast<double>(st.match[i]) / static_cast<double>(st.hyp[i]) : eps;
    const double r =
        st.ref[i] > 0 ? static_cast<double>(st.match[i]) / static_cast<double>(st.ref[i]) : eps;
    const double d = factor * p + r;
    score += d > 0 ? (1 + factor) * p * r / d : eps;
    if (st.hyp[i] > 0 && st.ref[i] > 0) {
      ap += p;
      ar += r;
      ++eff;
    }
  }
  if (eps_smoothing) return 100 * score / static_cast<double>(st.hyp.size());
  if (eff == 0) return 0.0;
  ap /= eff;
  ar /= eff;
  if (ap + ar == 0) return 0.0;
  return 100 * ((1 + factor) * ap * ar / (factor * ap + ar));
}

// Best reference by F-score (first on ties), as sacrebleu; empty references kept (sacrebleu 2.6).
inline chrf_stats chrf_best(const std::string& hyp, std::vector<std::string> refs, int char_order,
                            int word_order, double beta, bool whitespace, bool lowercase,
                            bool eps_smoothing) {
  if (refs.empty()) refs.emplace_back();
  chrf_stats best;
  double best_f = -1;
  for (const auto& r : refs) {
    const auto st = chrf_statistics(hyp, r, char_order, word_order, whitespace, lowercase);
    const double f = chrf_score100(st, beta, eps_smoothing);
    if (f > best_f) {
      best_f = f;
      best = st;
    }
  }
  return best;
}

}  // namespace precis_reference
