#pragma once
/// @file correlation.hpp
/// Correlation coefficients as scipy.stats computes them (Pearson, Spearman, Kendall tau-b and
/// tau-c), and the meta-evaluation protocols built on them: summary level (per document over its
/// summaries, then the mean; documents where either side is constant are skipped, as G-Eval and
/// UniEval do) and system level (per-system means, then one correlation). docs/stats.md.
///
/// An undefined coefficient (fewer than two values, or one side constant) is NaN, as in scipy.
/// Kernels only: no Python, JSON or Boost.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"

namespace precis::stats {

/// Which coefficient.
enum class method { pearson, spearman, kendall_b, kendall_c };

/// `pearson`, `spearman`, `kendall` (tau-b, scipy's default), `kendall_b`, `kendall_c`.
inline method parse_method(std::string_view name) {
  if (name == "pearson") return method::pearson;
  if (name == "spearman") return method::spearman;
  if (name == "kendall" || name == "kendall_b" || name == "kendalltau") return method::kendall_b;
  if (name == "kendall_c") return method::kendall_c;
  raise("invalid_argument", "unknown correlation '" + std::string(name) +
                                "' (pearson, spearman, kendall, kendall_b, kendall_c)");
}

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

namespace detail {

inline void check_pair(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) {
    raise("invalid_argument", "x has " + std::to_string(x.size()) + " values, y " +
                                  std::to_string(y.size()));
  }
}

inline bool constant(std::span<const double> v) {
  return std::all_of(v.begin(), v.end(), [&](double a) { return a == v.front(); });
}

}  // namespace detail

/// Pearson's r, computed as scipy.stats.pearsonr: centre, scale each side by its norm, then the
/// dot product, clipped to [-1, 1]. NaN when n < 2 or a side is constant.
inline double pearson(std::span<const double> x, std::span<const double> y) {
  detail::check_pair(x, y);
  const std::size_t n = x.size();
  if (n < 2 || detail::constant(x) || detail::constant(y)) return nan;
  const double dn = static_cast<double>(n);
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / dn;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / dn;
  double sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  const double nx = std::sqrt(sxx), ny = std::sqrt(syy);
  double r = 0.0;
  for (std::size_t i = 0; i < n; ++i) r += ((x[i] - mx) / nx) * ((y[i] - my) / ny);
  return std::clamp(r, -1.0, 1.0);
}

/// Ranks 1..n with ties given their average rank (scipy.stats.rankdata, method "average").
inline std::vector<double> average_ranks(std::span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double r = static_cast<double>(i + j) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = r;
    i = j + 1;
  }
  return rank;
}

/// Spearman's rho: Pearson's r of the average ranks (scipy.stats.spearmanr).
inline double spearman(std::span<const double> x, std::span<const double> y) {
  detail::check_pair(x, y);
  const auto rx = average_ranks(x), ry = average_ranks(y);
  return pearson(rx, ry);
}

namespace detail {

/// The pair counts behind Kendall's tau (Knight's O(n log n) algorithm, as scipy): all pairs,
/// pairs tied in x, tied in y, tied in both, and discordant pairs.
struct kendall_counts {
  double total = 0, x_ties = 0, y_ties = 0, joint_ties = 0, discordant = 0;
  std::size_t x_classes = 0, y_classes = 0;

  /// C - D, from total = C + D + (x ties - joint) + (y ties - joint) + joint.
  [[nodiscard]] double concordant_minus_discordant() const {
    return total - x_ties - y_ties + joint_ties - 2 * discordant;
  }
};

inline double tie_pairs(std::span<const double> sorted) {
  double pairs = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const double t = static_cast<double>(j - i);
    pairs += t * (t - 1) / 2;
    i = j;
  }
  return pairs;
}

inline std::size_t classes(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return static_cast<std::size_t>(std::unique(v.begin(), v.end()) - v.begin());
}

inline kendall_counts count_pairs(std::span<const double> x, std::span<const double> y) {
  const std::size_t n = x.size();
  kendall_counts c;
  c.total = static_cast<double>(n) * static_cast<double>(n - 1) / 2;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] != x[b] ? x[a] < x[b] : y[a] < y[b];
  });
  std::vector<double> xs(n), ys(n);
  for (std::size_t i = 0; i < n; ++i) xs[i] = x[order[i]], ys[i] = y[order[i]];
  c.x_ties = tie_pairs(xs);
  for (std::size_t i = 0; i < n;) {  // runs equal in both x and y
    std::size_t j = i + 1;
    while (j < n && xs[j] == xs[i] && ys[j] == ys[i]) ++j;
    const double t = static_cast<double>(j - i);
    c.joint_ties += t * (t - 1) / 2;
    i = j;
  }
  // Discordant pairs = inversions of y in x order (ties in y are not inversions): merge sort.
  std::vector<double> buffer(n);
  double inversions = 0;
  for (std::size_t width = 1; width < n; width *= 2) {
    for (std::size_t lo = 0; lo < n; lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      std::size_t a = lo, b = mid, out = lo;
      while (a < mid && b < hi) {
        if (ys[b] < ys[a]) {
          inversions += static_cast<double>(mid - a);
          buffer[out++] = ys[b++];
        } else {
          buffer[out++] = ys[a++];
        }
      }
      while (a < mid) buffer[out++] = ys[a++];
      while (b < hi) buffer[out++] = ys[b++];
    }
    std::copy(buffer.begin(), buffer.end(), ys.begin());
  }
  c.discordant = inversions;
  c.y_ties = tie_pairs(ys);  // ys is sorted now
  c.x_classes = classes(std::vector<double>(x.begin(), x.end()));
  c.y_classes = classes(std::vector<double>(y.begin(), y.end()));
  return c;
}

}  // namespace detail

