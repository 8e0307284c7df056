#pragma once
/// @file bleu_kernel.hpp
/// Internal: the BLEU reference index (max n-gram counts over references, reference lengths) and
/// the matching of a tokenized summary against it. One kernel serves `bleu`, `bleu_scorer`,
/// `bleu_batch` and `corpus_bleu`.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "precis/metrics/bleu.hpp"
#include "precis/metrics/detail/bleu_ngram_table.hpp"
#include "precis/metrics/detail/bleu_tokenize.hpp"

namespace precis::metrics::detail {

// Token symbols are dense ids 1..V (0 = not in any reference). When max_order * bit_width(V)
// <= 61, an n-gram is packed into one exact 64-bit key (order in the top bits), so the lookups of
// one summary position are independent; a larger vocabulary falls back to chaining
// (n-1 gram id, symbol) keys. Unigram ids are the symbols themselves.
//
// The vocabulary holds views into the reference token lists, not copies: the free functions build
// the index over thread-local lists that stay alive until the summary is scored, and a scorer
// keeps its own lists in `owned_tokens`.
struct bleu_reference_index {
  token_view_vocab vocab;                // token -> symbol id 1..V (= its unigram id)
  ngram_table table;                     // n-gram key -> n-gram id, n >= 2
  std::vector<std::uint32_t> max_count;  // n-gram id -> max count over the references
  std::vector<std::uint64_t> ref_lengths;
  std::uint32_t next_id = 1;
  int max_order = 4;
  int sym_bits = 1;
  bool packed = true;
  std::size_t nrefs = 0;                 // references, empty ones included
  std::vector<token_list> owned_tokens;  // a scorer's reference tokens (`vocab` points into them)

  bleu_reference_index() = default;
  // Not copyable: a copy's vocabulary would still point into the original's `owned_tokens`.
  bleu_reference_index(const bleu_reference_index&) = delete;
  bleu_reference_index& operator=(const bleu_reference_index&) = delete;

  static constexpr std::uint64_t order_tag(std::size_t n_minus_1) noexcept {
    return static_cast<std::uint64_t>(n_minus_1) << 61;
  }

  /// Rebuilds the index from tokenized references, which must outlive its use. `syms` and
  /// `per_ref` are scratch.
  void build(std::span<const token_list> refs, int order, std::vector<std::uint32_t>& syms,
             stamped_counts& per_ref) {
    add_references(refs, order, syms);
    count_ngrams(refs, syms.data(), nullptr, per_ref);
  }

  /// Builds an index good for scoring one summary only, `hyp`, whose symbols it leaves in
  /// `hyp_syms`. Why: a reference n-gram with a token the summary lacks can never match, so the
  /// free functions skip counting it (on SummEval pairs, five in six of the reference's 2- to
  /// 4-grams). Every n-gram of the summary has all its tokens in the summary, so each one `match`
  /// looks up is counted exactly as in a full build, and so is each prefix, which keeps the early
  /// stop in `match` valid. `ref_syms`, `wanted` and `per_ref` are scratch.
  void build_for(std::span<const token_list> refs, int order, const token_list& hyp,
                 std::vector<std::uint32_t>& ref_syms, std::vector<std::uint32_t>& hyp_syms,
                 std::vector<unsigned char>& wanted, stamped_counts& per_ref) {
    add_references(refs, order, ref_syms);
    symbolize(hyp, hyp_syms);
    wanted.assign(next_id, 0);
    for (const std::uint32_t s : hyp_syms) wanted[s] = 1;
    wanted[0] = 0;
    count_ngrams(refs, ref_syms.data(), wanted.data(), per_ref);
  }

  /// The summary's tokens as symbols (0 = in no reference).
  void symbolize(const token_list& hyp, std::vector<std::uint32_t>& syms) const {
    const std::size_t len = hyp.size();
    syms.resize(len);
    const char* base = hyp.bytes.data();
    for (std::size_t i = 0; i < len; ++i) {
      const token_list::span t = hyp.spans[i];
      const std::uint32_t s = vocab.find(base + t.begin, t.end - t.begin);
      syms[i] = s == no_id ? 0 : s;
    }
  }

  /// sacrebleu's `_get_closest_ref_len`: the closest length, the shorter one on ties.
  [[nodiscard]] std::uint64_t closest_length(std::uint64_t hyp_len) const noexcept {
    std::uint64_t best_diff = 0, best_len = 0;
    bool first = true;
    for (const std::uint64_t len : ref_lengths) {
      const std::uint64_t diff = hyp_len > len ? hyp_len - len : len - hyp_len;
      if (first || diff < best_diff) {
        best_diff = diff;
        best_len = len;
        first = false;
      } else if (diff == best_diff && len < best_len) {
        best_len = len;
      }
    }
    return best_len;
  }

