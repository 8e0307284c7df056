#pragma once
/// @file redundancy.hpp
/// Redundant summary sentences (conciseness; docs/metrics/conciseness.md): which earlier sentence
/// each one repeats. Integer stem ids and their idf only.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "precis/metrics/detail/sorted_overlap.hpp"

namespace precis::metrics::detail {

// Redundant sentences: sentence b repeats the earliest earlier sentence a whose idf-weighted
// shared stems reach `threshold` of the lighter one's weight,
//     shared(a, b) / min(weight[a], weight[b]) >= threshold.
// Comparing every pair costs O(sentences^2); instead only pairs that can reach the threshold are
// compared (prefix filtering, Chaudhuri et al. 2006; Bayardo et al. 2007, "Scaling up all pairs
// similarity search"): order each sentence's stems rarest first (those in the fewest summary
// sentences; any order is correct, this one keeps candidates few) and call its prefix the
// shortest run of them whose remaining weight is below threshold * weight. A pair
// whose lighter sentence x shares none of x's prefix stems shares at most that remaining weight,
// so it cannot match. Hence every match shares a stem of the lighter sentence's prefix with the
// other sentence, and the candidates of b are the earlier sentences a with (a stem of a's prefix
// in b) or (a stem of b's prefix in a); they are compared exactly as before (same sums in the
// same order), earliest first, so the result is that of the all-pairs loop. `stems[i]`: distinct
// stem ids of sentence i, ascending; `weight[i]`: the sum of their idf in that order; `idf(t)` > 0.
// Returns, per sentence, the sentence it repeats or -1.
inline constexpr std::size_t k_all_pairs_up_to = 48;

template <class idf_fn>
[[nodiscard]] std::vector<std::int64_t> redundant_sentences(
    const std::vector<std::vector<std::uint32_t>>& stems, std::span<const double> weight,
    const idf_fn& idf, double threshold) {
  const std::size_t n = stems.size();
  std::vector<std::int64_t> out(n, -1);
  if (n < 2) return out;
  const auto repeats = [&](std::size_t a, std::size_t b) {
    const double shared = shared_weight(stems[a], stems[b], idf);
    const double lighter = std::min(weight[a], weight[b]);
    return lighter > 0.0 && shared / lighter >= threshold;
  };
  // Few sentences (most summaries): every pair, which is cheaper than building the lists.
  if (n <= k_all_pairs_up_to) {
    for (std::size_t b = 1; b < n; ++b) {
      for (std::size_t a = 0; a < b; ++a) {
        if (repeats(a, b)) {
          out[b] = static_cast<std::int64_t>(a);
          break;
        }
      }
    }
    return out;
  }
  std::uint32_t n_local = 0;
  for (const auto& s : stems) {
    if (!s.empty()) n_local = std::max(n_local, s.back() + 1);
  }
  // Stem -> earlier sentences holding it (all, and those holding it in their prefix); ascending.
  std::vector<std::vector<std::uint32_t>> holders(n_local), prefix_holders(n_local);
  // Summary sentences holding each stem: prefixes take the stems of the fewest sentences first,
  // which keeps the candidate lists short.
  std::vector<std::uint32_t> frequency(n_local, 0);
  for (const auto& s : stems) {
    for (const auto t : s) ++frequency[t];
  }
  std::vector<std::uint32_t> order, words;
  std::vector<std::uint64_t> bits(n / 64 + 1, 0);
  std::vector<double> suffix;
  // Shortening the allowed remainder by a relative 1e-9 only lengthens prefixes (more
  // candidates, never fewer): rounding in these sums cannot drop a real match.
  const double slack = 1.0 - 1e-9;
  for (std::uint32_t b = 0; b < n; ++b) {
    const auto& y = stems[b];
    order.assign(y.begin(), y.end());
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t s, std::uint32_t t) { return frequency[s] < frequency[t]; });
    suffix.assign(order.size() + 1, 0.0);
    for (std::size_t k = order.size(); k-- > 0;) suffix[k] = suffix[k + 1] + idf(order[k]);
    std::size_t prefix = 0;
    while (prefix < order.size() && !(suffix[prefix] < threshold * suffix[0] * slack)) ++prefix;
    if (b > 0) {
      // The candidates as a bit set over sentence numbers (marking one is a few instructions;
      // the lists are long when a summary says the same thing many times), read in ascending
      // order through the 64-bit words they touched; the first match ends the search.
      words.clear();
      auto add = [&](const std::vector<std::uint32_t>& list) {
        for (const auto a : list) {
          auto& w = bits[a >> 6];
          if (w == 0) words.push_back(a >> 6);
          w |= std::uint64_t{1} << (a & 63);
        }
      };
      for (const auto t : y) add(prefix_holders[t]);
      for (std::size_t k = 0; k < prefix; ++k) add(holders[order[k]]);
      std::sort(words.begin(), words.end());
      bool found = false;
      for (const auto w : words) {
        for (std::uint64_t set = bits[w]; set != 0 && !found; set &= set - 1) {
          const std::uint32_t a = w * 64 + static_cast<std::uint32_t>(std::countr_zero(set));
          if (repeats(a, b)) {
            out[b] = static_cast<std::int64_t>(a);
            found = true;
          }
        }
        bits[w] = 0;
      }
    }
    for (const auto t : y) holders[t].push_back(b);
    for (std::size_t k = 0; k < prefix; ++k) prefix_holders[order[k]].push_back(b);
  }
  return out;
}

}  // namespace precis::metrics::detail
