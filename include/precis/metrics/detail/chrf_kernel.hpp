#pragma once
/// @file chrf_kernel.hpp
/// Internal: per-reference chrF n-gram counts and the matching of a summary against them. One
/// kernel serves `chrf`, `chrf_scorer`, `chrf_batch` and `corpus_chrf`.
///
/// Character n-grams are interned through the same (prefix id, symbol) table as BLEU's word
/// n-grams, with code points as symbols; a summary position stops extending as soon as its prefix
/// is absent from the reference. sacrebleu picks the best reference per summary, so each
/// reference keeps its own counts (not a max over references as in BLEU).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "precis/metrics/chrf.hpp"
#include "precis/metrics/detail/bleu_ngram_table.hpp"
#include "precis/metrics/detail/bleu_tokenize.hpp"

namespace precis::metrics::detail {

inline constexpr std::uint32_t chrf_char_root = 0xFFFFFFFEU;

/// The characters and words chrF looks at in one (already lower-cased) text.
struct chrf_units {
  std::vector<char32_t> chars;  // code points, whitespace removed unless kept
  token_list words;             // sacrebleu's `_remove_punctuation` words (chrF++ only)

  void fill(std::string_view text, const chrf_options& o) {
    chars.clear();
    for (std::size_t i = 0; i < text.size();) {
      const char32_t cp = next_code_point(text, i);
      if (o.whitespace || !is_python_space(cp)) chars.push_back(cp);
    }
    words.clear();
    if (o.word_order > 0) split_words(text);
  }

 private:
  static constexpr bool is_ascii_punct(char c) noexcept {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
  }

  // sacrebleu's `_remove_punctuation`: a word longer than one character loses one trailing
  // punctuation character, or else one leading one, which becomes a word of its own.
  void split_words(std::string_view text) {
    pieces_.clear();
    python_split(text, pieces_);
    for (std::size_t k = 0; k < pieces_.size(); ++k) {
      const std::string_view w = pieces_[k];
      // A single code point of several bytes has non-ASCII first and last bytes, so it takes the
      // last branch just as a one-character word does in Python.
      if (w.size() == 1) {
        words.push(w);
      } else if (is_ascii_punct(w.back())) {
        words.push(w.substr(0, w.size() - 1));
        words.push(w.substr(w.size() - 1));
      } else if (is_ascii_punct(w.front())) {
        words.push(w.substr(0, 1));
        words.push(w.substr(1));
      } else {
        words.push(w);
      }
    }
  }

  token_list pieces_;
};

/// One reference's n-gram counts.
///
/// Character n-grams: the reference's distinct characters get dense ids 1..A (0 = absent), and
/// when char_order * bit_width(A) <= 61 a whole n-gram is packed into one exact 64-bit key (order
/// in the top 3 bits), so the lookups of one summary position do not wait on each other. Larger
/// alphabets (long CJK references) fall back to the (prefix id, code point) chain.
///
/// In the packed case the two lowest orders, which every summary position looks up, need no hash
/// table: a character's n-gram id is its symbol, and with a small alphabet (W = A + 1, W * W <=
/// `direct_bigram_cells`, as in most texts of one alphabetic script) a bigram's id is the cell
/// W + s1 * W + s2 of a dense array. Orders 3 and up go through the table.
struct chrf_reference_index {
  static constexpr std::uint32_t direct_bigram_cells = 4096;

  ngram_table chars;     // character n-gram keys -> n-gram id
  ngram_table words;     // (word n-1 gram id, word symbol) -> word n-gram id
  ngram_table alphabet;  // (0, non-ASCII code point) -> character symbol
  token_vocab vocab;     // word -> symbol id (= its unigram id)
  std::array<std::uint32_t, 128> ascii_sym{};
  std::vector<std::uint32_t> count;  // n-gram id -> occurrences in this reference
  std::array<std::uint64_t, chrf_max_char_order> char_totals{};
  std::array<std::uint64_t, chrf_max_word_order> word_totals{};
  std::uint32_t next_id = 0;
  std::uint32_t width = 0;  // W: character symbols are 1..W-1 (packed case)
  int sym_bits = 0;
  bool packed = true;
  bool direct_bigrams = false;

  static constexpr std::uint64_t order_tag(std::size_t n_minus_1) noexcept {
    return static_cast<std::uint64_t>(n_minus_1) << 61;
  }

  [[nodiscard]] std::uint32_t symbol_of(char32_t c) const noexcept {
    if (c < 128) return ascii_sym[c];
    const std::uint32_t s = alphabet.find(0, static_cast<std::uint32_t>(c));
    return s == no_id ? 0 : s;
  }

  [[nodiscard]] std::uint32_t bigram_cell(std::uint32_t s1, std::uint32_t s2) const noexcept {
    return width + s1 * width + s2;
  }

