#pragma once
/// @file bootstrap.hpp
/// Seeded bootstrap confidence intervals for meta-evaluation: resampling documents (all of a
/// document's summaries travel together), a paired test between two metrics' correlations with
/// the same human ratings (after Deutsch, Dror and Roth 2021, the input-resampling variant), and a
/// paired bootstrap between two systems' mean scores (Koehn 2004). docs/stats.md.
///
/// Deterministic: the same seed gives the same resamples on every platform (mt19937_64, which
/// the standard fully specifies, with our own unbiased bounded draw instead of
/// std::uniform_int_distribution, whose algorithm is left to each library).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "precis/error.hpp"
#include "precis/stats/correlation.hpp"

namespace precis::stats {

/// Bootstrap settings.
struct bootstrap_options {
  std::size_t resamples = 1000;  ///< number of resamples (>= 1)
  double confidence = 0.95;      ///< two-sided interval, in (0, 1)
  std::uint64_t seed = 0;
};

/// An estimate on the data as given and a percentile interval from the resamples.
struct interval {
  double estimate = nan;
  double low = nan;
  double high = nan;
  std::size_t resamples_used = 0;  ///< resamples that gave a value (others had no usable document)
};

/// The paired comparison of two quantities (a - b): estimate, interval and the two-sided
/// bootstrap p-value of "no difference" (twice the smaller share of resamples on either side of
/// 0, at most 1).
struct paired_result {
  interval difference;
  double p_value = nan;
};

namespace detail {

/// Uniform integer in [0, bound) from a 64-bit engine: rejection of the top partial block, then
/// the remainder (unbiased, and the same on every platform).
inline std::size_t draw_below(std::mt19937_64& engine, std::size_t bound) {
  const auto b = static_cast<std::uint64_t>(bound);
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              std::numeric_limits<std::uint64_t>::max() % b;
  std::uint64_t v = engine();
  while (v >= limit) v = engine();
  return static_cast<std::size_t>(v % b);
}

/// numpy.percentile's default ("linear") of sorted values, q in [0, 1].
inline double percentile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return nan;
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double frac = at - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * frac;
}

inline void check_options(const bootstrap_options& o) {
  if (o.resamples == 0) raise("invalid_argument", "resamples must be at least 1");
  if (!(o.confidence > 0 && o.confidence < 1)) {
    raise("invalid_argument", "confidence must be in (0, 1)");
  }
}

/// Runs `statistic(resampled group indices)` for every resample of the groups.
template <class Statistic>
std::vector<double> resample_groups(std::size_t groups, const bootstrap_options& o,
                                    Statistic&& statistic) {
  check_options(o);
  if (groups == 0) raise("invalid_argument", "nothing to resample: no documents");
  std::mt19937_64 engine(o.seed);
  std::vector<double> values;
  values.reserve(o.resamples);
  std::vector<std::size_t> picked(groups);
  for (std::size_t r = 0; r < o.resamples; ++r) {
    for (auto& g : picked) g = draw_below(engine, groups);
    values.push_back(statistic(picked));
  }
  return values;
}

inline interval summarize(double estimate, std::vector<double> values, double confidence) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  std::sort(values.begin(), values.end());
  const double tail = (1 - confidence) / 2;
  return {estimate, percentile_sorted(values, tail), percentile_sorted(values, 1 - tail),
          values.size()};
}

inline double two_sided_p(const std::vector<double>& differences) {
  std::size_t below = 0, above = 0, used = 0;
  for (const double d : differences) {
    if (std::isnan(d)) continue;
    ++used;
    below += d <= 0;
    above += d >= 0;
  }
  if (used == 0) return nan;
  const double p = 2.0 * static_cast<double>(std::min(below, above)) / static_cast<double>(used);
  return std::min(p, 1.0);
}

/// Summary-level correlation over a resample: document `picked[k]` once per occurrence.
inline double summary_level_of(method how, std::span<const double> x, std::span<const double> y,
                               const grouping& documents, std::span<const std::size_t> picked) {
  double sum = 0;
  std::size_t used = 0;
  std::vector<double> gx, gy;
  for (const std::size_t g : picked) {
    gx.clear();
    gy.clear();
    for (const std::size_t i : documents.members[g]) gx.push_back(x[i]), gy.push_back(y[i]);
    const double r = correlate(how, gx, gy);
    if (!std::isnan(r)) sum += r, ++used;
  }
  return used > 0 ? sum / static_cast<double>(used) : nan;
}

}  // namespace detail

/// Summary-level correlation of `metric` with `human` and its bootstrap interval over documents.
inline interval summary_level_interval(method how, std::span<const double> metric,
                                       std::span<const double> human, const grouping& documents,
                                       const bootstrap_options& o = {}) {
  const double estimate = summary_level(how, metric, human, documents).value;
  auto values = detail::resample_groups(documents.members.size(), o, [&](const auto& picked) {
    return detail::summary_level_of(how, metric, human, documents, picked);
  });
  return detail::summarize(estimate, std::move(values), o.confidence);
}

/// Is metric a's summary-level correlation with `human` higher than metric b's? Both are
/// computed on the same resampled documents in every round (paired).
inline paired_result compare_correlations(method how, std::span<const double> metric_a,
                                          std::span<const double> metric_b,
                                          std::span<const double> human,
                                          const grouping& documents,
                                          const bootstrap_options& o = {}) {
  detail::check_pair(metric_a, human);
  detail::check_pair(metric_b, human);
  const double estimate = summary_level(how, metric_a, human, documents).value -
                          summary_level(how, metric_b, human, documents).value;
  auto values = detail::resample_groups(documents.members.size(), o, [&](const auto& picked) {
    return detail::summary_level_of(how, metric_a, human, documents, picked) -
           detail::summary_level_of(how, metric_b, human, documents, picked);
  });
  paired_result out;
  out.p_value = detail::two_sided_p(values);
  out.difference = detail::summarize(estimate, std::move(values), o.confidence);
  return out;
}

/// Paired bootstrap of two systems' mean scores on the same documents (`a[i]` and `b[i]` score
/// document i): mean(a) - mean(b), its interval, and the p-value of no difference.
inline paired_result compare_means(std::span<const double> a, std::span<const double> b,
                                   const bootstrap_options& o = {}) {
  detail::check_pair(a, b);
  const auto mean_of = [&](std::span<const std::size_t> picked) {
    double s = 0;
    for (const std::size_t i : picked) s += a[i] - b[i];
    return s / static_cast<double>(picked.size());
  };
  std::vector<std::size_t> all(a.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  const double estimate = a.empty() ? nan : mean_of(all);
  auto values = detail::resample_groups(a.size(), o, mean_of);
  paired_result out;
  out.p_value = detail::two_sided_p(values);
  out.difference = detail::summarize(estimate, std::move(values), o.confidence);
  return out;
}

}  // namespace precis::stats
