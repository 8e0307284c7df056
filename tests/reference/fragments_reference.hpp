#pragma once
// Slow, obviously correct twin of precis/metrics/detail/fragments.hpp: Grusky et al.'s greedy
// fragments with the longest match found by trying every start position in every source.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace precis_reference {

struct fragment {
  std::size_t begin, end;
  bool operator==(const fragment&) const = default;
};

inline std::vector<fragment> greedy_fragments(
    const std::vector<std::vector<std::uint32_t>>& sources, const std::vector<std::uint32_t>& s) {
  std::vector<fragment> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t best = 0;
    for (const auto& a : sources) {
      for (std::size_t j = 0; j < a.size(); ++j) {
        std::size_t k = 0;
        while (i + k < s.size() && j + k < a.size() && s[i + k] == a[j + k]) ++k;
        best = std::max(best, k);
      }
    }
    if (best > 0) {
      out.push_back({i, i + best});
      i += best;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace precis_reference