  void build(const chrf_units& u, const chrf_options& o, std::vector<std::uint32_t>& syms) {
    const auto corder = static_cast<std::size_t>(o.char_order);
    const auto worder = static_cast<std::size_t>(o.word_order);
    const std::size_t nc = u.chars.size(), nw = u.words.size();
    words.reset(nw * worder);
    vocab.reset(nw);
    alphabet.reset(16);
    ascii_sym.fill(0);

    // Dense character symbols.
    std::uint32_t alpha_next = 1;
    syms.resize(nc);
    for (std::size_t i = 0; i < nc; ++i) {
      const char32_t c = u.chars[i];
      if (c < 128) {
        if (ascii_sym[c] == 0) ascii_sym[c] = alpha_next++;
        syms[i] = ascii_sym[c];
      } else {
        syms[i] = alphabet.insert(0, static_cast<std::uint32_t>(c), alpha_next);
      }
    }
    sym_bits = 1;
    while ((std::uint64_t{1} << sym_bits) <= alpha_next - 1) ++sym_bits;
    packed = corder * static_cast<std::size_t>(sym_bits) <= 61;
    width = alpha_next;
    direct_bigrams = packed && corder >= 2 && width * width <= direct_bigram_cells;
    // Ids below `next_id` are the direct ones (symbols, then bigram cells); the table's follow.
    next_id = packed ? width + (direct_bigrams ? width * width : 0) : 0;
    const std::size_t direct_orders = packed ? (direct_bigrams ? 2 : 1) : 0;
    const std::size_t hashed_orders = corder > direct_orders ? corder - direct_orders : 0;
    chars.reset(nc * hashed_orders);
    count.assign(next_id + nc * corder + nw * worder + 1, 0);

    for (std::size_t i = 0; i < nc && corder > 0; ++i) {
      const std::size_t last = std::min(nc, i + corder);
      if (packed) {
        ++count[syms[i]];
        std::size_t j = i + 1;
        std::uint64_t key = syms[i];
        if (direct_bigrams && j < last) {
          ++count[bigram_cell(syms[i], syms[j])];
          key = (key << sym_bits) | syms[j];
          ++j;
        }
        for (; j < last; ++j) {
          key = (key << sym_bits) | syms[j];
          ++count[chars.insert_key(key | order_tag(j - i), next_id)];
        }
      } else {
        std::uint32_t prefix = chrf_char_root;
        for (std::size_t j = i; j < last; ++j) {
          prefix = chars.insert(prefix, static_cast<std::uint32_t>(u.chars[j]), next_id);
          ++count[prefix];
        }
      }
    }
    syms.resize(nw);
    for (std::size_t i = 0; i < nw; ++i) syms[i] = vocab.insert(u.words[i], next_id);
    for (std::size_t i = 0; i < nw; ++i) {
      if (worder == 0) break;
      std::uint32_t id = syms[i];
      ++count[id];
      const std::size_t last = std::min(nw, i + worder);
      for (std::size_t j = i + 1; j < last; ++j) {
        id = words.insert(id, syms[j], next_id);
        ++count[id];
      }
    }
    for (std::size_t n = 1; n <= char_totals.size(); ++n) {
      char_totals[n - 1] = n <= corder && nc >= n ? nc - n + 1 : 0;
    }
    for (std::size_t n = 1; n <= word_totals.size(); ++n) {
      word_totals[n - 1] = n <= worder && nw >= n ? nw - n + 1 : 0;
    }
  }