  /// Statistics of a tokenized summary. `syms` and `counts` are scratch.
  void statistics(const token_list& hyp, std::vector<std::uint32_t>& syms, stamped_counts& counts,
                  bleu_statistics& out) const {
    symbolize(hyp, syms);
    match(syms, counts, out);
  }

  /// Statistics of a summary given as symbols (`symbolize`). `counts` is scratch.
  void match(std::span<const std::uint32_t> syms, stamped_counts& counts,
             bleu_statistics& out) const {
    out = bleu_statistics{};
    const std::size_t len = syms.size();
    counts.begin(next_id);
    const auto order = static_cast<std::size_t>(max_order);
    for (std::size_t i = 0; i < len; ++i) {
      std::uint32_t id = syms[i];
      if (id == 0) continue;
      if (counts.increment(id) <= max_count[id]) ++out.matches[0];
      const std::size_t last = std::min(len, i + order);
      std::uint64_t key = id;
      for (std::size_t j = i + 1; j < last; ++j) {
        if (syms[j] == 0) break;
        if (packed) {
          key = (key << sym_bits) | syms[j];
          id = table.find_key(key | order_tag(j - i));
        } else {
          id = table.find(id, syms[j]);
        }
        if (id == no_id) break;  // every prefix of a reference n-gram is one too
        if (counts.increment(id) <= max_count[id]) ++out.matches[j - i];
      }
    }
    for (std::size_t n = 1; n <= order; ++n) out.totals[n - 1] = len >= n ? len - n + 1 : 0;
    out.summary_length = len;
    out.reference_length = closest_length(len);
  }

 private:
  // Resets the index and interns the references' tokens; `syms` receives their symbols.
  void add_references(std::span<const token_list> refs, int order,
                      std::vector<std::uint32_t>& syms) {
    max_order = order;
    const auto n_order = static_cast<std::size_t>(order);
    std::size_t tokens = 0;
    for (const auto& r : refs) tokens += r.size();
    vocab.reset(tokens);
    table.reset(tokens * (n_order - 1));
    next_id = 1;
    syms.resize(tokens);
    std::size_t at = 0;
    for (const auto& r : refs) {
      const char* base = r.bytes.data();
      for (const token_list::span t : r.spans) {
        syms[at++] = vocab.insert(base + t.begin, t.end - t.begin, next_id);
      }
    }
    sym_bits = 1;
    while ((std::uint64_t{1} << sym_bits) < next_id) ++sym_bits;
    packed = n_order * static_cast<std::size_t>(sym_bits) <= 61;
    max_count.assign(tokens * n_order + 2, 0);
    ref_lengths.clear();
  }

  // Counts the references' n-grams (only those made of `wanted` symbols, when given) and keeps
  // each one's largest count over the references.
  void count_ngrams(std::span<const token_list> refs, const std::uint32_t* syms,
                    const unsigned char* wanted, stamped_counts& per_ref) {
    const auto n_order = static_cast<std::size_t>(max_order);
    // With one reference its counts are the maxima: no per-reference counter needed.
    const bool single = refs.size() == 1;
    std::size_t at = 0;
    for (const auto& r : refs) {
      const std::size_t len = r.size();
      const std::uint32_t* t = syms + at;
      at += len;
      ref_lengths.push_back(len);
      if (!single) per_ref.begin(max_count.size());
      const auto bump = [&](std::uint32_t id) {
        if (single) {
          ++max_count[id];
          return;
        }
        const std::uint32_t c = per_ref.increment(id);
        if (c > max_count[id]) max_count[id] = c;
      };
      for (std::size_t i = 0; i < len; ++i) {
        if (wanted != nullptr && wanted[t[i]] == 0) continue;
        bump(t[i]);
        const std::size_t last = std::min(len, i + n_order);
        if (packed) {
          std::uint64_t key = t[i];
          for (std::size_t j = i + 1; j < last; ++j) {
            if (wanted != nullptr && wanted[t[j]] == 0) break;
            key = (key << sym_bits) | t[j];
            bump(table.insert_key(key | order_tag(j - i), next_id));
          }
        } else {
          std::uint32_t id = t[i];
          for (std::size_t j = i + 1; j < last; ++j) {
            if (wanted != nullptr && wanted[t[j]] == 0) break;
            id = table.insert(id, t[j], next_id);
            bump(id);
          }
        }
      }
    }
  }
};

}  // namespace precis::metrics::detail
