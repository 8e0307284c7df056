#pragma once
/// @file sorted_overlap.hpp
/// The weight two sorted lists of distinct ids share: sum of `weight(id)` over their
/// intersection, in one merge pass. Used by conciseness' redundant sentences
/// (detail/redundancy.hpp) and the fact checks' clause matching (detail/fact_check.hpp).

#include <cstddef>
#include <cstdint>
#include <span>

namespace precis::metrics::detail {

template <class weight_fn>
[[nodiscard]] double shared_weight(std::span<const std::uint32_t> x,
                                   std::span<const std::uint32_t> y, const weight_fn& weight) {
  double shared = 0.0;
  for (std::size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] < y[j]) {
      ++i;
    } else if (y[j] < x[i]) {
      ++j;
    } else {
      shared += weight(x[i]);
      ++i;
      ++j;
    }
  }
  return shared;
}

}  // namespace precis::metrics::detail
