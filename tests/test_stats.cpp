// Correlations (hand-computed values and a slow O(n^2) twin for Kendall's tau) and the seeded
// bootstrap. The Python suite compares every coefficient with scipy (tests/python/test_stats.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "precis/stats/bootstrap.hpp"
#include "precis/stats/correlation.hpp"

namespace ps = precis::stats;

namespace {

int sign(double v) { return (v > 0) - (v < 0); }

// Kendall's tau-b and tau-c from their definitions, over all pairs.
double slow_kendall(const std::vector<double>& x, const std::vector<double>& y, bool tau_c) {
  const std::size_t n = x.size();
  double s = 0, untied_x = 0, untied_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      s += sign(x[i] - x[j]) * sign(y[i] - y[j]);
      untied_x += x[i] != x[j];
      untied_y += y[i] != y[j];
    }
  }
  if (!tau_c) return s / std::sqrt(untied_x * untied_y);
  const double m = static_cast<double>(
      std::min(ps::detail::classes(x), ps::detail::classes(y)));
  const double dn = static_cast<double>(n);
  return 2 * s / (dn * dn * (m - 1) / m);
}

}  // namespace

TEST(Stats, HandComputedCoefficients) {
  const std::vector<double> a{1, 2, 3}, b{3, 2, 1}, c{5, 5, 5};
  EXPECT_DOUBLE_EQ(ps::pearson(a, a), 1.0);
  EXPECT_DOUBLE_EQ(ps::pearson(a, b), -1.0);
  EXPECT_TRUE(std::isnan(ps::pearson(a, c)));
  EXPECT_TRUE(std::isnan(ps::spearman(std::vector<double>{1}, std::vector<double>{2})));
  // Ranks with a tie: x -> 1, 2.5, 2.5, 4; y -> 1, 3, 2, 4; r = 4.5 / sqrt(4.5 * 5).
  const std::vector<double> x{1, 2, 2, 3}, y{1, 3, 2, 4};
  EXPECT_NEAR(ps::spearman(x, y), 4.5 / std::sqrt(22.5), 1e-15);
  // One discordant pair of six: tau = (5 - 1) / 6.
  EXPECT_NEAR(ps::kendall_tau_b(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 3, 2, 4}),
              4.0 / 6.0, 1e-15);
  EXPECT_THROW(ps::pearson(a, std::vector<double>{1, 2}), precis::error);
  EXPECT_THROW(ps::parse_method("cosine"), precis::error);
}

TEST(Stats, KendallMatchesTheDefinitionOnRandomTiedData) {
  std::mt19937 engine(3);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = 2 + engine() % 40;
    const std::size_t levels_x = 1 + engine() % 6, levels_y = 1 + engine() % 9;
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<double>(engine() % levels_x);
      y[i] = static_cast<double>(engine() % levels_y);
    }
    const double b = ps::kendall_tau_b(x, y), c = ps::kendall_tau_c(x, y);
    if (ps::detail::constant(x) || ps::detail::constant(y)) {
      EXPECT_TRUE(std::isnan(b) && std::isnan(c));
      continue;
    }
    EXPECT_NEAR(b, slow_kendall(x, y, false), 1e-12) << "trial " << trial;
    EXPECT_NEAR(c, slow_kendall(x, y, true), 1e-12) << "trial " << trial;
  }
}

TEST(Stats, SummaryLevelSkipsConstantDocuments) {
  // Document 0: perfect agreement; document 1: human constant (skipped); document 2: reversed.
  const std::vector<double> metric{1, 2, 3, 1, 2, 3, 1, 2, 3};
  const std::vector<double> human{1, 2, 3, 4, 4, 4, 3, 2, 1};
  const std::vector<std::int64_t> doc{7, 7, 7, 8, 8, 8, 9, 9, 9};
  const auto r = ps::summary_level(ps::method::pearson, metric, human, ps::grouping::of(doc));
  EXPECT_DOUBLE_EQ(r.value, 0.0);
  EXPECT_EQ(r.groups_used, 2U);
  EXPECT_EQ(r.groups_skipped, 1U);
  // System level: systems are positions within a document here (means 8/3, 8/3, 8/3: constant).
  const std::vector<std::int64_t> system{0, 1, 2, 0, 1, 2, 0, 1, 2};
  EXPECT_TRUE(std::isnan(ps::system_level(ps::method::pearson, metric, human,
                                          ps::grouping::of(system))));
}

TEST(Stats, BootstrapIsSeededAndPaired) {
  std::mt19937 engine(11);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> human, good, bad;
  std::vector<std::int64_t> doc;
  for (int d = 0; d < 40; ++d) {
    for (int s = 0; s < 8; ++s) {
      const double h = noise(engine);
      human.push_back(h);
      good.push_back(h + 0.3 * noise(engine));
      bad.push_back(h + 3.0 * noise(engine));
      doc.push_back(d);
    }
  }
  const auto groups = ps::grouping::of(doc);
  const ps::bootstrap_options o{500, 0.95, 42};
  const auto a = ps::summary_level_interval(ps::method::spearman, good, human, groups, o);
  const auto again = ps::summary_level_interval(ps::method::spearman, good, human, groups, o);
  EXPECT_EQ(a.low, again.low);
  EXPECT_EQ(a.high, again.high);
  EXPECT_LT(a.low, a.estimate);
  EXPECT_GT(a.high, a.estimate);
  EXPECT_EQ(a.resamples_used, 500U);
  const auto diff = ps::compare_correlations(ps::method::spearman, good, bad, human, groups, o);
  EXPECT_GT(diff.difference.low, 0.0);  // the less noisy metric correlates better, clearly
  EXPECT_LT(diff.p_value, 0.01);
  const auto same = ps::compare_correlations(ps::method::spearman, good, good, human, groups, o);
  EXPECT_EQ(same.difference.estimate, 0.0);
  EXPECT_EQ(same.p_value, 1.0);
}

TEST(Stats, CompareMeansOfAShiftedSystem) {
  const std::vector<double> a{0.5, 0.6, 0.7, 0.8}, b{0.4, 0.5, 0.6, 0.7};
  const auto r = ps::compare_means(a, b, {200, 0.9, 1});
  EXPECT_NEAR(r.difference.estimate, 0.1, 1e-12);
  EXPECT_NEAR(r.difference.low, 0.1, 1e-12);
  EXPECT_NEAR(r.difference.high, 0.1, 1e-12);
  EXPECT_EQ(r.p_value, 0.0);
  EXPECT_THROW(ps::compare_means(a, b, {0, 0.9, 1}), precis::error);
}
