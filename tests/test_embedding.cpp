// Tests of precis/metrics/embedding.hpp: every kernel against slow plain-loop twins on seeded
// random matrices, hand-computed values, edge values, batch == single, the text scorer's
// properties (identity, ranking, chunking) and the error messages word for word.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/metrics/embedding.hpp"

namespace pe = precis::embed;
namespace pm = precis::metrics;

namespace {

std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const precis::error& e) {
    return e.what();
  }
  return "no error";
}

pe::row_matrix random_matrix(std::mt19937& rng, Eigen::Index rows, Eigen::Index cols) {
  std::normal_distribution<float> g(0.0F, 1.0F);
  pe::row_matrix m(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (Eigen::Index c = 0; c < cols; ++c) m(r, c) = g(rng);
  }
  if (rows > 2 && rng() % 4 == 0) m.row(rows / 2).setZero();
  return m;
}

// Slow twins: plain loops in double.
double ref_cos(const pe::row_matrix& a, Eigen::Index i, const pe::row_matrix& b, Eigen::Index j) {
  double dot = 0, na = 0, nb = 0;
  for (Eigen::Index k = 0; k < a.cols(); ++k) {
    dot += double(a(i, k)) * b(j, k);
    na += double(a(i, k)) * a(i, k);
    nb += double(b(j, k)) * b(j, k);
  }
  return (na == 0 || nb == 0) ? 0.0 : dot / std::sqrt(na) / std::sqrt(nb);
}

double ref_greedy(const pe::row_matrix& x, const pe::row_matrix& y, const std::vector<float>& w) {
  double num = 0, den = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double best = -2;
    for (Eigen::Index j = 0; j < y.rows(); ++j) best = std::max(best, ref_cos(x, i, y, j));
    const double wi = w.empty() ? 1.0 : w[static_cast<std::size_t>(i)];
    num += wi * best;
    den += wi;
  }
  return num / den;
}

std::vector<float> random_weights(std::mt19937& rng, Eigen::Index n) {
  std::vector<float> w(static_cast<std::size_t>(n));
  for (auto& v : w) v = static_cast<float>(rng() % 5) + 0.5F;
  return w;
}

}  // namespace