/// Kendall's tau-b (scipy.stats.kendalltau, variant "b"): ties adjusted on both sides.
inline double kendall_tau_b(std::span<const double> x, std::span<const double> y) {
  detail::check_pair(x, y);
  if (x.size() < 2 || detail::constant(x) || detail::constant(y)) return nan;
  const auto c = detail::count_pairs(x, y);
  const double tau = c.concordant_minus_discordant() / std::sqrt(c.total - c.x_ties) /
                     std::sqrt(c.total - c.y_ties);
  return std::clamp(tau, -1.0, 1.0);
}

/// Kendall's tau-c (Stuart's; scipy variant "c"): for rectangular tables, m = the smaller number
/// of distinct values of the two sides.
inline double kendall_tau_c(std::span<const double> x, std::span<const double> y) {
  detail::check_pair(x, y);
  if (x.size() < 2 || detail::constant(x) || detail::constant(y)) return nan;
  const auto c = detail::count_pairs(x, y);
  const double n = static_cast<double>(x.size());
  const double m = static_cast<double>(std::min(c.x_classes, c.y_classes));
  const double tau = 2 * c.concordant_minus_discordant() / (n * n * (m - 1) / m);
  return std::clamp(tau, -1.0, 1.0);
}

/// The coefficient `how` of x and y.
inline double correlate(method how, std::span<const double> x, std::span<const double> y) {
  switch (how) {
    case method::pearson: return pearson(x, y);
    case method::spearman: return spearman(x, y);
    case method::kendall_b: return kendall_tau_b(x, y);
    case method::kendall_c: return kendall_tau_c(x, y);
  }
  return nan;
}

/// Values grouped by a key (document or system): `members[g]` lists the positions of group g,
/// in order of first appearance.
struct grouping {
  std::vector<std::vector<std::size_t>> members;

  /// Groups positions by `keys` (any integer labels, e.g. document indices).
  static grouping of(std::span<const std::int64_t> keys) {
    grouping g;
    std::vector<std::pair<std::int64_t, std::size_t>> seen;  // key -> group, sorted by key
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto it = std::lower_bound(seen.begin(), seen.end(), std::pair{keys[i], std::size_t{0}},
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
      if (it == seen.end() || it->first != keys[i]) {
        it = seen.insert(it, {keys[i], g.members.size()});
        g.members.emplace_back();
      }
      g.members[it->second].push_back(i);
    }
    return g;
  }
};

/// A summary-level correlation and how many groups it averaged.
struct grouped_correlation {
  double value = nan;               ///< mean of the per-document coefficients (NaN if none)
  std::size_t groups_used = 0;      ///< documents that gave a coefficient
  std::size_t groups_skipped = 0;   ///< documents with fewer than 2 summaries or a constant side
};

/// Summary level: the coefficient over each document's summaries, averaged over documents;
/// documents where either side is constant (or has fewer than two summaries) are skipped.
inline grouped_correlation summary_level(method how, std::span<const double> x,
                                         std::span<const double> y, const grouping& documents) {
  detail::check_pair(x, y);
  grouped_correlation out;
  double sum = 0;
  std::vector<double> gx, gy;
  for (const auto& members : documents.members) {
    gx.clear();
    gy.clear();
    for (const std::size_t i : members) gx.push_back(x[i]), gy.push_back(y[i]);
    const double r = correlate(how, gx, gy);
    if (std::isnan(r)) {
      ++out.groups_skipped;
    } else {
      sum += r;
      ++out.groups_used;
    }
  }
  if (out.groups_used > 0) out.value = sum / static_cast<double>(out.groups_used);
  return out;
}

/// System level: each system's mean of x and of y, then one coefficient over the systems.
inline double system_level(method how, std::span<const double> x, std::span<const double> y,
                           const grouping& systems) {
  detail::check_pair(x, y);
  std::vector<double> mx, my;
  for (const auto& members : systems.members) {
    double sx = 0, sy = 0;
    for (const std::size_t i : members) sx += x[i], sy += y[i];
    mx.push_back(sx / static_cast<double>(members.size()));
    my.push_back(sy / static_cast<double>(members.size()));
  }
  return correlate(how, mx, my);
}

}  // namespace precis::stats
