#pragma once
/// @file embedding_kernel.hpp
/// Kernels of the embedding metrics on plain float32 matrices (rows = vectors). No text, no
/// encoders, no Python: the metric functions and the bindings share them.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "precis/detail/parallel.hpp"
#include "precis/embed/encoder.hpp"

namespace precis::metrics::detail {

using embed::matrix_ref;
using embed::row_matrix;

/// Rows scaled to unit L2 norm; a zero row stays zero (so its cosine with anything is 0, not
/// NaN). The norm is accumulated in double: float sums of 384+ squares lose digits we need for
/// "identical texts give 1".
inline row_matrix normalized_rows(matrix_ref m) {
  row_matrix out(m.rows(), m.cols());
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    const double ss = m.row(r).cast<double>().squaredNorm();
    const float inv = ss > 0.0 ? static_cast<float>(1.0 / std::sqrt(ss)) : 0.0F;
    out.row(r) = m.row(r) * inv;
  }
  return out;
}

/// out = a * b^T (one GEMM). With threads > 1 the rows of `a` are cut into blocks that are
/// multiplied concurrently; each block is a full Eigen GEMM, so cache blocking is kept.
inline void gemm_abt(matrix_ref a, matrix_ref b, row_matrix& out, unsigned threads) {
  out.resize(a.rows(), b.rows());
  const auto n = static_cast<std::size_t>(a.rows());
  const unsigned workers = precis::detail::resolve_threads(threads, n / 64 + 1);
  if (workers <= 1) {
    out.noalias() = a * b.transpose();
    return;
  }
  const std::size_t block = (n + workers - 1) / workers;
  precis::detail::parallel_for(
      workers, workers,
      [&](std::size_t w) {
        const std::size_t begin = w * block;
        if (begin >= n) return;
        const auto rows = static_cast<Eigen::Index>(std::min(block, n - begin));
        const auto start = static_cast<Eigen::Index>(begin);
        out.middleRows(start, rows).noalias() = a.middleRows(start, rows) * b.transpose();
      },
      1);
}

/// Cosine similarity of every row of `a` with every row of `b` (a.rows() x b.rows()).
inline row_matrix cosine_matrix(matrix_ref a, matrix_ref b, unsigned threads = 1) {
  const row_matrix an = normalized_rows(a);
  const row_matrix bn = normalized_rows(b);
  row_matrix out;
  gemm_abt(an, bn, out, threads);
  return out;
}

/// Greedy matching of BERTScore: sum_i w_i * max_j sim(i, j) / sum_i w_i over the rows of `sim`
/// (uniform weights when `w` is empty; 0 when the weights sum to 0 or there are no rows).
inline double weighted_row_max_mean(const row_matrix& sim, std::span<const float> w) {
  double num = 0.0;
  double den = 0.0;
  for (Eigen::Index i = 0; i < sim.rows(); ++i) {
    const double wi = w.empty() ? 1.0 : static_cast<double>(w[static_cast<std::size_t>(i)]);
    num += wi * static_cast<double>(sim.row(i).maxCoeff());
    den += wi;
  }
  return den > 0.0 ? num / den : 0.0;
}

}  // namespace precis::metrics::detail