TEST(CosineSimilarity, HandComputed) {
  pe::row_matrix a(3, 2), b(1, 2);
  a << 1, 0, 0, 2, 0, 0;
  b << 1, 1;
  const auto s = pm::cosine_similarity(a, b);
  ASSERT_EQ(s.rows(), 3);
  ASSERT_EQ(s.cols(), 1);
  EXPECT_NEAR(s(0, 0), std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(s(1, 0), std::sqrt(0.5), 1e-6);
  EXPECT_EQ(s(2, 0), 0.0F);  // a zero row: 0, not NaN
}

TEST(CosineSimilarity, MatchesReferenceOnRandomInputs) {
  std::mt19937 rng(1);
  for (int trial = 0; trial < 300; ++trial) {
    const auto m = static_cast<Eigen::Index>(1 + rng() % 40);
    const auto n = static_cast<Eigen::Index>(1 + rng() % 40);
    const auto d = static_cast<Eigen::Index>(1 + rng() % 50);
    const auto a = random_matrix(rng, m, d);
    const auto b = random_matrix(rng, n, d);
    const auto threads = static_cast<unsigned>(1 + rng() % 3);
    const auto s = pm::cosine_similarity(a, b, threads);
    for (Eigen::Index i = 0; i < m; ++i) {
      for (Eigen::Index j = 0; j < n; ++j) ASSERT_NEAR(s(i, j), ref_cos(a, i, b, j), 2e-5);
    }
  }
  // Large enough for the threaded path to split rows.
  const auto a = random_matrix(rng, 700, 33);
  const auto b = random_matrix(rng, 90, 33);
  EXPECT_LT((pm::cosine_similarity(a, b, 4) - pm::cosine_similarity(a, b, 1)).cwiseAbs().maxCoeff(),
            1e-6F);
}

TEST(CosineSimilarity, Errors) {
  pe::row_matrix a = pe::row_matrix::Ones(2, 3), b = pe::row_matrix::Ones(2, 4);
  EXPECT_EQ(expect_error([&] { (void)pm::cosine_similarity(a, b); }),
            "[precis.invalid_argument] a has dimension 3 but b has dimension 4");
  EXPECT_EQ(expect_error([&] { (void)pm::cosine_similarity(pe::row_matrix(0, 3), a); }),
            "[precis.invalid_argument] a: empty matrix (0 x 3)");
  b = pe::row_matrix::Ones(2, 3);
  b(1, 2) = std::nanf("");
  EXPECT_EQ(expect_error([&] { (void)pm::align_sentences(a, b); }),
            "[precis.invalid_argument] source: row 1 column 2 is NaN");
}

TEST(Alignment, HandComputed) {
  pe::row_matrix sum(2, 2), src(3, 2);
  sum << 1, 0, 0, 1;
  src << 0, 3, 1, 1, 2, 0;
  const auto r = pm::align_sentences(sum, src);
  EXPECT_EQ(r.best_source, (std::vector<std::uint32_t>{2, 0}));
  EXPECT_FLOAT_EQ(r.best_score[0], 1.0F);
  EXPECT_FLOAT_EQ(r.best_score[1], 1.0F);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_DOUBLE_EQ(r.min_support, 1.0);
  EXPECT_NEAR(r.coverage, (1.0 + std::sqrt(0.5) + 1.0) / 3.0, 1e-6);
  EXPECT_NEAR(r.covered_fraction, 1.0, 1e-12);
  pm::alignment_options o;
  o.coverage_threshold = 0.9F;
  EXPECT_NEAR(pm::align_sentences(sum, src, o).covered_fraction, 2.0 / 3.0, 1e-12);
}

TEST(Alignment, MatchesReferenceAndBatchEqualsSingle) {
  std::mt19937 rng(2);
  const Eigen::Index d = 12;
  std::vector<std::size_t> so{0}, to{0};
  std::vector<pe::row_matrix> sums, srcs;
  for (int rec = 0; rec < 200; ++rec) {
    sums.push_back(random_matrix(rng, 1 + rng() % 6, d));
    srcs.push_back(random_matrix(rng, 1 + rng() % 20, d));
    so.push_back(so.back() + static_cast<std::size_t>(sums.back().rows()));
    to.push_back(to.back() + static_cast<std::size_t>(srcs.back().rows()));
  }
  pe::row_matrix all_sum(static_cast<Eigen::Index>(so.back()), d);
  pe::row_matrix all_src(static_cast<Eigen::Index>(to.back()), d);
  for (std::size_t i = 0; i < sums.size(); ++i) {
    all_sum.middleRows(static_cast<Eigen::Index>(so[i]), sums[i].rows()) = sums[i];
    all_src.middleRows(static_cast<Eigen::Index>(to[i]), srcs[i].rows()) = srcs[i];
  }
  const auto batch = pm::align_sentences_batch(all_sum, so, all_src, to, {}, 3);
  ASSERT_EQ(batch.size(), sums.size());
  for (std::size_t i = 0; i < sums.size(); ++i) {
    const auto r = pm::align_sentences(sums[i], srcs[i]);
    EXPECT_EQ(r.best_source, batch[i].best_source);
    EXPECT_EQ(r.score, batch[i].score);
    double total = 0, cov = 0;
    for (Eigen::Index a = 0; a < sums[i].rows(); ++a) {
      double best = -2;
      for (Eigen::Index b = 0; b < srcs[i].rows(); ++b)
        best = std::max(best, ref_cos(sums[i], a, srcs[i], b));
      ASSERT_NEAR(r.best_score[static_cast<std::size_t>(a)], best, 2e-5);
      ASSERT_NEAR(ref_cos(sums[i], a, srcs[i], r.best_source[static_cast<std::size_t>(a)]), best,
                  2e-5);
      total += best;
    }
    for (Eigen::Index b = 0; b < srcs[i].rows(); ++b) {
      double best = -2;
      for (Eigen::Index a = 0; a < sums[i].rows(); ++a)
        best = std::max(best, ref_cos(sums[i], a, srcs[i], b));
      cov += best;
    }
    ASSERT_NEAR(r.score, total / double(sums[i].rows()), 2e-5);
    ASSERT_NEAR(r.coverage, cov / double(srcs[i].rows()), 2e-5);
  }
  std::vector<std::size_t> bad = so;
  bad[3] = bad[2];
  EXPECT_EQ(expect_error([&] { (void)pm::align_sentences_batch(all_sum, bad, all_src, to); }),
            "[precis.invalid_argument] summary_offsets: record 2 is empty or offsets decrease (" +
                std::to_string(so[2]) + ", " + std::to_string(so[2]) + ")");
  std::vector<std::size_t> short_to(to.begin(), to.end() - 1);
  short_to.back() = to.back();
  EXPECT_EQ(
      expect_error([&] { (void)pm::align_sentences_batch(all_sum, so, all_src, short_to); }),
      "[precis.invalid_argument] summary_offsets describe 200 records but source_offsets 199");
}

TEST(BertScore, HandComputedAndRescaled) {
  pe::row_matrix x(2, 2), y(1, 2);
  x << 1, 0, 0, 1;
  y << 1, 0;
  auto r = pm::bertscore(x, y);
  EXPECT_DOUBLE_EQ(r.precision, 0.5);  // (1 + 0) / 2
  EXPECT_DOUBLE_EQ(r.recall, 1.0);
  EXPECT_NEAR(r.f1, 2.0 * 0.5 / 1.5, 1e-12);
  const std::vector<float> w = {3.0F, 1.0F};
  r = pm::bertscore(x, y, w);
  EXPECT_DOUBLE_EQ(r.precision, 0.75);
  r = pm::bertscore(x, y, {}, {}, pm::bertscore_baseline{0.5, 0.5, 0.5});
  EXPECT_DOUBLE_EQ(r.precision, 0.0);
  EXPECT_DOUBLE_EQ(r.recall, 1.0);
  const std::vector<float> zeros = {0.0F, 0.0F};
  EXPECT_DOUBLE_EQ(pm::bertscore(x, y, zeros).precision, 0.5);  // weights sum 0: uniform
  const auto same = pm::bertscore(x, x);
  EXPECT_DOUBLE_EQ(same.f1, 1.0);
  const std::vector<float> neg = {1.0F, -1.0F};
  EXPECT_EQ(expect_error([&] { (void)pm::bertscore(x, y, neg); }),
            "[precis.invalid_argument] summary_weights: value 1 is negative or not finite");
  EXPECT_EQ(expect_error([&] { (void)pm::bertscore(x, y, {}, neg); }),
            "[precis.invalid_argument] source_weights has 2 values for 1 rows");
  EXPECT_EQ(expect_error([&] {
              (void)pm::bertscore(x, y, {}, {}, pm::bertscore_baseline{1.0, 0.0, 0.0});
            }),
            "[precis.invalid_argument] bertscore: baseline values must be < 1");
}

TEST(BertScore, MatchesReferenceOnRandomInputs) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 400; ++trial) {
    const auto d = static_cast<Eigen::Index>(1 + rng() % 20);
    const auto x = random_matrix(rng, 1 + rng() % 30, d);
    const auto y = random_matrix(rng, 1 + rng() % 60, d);
    const bool weighted = rng() % 2 == 0;
    const auto wx = weighted ? random_weights(rng, x.rows()) : std::vector<float>{};
    const auto wy = weighted ? random_weights(rng, y.rows()) : std::vector<float>{};
    const auto r = pm::bertscore(x, y, wx, wy);
    const double p = ref_greedy(x, y, wx), rc = ref_greedy(y, x, wy);
    ASSERT_NEAR(r.precision, p, 2e-5);
    ASSERT_NEAR(r.recall, rc, 2e-5);
    if (p + rc > 0) {
      ASSERT_NEAR(r.f1, 2 * p * rc / (p + rc), 5e-5);
    }
  }
}

