// detail::redundant_sentences (include/precis/metrics/detail/redundancy.hpp) against the
// all-pairs loop it replaced, on thousands of seeded random inputs: small vocabularies (many
// shared stems), repeated and near-repeated sentences, tied and integer idf (shares exactly at
// the threshold), every threshold of the option's range.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "precis/metrics/detail/redundancy.hpp"

namespace {

using stem_lists = std::vector<std::vector<std::uint32_t>>;

// The obviously correct version: every earlier sentence in order, the first match wins.
std::vector<std::int64_t> all_pairs(const stem_lists& stems, const std::vector<double>& weight,
                                    const std::vector<double>& idf, double threshold) {
  std::vector<std::int64_t> out(stems.size(), -1);
  for (std::size_t b = 1; b < stems.size(); ++b) {
    for (std::size_t a = 0; a < b; ++a) {
      double shared = 0.0;
      const auto& x = stems[a];
      const auto& y = stems[b];
      for (std::size_t i = 0, j = 0; i < x.size() && j < y.size();) {
        if (x[i] < y[j]) {
          ++i;
        } else if (y[j] < x[i]) {
          ++j;
        } else {
          shared += idf[x[i]];
          ++i;
          ++j;
        }
      }
      const double lighter = std::min(weight[a], weight[b]);
      if (lighter > 0.0 && shared / lighter >= threshold) {
        out[b] = static_cast<std::int64_t>(a);
        break;
      }
    }
  }
  return out;
}

struct random_case {
  stem_lists stems;
  std::vector<double> weight, idf;
};

random_case make_case(std::mt19937& rng) {
  random_case c;
  const auto vocabulary = static_cast<std::uint32_t>(2 + rng() % 60);
  const int idf_kind = static_cast<int>(rng() % 3);
  for (std::uint32_t t = 0; t < vocabulary; ++t) {
    switch (idf_kind) {
      case 0:  // all tied
        c.idf.push_back(1.5);
        break;
      case 1:  // small integers: shares land exactly on thresholds
        c.idf.push_back(static_cast<double>(1 + rng() % 4));
        break;
      default:
        c.idf.push_back(0.05 + std::uniform_real_distribution<double>(0.0, 4.0)(rng));
    }
  }
  const std::size_t n = 1 + rng() % 240;  // both sides of k_all_pairs_up_to
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint32_t> s;
    if (i > 0 && rng() % 3 == 0) {  // a near-repeat of an earlier sentence
      s = c.stems[rng() % i];
      for (auto& t : s) {
        if (rng() % 4 == 0) t = static_cast<std::uint32_t>(rng() % vocabulary);
      }
      if (rng() % 3 == 0) s.push_back(static_cast<std::uint32_t>(rng() % vocabulary));
    } else {
      const std::size_t len = 1 + rng() % 20;
      for (std::size_t k = 0; k < len; ++k)
        s.push_back(static_cast<std::uint32_t>(rng() % vocabulary));
    }
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    double w = 0.0;
    for (const auto t : s) w += c.idf[t];
    c.stems.push_back(std::move(s));
    c.weight.push_back(w);
  }
  return c;
}

TEST(Redundancy, MatchesAllPairsOnRandomInputs) {
  std::mt19937 rng(20261203);
  const double thresholds[] = {0.05, 0.25, 1.0 / 3.0, 0.5, 0.6, 2.0 / 3.0, 0.75, 0.9, 1.0};
  std::size_t marked = 0, total = 0;
  for (int round = 0; round < 2000; ++round) {
    const auto c = make_case(rng);
    const double threshold = thresholds[rng() % std::size(thresholds)];
    const auto idf = [&](std::uint32_t t) { return c.idf[t]; };
    const auto fast =
        precis::metrics::detail::redundant_sentences(c.stems, c.weight, idf, threshold);
    const auto slow = all_pairs(c.stems, c.weight, c.idf, threshold);
    ASSERT_EQ(fast, slow) << "round " << round << ", threshold " << threshold;
    for (const auto r : slow) marked += r >= 0 ? 1 : 0;
    total += slow.size();
  }
  // The inputs exercise both outcomes often.
  EXPECT_GT(marked, total / 10);
  EXPECT_LT(marked, total * 9 / 10);
}

TEST(Redundancy, EdgeCases) {
  const auto idf = [](std::uint32_t) { return 1.0; };
  EXPECT_TRUE(precis::metrics::detail::redundant_sentences({}, {}, idf, 0.6).empty());
  const stem_lists one = {{1, 2}};
  EXPECT_EQ(precis::metrics::detail::redundant_sentences(one, std::vector<double>{2.0}, idf, 0.6),
            std::vector<std::int64_t>{-1});
  // Equal sentences repeat the first; a sentence inside a longer one repeats it (the lighter
  // one's share counts); exactly at the threshold counts.
  const stem_lists s = {{1, 2, 3, 4}, {1, 2, 3, 4}, {2, 3}, {4, 5, 6, 7}, {5, 6, 8, 9}};
  const std::vector<double> w = {4, 4, 2, 4, 4};
  EXPECT_EQ(precis::metrics::detail::redundant_sentences(s, w, idf, 0.5),
            (std::vector<std::int64_t>{-1, 0, 0, -1, 3}));
  EXPECT_EQ(precis::metrics::detail::redundant_sentences(s, w, idf, 1.0),
            (std::vector<std::int64_t>{-1, 0, 0, -1, -1}));
}

}  // namespace