  /// Statistics of the summary units `h` against this reference. `syms`, `counts` are scratch.
  void statistics(const chrf_units& h, const chrf_options& o, std::vector<std::uint32_t>& syms,
                  stamped_counts& counts, chrf_statistics& out) const {
    out = chrf_statistics{};
    counts.begin(next_id);
    const auto corder = static_cast<std::size_t>(o.char_order);
    const auto worder = static_cast<std::size_t>(o.word_order);
    const std::size_t nc = h.chars.size(), nw = h.words.size();
    if (packed) {
      syms.resize(nc);
      for (std::size_t i = 0; i < nc; ++i) syms[i] = symbol_of(h.chars[i]);
      for (std::size_t i = 0; i < nc && corder > 0; ++i) {
        const std::uint32_t s0 = syms[i];
        if (s0 == 0) continue;  // not a character of the reference
        if (counts.increment(s0) <= count[s0]) ++out.chars[0].matches;
        const std::size_t last = std::min(nc, i + corder);
        std::size_t j = i + 1;
        std::uint64_t key = s0;
        if (direct_bigrams && j < last) {
          if (syms[j] == 0) continue;
          const std::uint32_t id = bigram_cell(s0, syms[j]);
          if (count[id] == 0) continue;  // not a bigram of the reference
          if (counts.increment(id) <= count[id]) ++out.chars[1].matches;
          key = (key << sym_bits) | syms[j];
          ++j;
        }
        for (; j < last; ++j) {
          if (syms[j] == 0) break;
          key = (key << sym_bits) | syms[j];
          const std::uint32_t id = chars.find_key(key | order_tag(j - i));
          if (id == no_id) break;  // every prefix of a reference n-gram is one too
          if (counts.increment(id) <= count[id]) ++out.chars[j - i].matches;
        }
      }
    } else {
      for (std::size_t i = 0; i < nc; ++i) {
        std::uint32_t id = chrf_char_root;
        const std::size_t last = std::min(nc, i + corder);
        for (std::size_t j = i; j < last; ++j) {
          id = chars.find(id, static_cast<std::uint32_t>(h.chars[j]));
          if (id == no_id) break;
          if (counts.increment(id) <= count[id]) ++out.chars[j - i].matches;
        }
      }
    }
    if (worder > 0) {
      syms.resize(nw);
      for (std::size_t i = 0; i < nw; ++i) syms[i] = vocab.find(h.words[i]);
      for (std::size_t i = 0; i < nw; ++i) {
        std::uint32_t id = syms[i];
        if (id == no_id) continue;
        if (counts.increment(id) <= count[id]) ++out.words[0].matches;
        const std::size_t last = std::min(nw, i + worder);
        for (std::size_t j = i + 1; j < last; ++j) {
          if (syms[j] == no_id) break;
          id = words.find(id, syms[j]);
          if (id == no_id) break;
          if (counts.increment(id) <= count[id]) ++out.words[j - i].matches;
        }
      }
    }
    for (std::size_t n = 1; n <= corder; ++n) {
      out.chars[n - 1].reference = char_totals[n - 1];
      // sacrebleu: "don't count hits if no reference exists for that n-gram"
      out.chars[n - 1].summary = char_totals[n - 1] > 0 && nc >= n ? nc - n + 1 : 0;
    }
    for (std::size_t n = 1; n <= worder; ++n) {
      out.words[n - 1].reference = word_totals[n - 1];
      out.words[n - 1].summary = word_totals[n - 1] > 0 && nw >= n ? nw - n + 1 : 0;
    }
  }
};

/// sacrebleu's `_compute_f_score` on its 0..100 scale, operation by operation; also reports the
/// effective-order mean precision and recall (0..1).
inline double chrf_f_score100(const chrf_statistics& st, const chrf_options& o,
                              double* avg_precision = nullptr, double* avg_recall = nullptr,
                              int* effective_order = nullptr) noexcept {
  constexpr double eps = 1e-16;
  const double factor = o.beta * o.beta;
  double score = 0.0, avg_prec = 0.0, avg_rec = 0.0;
  int eff = 0;
  const auto one = [&](const chrf_ngram_statistics& s) {
    const double prec =
        s.summary > 0 ? static_cast<double>(s.matches) / static_cast<double>(s.summary) : eps;
    const double rec =
        s.reference > 0 ? static_cast<double>(s.matches) / static_cast<double>(s.reference) : eps;
    const double denom = factor * prec + rec;
    score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
    if (s.summary > 0 && s.reference > 0) {
      avg_prec += prec;
      avg_rec += rec;
      ++eff;
    }
  };
  for (int n = 0; n < o.char_order; ++n) one(st.chars[static_cast<std::size_t>(n)]);
  for (int n = 0; n < o.word_order; ++n) one(st.words[static_cast<std::size_t>(n)]);
  if (eff == 0) {
    avg_prec = avg_rec = 0.0;
  } else {
    avg_prec /= eff;
    avg_rec /= eff;
  }
  if (avg_precision) *avg_precision = avg_prec;
  if (avg_recall) *avg_recall = avg_rec;
  if (effective_order) *effective_order = eff;
  if (o.eps_smoothing) return 100 * score / (o.char_order + o.word_order);
  if (avg_prec + avg_rec != 0.0) {
    double f = (1 + factor) * avg_prec * avg_rec;
    f /= (factor * avg_prec) + avg_rec;
    return 100 * f;
  }
  return 0.0;
}

/// The references of one summary (empty ones included, as sacrebleu 2.6), each indexed, with
/// their positions in the input.
struct chrf_reference_set {
  std::vector<chrf_reference_index> refs;
  std::vector<std::size_t> positions;
  std::size_t used = 0;   // refs[0..used) are live (the vector is reused)
  std::size_t nrefs = 0;  // references, empty ones included (sacrebleu nrefs)
};

}  // namespace precis::metrics::detail