TEST(DocumentCosine, Aggregations) {
  pe::row_matrix s(1, 2), src(3, 2);
  s << 1, 0;
  src << 1, 0, 0, 1, 1, 1;
  auto r = pm::document_cosine(s, src, pm::source_aggregation::max);
  ASSERT_EQ(r.per_source.size(), 3U);
  EXPECT_NEAR(r.per_source[2], std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(r.score, 1.0, 1e-6);
  r = pm::document_cosine(s, src, pm::source_aggregation::mean);
  EXPECT_NEAR(r.score, (1.0 + 0.0 + std::sqrt(0.5)) / 3.0, 1e-6);
  r = pm::document_cosine(s, src, pm::source_aggregation::centroid);
  // centroid of the normalized rows: (1 + .7071, 1 + .7071) / 3 -> direction (1, 1)
  EXPECT_NEAR(r.score, std::sqrt(0.5), 1e-6);
  const std::vector<std::size_t> offsets = {0, 2, 3};  // source 0 = chunks 0 and 1
  r = pm::document_cosine(s, src, pm::source_aggregation::mean, offsets);
  ASSERT_EQ(r.per_source.size(), 2U);
  EXPECT_NEAR(r.per_source[0], 1.0, 1e-6);
  EXPECT_NEAR(r.score, (1.0 + std::sqrt(0.5)) / 2.0, 1e-6);
  const std::vector<std::size_t> bad = {0, 2};
  EXPECT_EQ(
      expect_error([&] { (void)pm::document_cosine(s, src, pm::source_aggregation::max, bad); }),
      "[precis.invalid_argument] source_offsets must start at 0 and end at 3 (the number "
      "of rows)");
}

TEST(EmbeddingScorer, IdentityRankingAndEdges) {
  const auto enc = std::make_shared<pe::hashed_encoder>();
  const std::vector<std::string> sources = {
      "The city council approved the new budget on Monday. Spending on schools rises by ten "
      "percent. Critics said the plan ignores public transport."};
  const pm::embedding_scorer scorer(enc, sources);
  const auto same = scorer.score(sources[0]);
  EXPECT_NEAR(same.document.score, 1.0, 1e-5);
  EXPECT_NEAR(same.alignment.score, 1.0, 1e-5);
  EXPECT_NEAR(same.alignment.coverage, 1.0, 1e-5);
  EXPECT_NEAR(same.bertscore.f1, 1.0, 1e-5);
  EXPECT_EQ(same.alignment.best_source, (std::vector<std::uint32_t>{0, 1, 2}));
  ASSERT_EQ(scorer.source_sentences().size(), 3U);

  const auto good = scorer.score("The council approved a budget that raises school spending.");
  const auto bad = scorer.score("A volcano erupted near the island, forcing tourists to flee.");
  EXPECT_GT(good.document.score, bad.document.score);
  EXPECT_GT(good.alignment.score, bad.alignment.score);
  EXPECT_GT(good.bertscore.f1, bad.bertscore.f1);
  EXPECT_EQ(good.alignment.best_source.size(), 1U);

  const auto empty = scorer.score("  ...  ");
  EXPECT_EQ(empty.document.score, 0.0);
  EXPECT_EQ(empty.alignment.score, 0.0);
  EXPECT_EQ(empty.bertscore.f1, 0.0);

  const std::vector<std::string> summaries = {"The council approved a budget.", "bad \xff byte",
                                              sources[0]};
  const auto batch = scorer.score_batch(summaries, 2);
  ASSERT_EQ(batch.size(), 3U);
  ASSERT_TRUE(batch[0].result);
  EXPECT_EQ(batch[0].result->bertscore.f1, scorer.score(summaries[0]).bertscore.f1);
  EXPECT_FALSE(batch[1].result);
  EXPECT_EQ(batch[1].error, "[precis.invalid_utf8] record 1: summary: invalid UTF-8 at byte 4");
  EXPECT_NEAR(batch[2].result->document.score, 1.0, 1e-5);
}

TEST(EmbeddingScorer, ChunkingAndBatch) {
  const auto enc = std::make_shared<pe::hashed_encoder>();
  std::string longsrc;
  for (int i = 0; i < 10; ++i)
    longsrc += "Sentence number " + std::to_string(i) + " talks about topic " +
               std::to_string(i * 7) + ". ";
  longsrc += "The final sentence mentions elephants in Kenya.";
  pm::embedding_options o;
  o.chunk_sentences = 3;
  const std::vector<std::string> sources = {longsrc};
  const pm::embedding_scorer chunked(enc, sources, o);
  const pm::embedding_scorer whole(enc, sources);
  const auto a = chunked.score("Elephants in Kenya.");
  const auto b = whole.score("Elephants in Kenya.");
  EXPECT_GT(a.document.score, b.document.score);  // the matching window stands out
  EXPECT_EQ(a.bertscore.f1, b.bertscore.f1);

  const std::vector<std::string> summaries = {"Elephants in Kenya.", "x"};
  const std::vector<std::vector<std::string>> srcs = {sources, {}};
  const auto out = pm::embedding_batch(enc, summaries, srcs, o, 2);
  ASSERT_TRUE(out[0].result);
  EXPECT_EQ(out[0].result->document.score, a.document.score);
  EXPECT_EQ(
      out[1].error,
      "[precis.invalid_argument] record 1: embedding scorer: at least one source is required");
  EXPECT_EQ(expect_error([&] { (void)pm::embedding_batch(enc, summaries, {}, o); }),
            "[precis.invalid_argument] embedding_batch: 2 summaries but 0 source lists");
}

TEST(BertScore, BatchEqualsSingle) {
  std::mt19937 rng(9);
  const Eigen::Index d = 7;
  std::vector<std::size_t> xo{0}, yo{0};
  std::vector<pe::row_matrix> xs, ys;
  for (int rec = 0; rec < 60; ++rec) {
    xs.push_back(random_matrix(rng, static_cast<Eigen::Index>(1 + rng() % 8), d));
    ys.push_back(random_matrix(rng, static_cast<Eigen::Index>(1 + rng() % 15), d));
    xo.push_back(xo.back() + static_cast<std::size_t>(xs.back().rows()));
    yo.push_back(yo.back() + static_cast<std::size_t>(ys.back().rows()));
  }
  pe::row_matrix x(static_cast<Eigen::Index>(xo.back()), d),
      y(static_cast<Eigen::Index>(yo.back()), d);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    x.middleRows(static_cast<Eigen::Index>(xo[i]), xs[i].rows()) = xs[i];
    y.middleRows(static_cast<Eigen::Index>(yo[i]), ys[i].rows()) = ys[i];
  }
  const auto wx = random_weights(rng, x.rows());
  const auto wy = random_weights(rng, y.rows());
  const auto batch = pm::bertscore_batch(x, xo, y, yo, wx, wy, {}, 3);
  ASSERT_EQ(batch.size(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const auto one =
        pm::bertscore(xs[i], ys[i], std::span<const float>(wx).subspan(xo[i], xo[i + 1] - xo[i]),
                      std::span<const float>(wy).subspan(yo[i], yo[i + 1] - yo[i]));
    EXPECT_EQ(batch[i].f1, one.f1);
    EXPECT_EQ(batch[i].precision, one.precision);
    EXPECT_EQ(batch[i].recall, one.recall);
  }
}

TEST(RelaxedWmd, HandComputedAndReference) {
  pe::row_matrix x(2, 2), y(1, 2);
  x << 0, 0, 3, 4;
  y << 0, 0;
  const auto r = pm::relaxed_wmd(x, y);
  EXPECT_DOUBLE_EQ(r.summary_to_source, 2.5);  // (0 + 5) / 2
  EXPECT_DOUBLE_EQ(r.source_to_summary, 0.0);
  EXPECT_DOUBLE_EQ(r.distance, 2.5);
  EXPECT_DOUBLE_EQ(pm::relaxed_wmd(x, x).distance, 0.0);
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const auto d = static_cast<Eigen::Index>(1 + rng() % 10);
    const auto a = random_matrix(rng, static_cast<Eigen::Index>(1 + rng() % 12), d);
    const auto b = random_matrix(rng, static_cast<Eigen::Index>(1 + rng() % 12), d);
    const auto wa = random_weights(rng, a.rows());
    const auto wb = random_weights(rng, b.rows());
    double num = 0, den = 0;
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      double best = 1e300;
      for (Eigen::Index j = 0; j < b.rows(); ++j) {
        double s2 = 0;
        for (Eigen::Index k = 0; k < d; ++k) s2 += std::pow(double(a(i, k)) - b(j, k), 2);
        best = std::min(best, std::sqrt(s2));
      }
      num += wa[static_cast<std::size_t>(i)] * best;
      den += wa[static_cast<std::size_t>(i)];
    }
    const auto got = pm::relaxed_wmd(a, b, wa, wb);
    ASSERT_NEAR(got.summary_to_source, num / den, 2e-3);
    ASSERT_GE(got.distance, got.source_to_summary);
  }
}
