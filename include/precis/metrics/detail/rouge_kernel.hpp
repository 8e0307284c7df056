#pragma once
/// @file rouge_kernel.hpp
/// ROUGE kernels on token ids: n-gram overlap, sentence-level LCS (ROUGE-L) and summary-level
/// union LCS (ROUGE-Lsum), with the exact semantics of Google's rouge-score 0.1.2. Knows nothing of
/// strings, tokenizers or options; see precis/metrics/rouge.hpp and docs/metrics/rouge.md.
///
/// Id contract: a reference is indexed once over a dense id space [0, vocab_size). Summary ids are
/// arbitrary; any id >= vocab_size stands for a token the reference does not contain and never
/// matches. Callers map all such tokens to one id (e.g. `absent_id`).

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace precis::metrics::detail {

/// Summary id for "not in the reference vocabulary".
inline constexpr std::uint32_t absent_id = 0xFFFFFFFFu;

/// Longest n supported by ROUGE-N (rouge-score accepts `rouge1` .. `rouge9`).
inline constexpr int rouge_max_n = 9;

/// The three integers every ROUGE score is made of.
struct rouge_counts {
  std::size_t overlap = 0;          ///< matched n-grams, LCS length, or union-LCS hits
  std::size_t summary_count = 0;    ///< summary n-grams or tokens
  std::size_t reference_count = 0;  ///< reference n-grams or tokens
};

/// Open-addressing map from a non-zero 64-bit key to a 32-bit value. Keys are (prefix n-gram id,
/// token id) pairs, so a tiny linear-probing table beats std::unordered_map by a wide margin.
class flat_u64_map {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    keys_.assign(cap, empty_key);
    values_.assign(cap, 0);
    mask_ = cap - 1;
    size_ = 0;
  }

  /// Value for `key`, inserting `value_if_new` when absent.
  std::uint32_t intern(std::uint64_t key, std::uint32_t value_if_new) {
    if (keys_.empty() || 2 * (size_ + 1) > keys_.size()) grow();
    std::size_t i = slot(key);
    while (keys_[i] != empty_key) {
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask_;
    }
    keys_[i] = key;
    values_[i] = value_if_new;
    ++size_;
    return value_if_new;
  }

  [[nodiscard]] std::uint32_t find(std::uint64_t key) const noexcept {
    if (keys_.empty()) return npos;
    std::size_t i = slot(key);
    while (keys_[i] != empty_key) {
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask_;
    }
    return npos;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::uint64_t empty_key = ~std::uint64_t{0};

  [[nodiscard]] std::size_t slot(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask_;
  }

  void grow() {
    std::vector<std::uint64_t> old_keys = std::move(keys_);
    std::vector<std::uint32_t> old_values = std::move(values_);
    reserve(std::max<std::size_t>(16, old_keys.size()));
    for (std::size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != empty_key) intern(old_keys[i], old_values[i]);
    }
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

inline std::uint64_t ngram_key(std::uint32_t prefix, std::uint32_t token) noexcept {
  return (std::uint64_t{prefix} << 32) | token;
}

/// Everything ROUGE needs from one reference, computed once: n-gram ids and counts per order,
/// bit masks for the bit-parallel LCS, token counts and sentence spans for ROUGE-Lsum.
/// Immutable after `build`; shared freely between threads.
class rouge_reference_index {
 public:
  rouge_reference_index() = default;

  /// @param tokens reference token ids, each < vocab_size
  /// @param sentence_ends end offsets (exclusive, ascending, last == tokens.size()) of the
  ///   sentences used by ROUGE-Lsum; empty when Lsum is not needed
  /// @param max_n highest n-gram order that will be asked for (0 = none)
  /// @param want_lcs build the masks for sentence-level LCS
  void build(std::span<const std::uint32_t> tokens, std::span<const std::uint32_t> sentence_ends,
             std::uint32_t vocab_size, int max_n, bool want_lcs) {
    tokens_.assign(tokens.begin(), tokens.end());
    sentence_ends_.assign(sentence_ends.begin(), sentence_ends.end());
    vocab_size_ = vocab_size;
    max_n_ = std::clamp(max_n, 0, rouge_max_n);
    token_counts_.assign(vocab_size, 0);
    for (const std::uint32_t t : tokens_) ++token_counts_[t];

    levels_.clear();
    levels_.resize(static_cast<std::size_t>(std::max(max_n_, 1)));
    levels_[0].counts = token_counts_;
    std::vector<std::uint32_t> ids(tokens_.begin(), tokens_.end());
    for (int n = 2; n <= max_n_; ++n) {
      level& lv = levels_[static_cast<std::size_t>(n - 1)];
      const std::size_t count = tokens_.size() >= static_cast<std::size_t>(n)
                                    ? tokens_.size() - static_cast<std::size_t>(n) + 1
                                    : 0;
      lv.map.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        const auto next = static_cast<std::uint32_t>(lv.counts.size());
        const std::uint32_t id =
            lv.map.intern(ngram_key(ids[i], tokens_[i + static_cast<std::size_t>(n) - 1]), next);
        if (id == next) lv.counts.push_back(0);
        ++lv.counts[id];
        ids[i] = id;
      }
      ids.resize(count);
    }

    words_ = (tokens_.size() + 63) / 64;
    masks_.clear();
    if (want_lcs && !tokens_.empty()) {
      masks_.assign(std::size_t{vocab_size} * words_, 0);
      for (std::size_t i = 0; i < tokens_.size(); ++i) {
        masks_[std::size_t{tokens_[i]} * words_ + i / 64] |= std::uint64_t{1} << (i % 64);
      }
    }
  }

  [[nodiscard]] std::span<const std::uint32_t> tokens() const noexcept { return tokens_; }
  [[nodiscard]] std::span<const std::uint32_t> sentence_ends() const noexcept {
    return sentence_ends_;
  }
  [[nodiscard]] std::uint32_t vocab_size() const noexcept { return vocab_size_; }
  [[nodiscard]] int max_n() const noexcept { return max_n_; }
  [[nodiscard]] std::span<const std::uint32_t> token_counts() const noexcept {
    return token_counts_;
  }

 private:
  friend class rouge_kernel;
  struct level {
    flat_u64_map map;                   // (id of the (n-1)-gram prefix, last token) -> n-gram id
    std::vector<std::uint32_t> counts;  // n-gram id -> occurrences in the reference
  };

  std::vector<std::uint32_t> tokens_;
  std::vector<std::uint32_t> sentence_ends_;
  std::uint32_t vocab_size_ = 0;
  int max_n_ = 0;
  std::vector<std::uint32_t> token_counts_;
  std::vector<level> levels_;
  std::size_t words_ = 0;
  std::vector<std::uint64_t> masks_;  // token id -> bit i set where reference token i is that id
};

/// Scoring against a `rouge_reference_index`, with buffers reused across calls. One kernel per
/// thread; it holds no state between calls except capacity.
class rouge_kernel {
 public:
  /// ROUGE-N counts: overlap = sum over reference n-grams of min(reference count, summary count).
  /// Requires 1 <= n <= ref.max_n() (n = 1 always works).
  rouge_counts ngrams(const rouge_reference_index& ref, std::span<const std::uint32_t> summary,
                      int n) {
    const auto un = static_cast<std::size_t>(n);
    rouge_counts out;
    out.summary_count = summary.size() >= un ? summary.size() - un + 1 : 0;
    out.reference_count = ref.tokens_.size() >= un ? ref.tokens_.size() - un + 1 : 0;
    if (out.summary_count == 0 || out.reference_count == 0) return out;

    // Summary n-gram ids in the reference's id space, order by order (absent stays absent).
    ids_.resize(summary.size());
    const std::uint32_t vocab = ref.vocab_size_;
    for (std::size_t i = 0; i < summary.size(); ++i) {
      ids_[i] = summary[i] < vocab ? summary[i] : absent_id;
    }
    for (std::size_t k = 2; k <= un; ++k) {
      const flat_u64_map& map = ref.levels_[k - 1].map;
      const std::size_t count = summary.size() - k + 1;
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t prefix = ids_[i];
        const std::uint32_t last = summary[i + k - 1];
        ids_[i] =
            (prefix == absent_id || last >= vocab) ? absent_id : map.find(ngram_key(prefix, last));
      }
    }
    const std::vector<std::uint32_t>& ref_counts = ref.levels_[un - 1].counts;
    if (used_.size() < ref_counts.size()) used_.resize(ref_counts.size(), 0);
    std::size_t overlap = 0;
    for (std::size_t i = 0; i < out.summary_count; ++i) {
      const std::uint32_t id = ids_[i];
      if (id == absent_id) continue;
      if (used_[id] < ref_counts[id]) {
        ++used_[id];
        ++overlap;
      }
    }
    for (std::size_t i = 0; i < out.summary_count; ++i) {
      if (ids_[i] != absent_id) used_[ids_[i]] = 0;
    }
    out.overlap = overlap;
    return out;
  }

  /// ROUGE-L counts: overlap = LCS length of the whole texts. Bit-parallel (Allison-Dix / Hyyro):
  /// O(|summary| * ceil(|reference| / 64)).
  rouge_counts lcs(const rouge_reference_index& ref, std::span<const std::uint32_t> summary) {
    rouge_counts out;
    out.summary_count = summary.size();
    out.reference_count = ref.tokens_.size();
    if (summary.empty() || ref.tokens_.empty()) return out;
    const std::size_t words = ref.words_;
    row_.assign(words, ~std::uint64_t{0});
    const std::uint32_t vocab = ref.vocab_size_;
    for (const std::uint32_t c : summary) {
      if (c >= vocab) continue;  // matches nothing: the row is unchanged
      const std::uint64_t* mask = ref.masks_.data() + std::size_t{c} * words;
      std::uint64_t carry = 0;
      for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t v = row_[w];
        const std::uint64_t u = v & mask[w];
        const std::uint64_t t = v + u;
        const std::uint64_t s = t + carry;
        carry = static_cast<std::uint64_t>(t < v) | static_cast<std::uint64_t>(s < t);
        row_[w] = s | (v & ~mask[w]);
      }
    }
    const std::size_t m = ref.tokens_.size();
    std::size_t ones = 0;
    for (std::size_t w = 0; w < words; ++w) {
      std::uint64_t v = row_[w];
      if (w + 1 == words && m % 64 != 0) v &= (std::uint64_t{1} << (m % 64)) - 1;
      ones += static_cast<std::size_t>(std::popcount(v));
    }
    out.overlap = m - ones;
    return out;
  }

  /// ROUGE-Lsum counts as rouge-score's `_summary_level_lcs`: for each reference sentence, the
  /// union of the reference positions on one LCS with each summary sentence (the LCS read back
  /// from the DP table preferring a diagonal match, then a step left only when strictly better,
  /// else up), visited in position order; a position is a hit while both the summary and the
  /// reference still have an unused occurrence of its token.
  /// @param summary_sentence_ends end offsets (exclusive, ascending) of the summary sentences;
  ///   the last must equal summary.size()
  rouge_counts summary_level_lcs(const rouge_reference_index& ref,
                                 std::span<const std::uint32_t> summary,
                                 std::span<const std::uint32_t> summary_sentence_ends) {
    rouge_counts out;
    out.summary_count = summary.size();
    out.reference_count = ref.tokens_.size();
    if (summary.empty() || ref.tokens_.empty()) return out;
    const std::uint32_t vocab = ref.vocab_size_;

    ref_left_.assign(ref.token_counts_.begin(), ref.token_counts_.end());
    sum_left_.assign(vocab, 0);
    for (const std::uint32_t c : summary) {
      if (c < vocab) ++sum_left_[c];
    }

    std::size_t hits = 0;
    std::uint32_t r_begin = 0;
    for (const std::uint32_t r_end : ref.sentence_ends_) {
      const std::span<const std::uint32_t> r =
          std::span<const std::uint32_t>(ref.tokens_).subspan(r_begin, r_end - r_begin);
      r_begin = r_end;
      if (r.empty()) continue;
      in_union_.assign(r.size(), 0);
      std::uint32_t c_begin = 0;
      for (const std::uint32_t c_end : summary_sentence_ends) {
        const std::span<const std::uint32_t> c = summary.subspan(c_begin, c_end - c_begin);
        c_begin = c_end;
        if (!c.empty()) mark_lcs(r, c);
      }
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (in_union_[i] == 0) continue;
        const std::uint32_t t = r[i];
        if (sum_left_[t] > 0 && ref_left_[t] > 0) {
          ++hits;
          --sum_left_[t];
          --ref_left_[t];
        }
      }
    }
    out.overlap = hits;
    return out;
  }

 private:
  // Fills the (|r|+1) x (|c|+1) LCS table, reads one LCS back exactly as rouge-score's
  // `_backtrack_norec` does, and marks the reference positions it uses. The tie-breaking decides
  // which positions enter the union, so the full table is kept (no bit-parallel shortcut here).
  void mark_lcs(std::span<const std::uint32_t> r, std::span<const std::uint32_t> c) {
    const std::size_t rows = r.size(), cols = c.size(), stride = cols + 1;
    table_.assign((rows + 1) * stride, 0);
    for (std::size_t i = 1; i <= rows; ++i) {
      const std::uint32_t ri = r[i - 1];
      std::uint32_t* row = table_.data() + i * stride;
      const std::uint32_t* up = row - stride;
      for (std::size_t j = 1; j <= cols; ++j) {
        row[j] = ri == c[j - 1] ? up[j - 1] + 1 : std::max(up[j], row[j - 1]);
      }
    }
    std::size_t i = rows, j = cols;
    while (i > 0 && j > 0) {
      if (r[i - 1] == c[j - 1]) {
        in_union_[i - 1] = 1;
        --i;
        --j;
      } else if (table_[i * stride + j - 1] > table_[(i - 1) * stride + j]) {
        --j;
      } else {
        --i;
      }
    }
  }

  std::vector<std::uint32_t> ids_;
  std::vector<std::uint32_t> used_;
  std::vector<std::uint64_t> row_;
  std::vector<std::uint32_t> ref_left_;
  std::vector<std::uint32_t> sum_left_;
  std::vector<std::uint8_t> in_union_;
  std::vector<std::uint32_t> table_;
};

/// rouge-score's `scoring.fmeasure`: 2PR / (P + R), 0 when P + R == 0. Evaluated in the same order
/// as Python so results are bit-identical.
inline double rouge_fmeasure(double precision, double recall) noexcept {
  if (precision + recall > 0.0) return 2.0 * precision * recall / (precision + recall);
  return 0.0;
}

}  // namespace precis::metrics::detail
