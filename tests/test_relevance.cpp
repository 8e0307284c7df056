// Contextual relevance: hand-computed values, identity, position and query effects, cached vs
// free function, and the batch engine (no references needed).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "precis/error.hpp"
#include "precis/metrics/grounded.hpp"
#include "precis/metrics/relevance.hpp"
#include "precis/score.hpp"

namespace pm = precis::metrics;
using precis::source_doc;

namespace {
std::vector<source_doc> one(const std::string& text) { return {{"1", text}}; }

const std::string k_article =
    "Heavy rain flooded the river valley on Monday. Farmers lost most of their wheat harvest. "
    "The regional council promised emergency funds for repairs. Volunteers handed out blankets "
    "at the school gym. A local bakery donated bread to families.";
}  // namespace

TEST(Relevance, HandComputedOneSentenceSource) {
  // One source sentence: every stem has idf ln(1 + 0.5/1.5) = ln(4/3) and the same salience, so
  // any summary with a source term covers as much as it could with as many source terms.
  const auto a = pm::relevance("alpha", one("alpha beta gamma"));
  EXPECT_DOUBLE_EQ(a.diversity, 1.0);  // one token
  EXPECT_DOUBLE_EQ(a.coverage, 1.0);
  EXPECT_DOUBLE_EQ(a.score, 1.0);
  EXPECT_DOUBLE_EQ(a.alignment, 1.0);
  // "delta" is in no source: it is not counted by coverage (faithfulness judges it).
  const auto b = pm::relevance("alpha delta", one("alpha beta gamma"));
  EXPECT_DOUBLE_EQ(b.coverage, 1.0);
  EXPECT_DOUBLE_EQ(b.diversity, 1.0);  // two distinct stems: H = ln 2 = ln(tokens)
  EXPECT_DOUBLE_EQ(b.score, 1.0);
  const double support = std::log(4.0 / 3.0) / (std::log(4.0 / 3.0) + std::log(4.0));
  EXPECT_NEAR(b.alignment, support, 1e-12);
  EXPECT_DOUBLE_EQ(b.query_coverage, 0.0);
}

TEST(Relevance, CoverageHandComputedTwoSentences) {
  // Source sentences "Alpha beta." (position 0) and "Alpha gamma." (position 1), N = 2:
  // idf(alpha) = ln(1 + 0.5 / 2.5) = ln 1.2, idf(beta) = idf(gamma) = ln(1 + 1.5 / 1.5) = ln 2.
  // Both sentences have the same centrality, so salience 1 and 1 / sqrt(2) (position prior).
  // Masses w(t) = idf(t) * sum of the salience of its sentences:
  const double s2 = 1.0 / std::sqrt(2.0);
  const double alpha = std::log(1.2) * (1.0 + s2), beta = std::log(2.0), gamma = std::log(2.0) * s2;
  ASSERT_GT(beta, gamma);
  ASSERT_GT(gamma, alpha);
  const std::string source = "Alpha beta. Alpha gamma.";
  // One source term (delta is in none): gamma's mass over the best single mass, beta's.
  const auto one_term = pm::relevance("Gamma delta.", one(source));
  EXPECT_NEAR(one_term.coverage, gamma / beta, 1e-12);  // = 1 / sqrt(2)
  EXPECT_NEAR(one_term.score, gamma / beta, 1e-12);     // no redundancy, diversity 1
  const auto two_terms = pm::relevance("Gamma alpha.", one(source));
  EXPECT_NEAR(two_terms.coverage, (gamma + alpha) / (beta + gamma), 1e-12);
  const auto best = pm::relevance("Beta gamma.", one(source));
  EXPECT_DOUBLE_EQ(best.coverage, 1.0);
}

TEST(Relevance, DiversityHandComputed) {
  // "the cat saw the dog": stems the x2, cat, saw, dog over 5 tokens.
  // H = -(2/5 ln(2/5) + 3 * 1/5 ln(1/5)); diversity = H / ln 5. Summary == one-sentence source:
  // coverage 1, no repeated trigram, so the score is the diversity.
  const auto r = pm::relevance("the cat saw the dog", one("the cat saw the dog"));
  const double h = -(0.4 * std::log(0.4) + 3 * 0.2 * std::log(0.2));
  EXPECT_NEAR(r.diversity, h / std::log(5.0), 1e-12);
  EXPECT_DOUBLE_EQ(r.coverage, 1.0);
  EXPECT_DOUBLE_EQ(r.redundancy, 0.0);
  EXPECT_NEAR(r.score, h / std::log(5.0), 1e-12);
  // Repeating a word lowers it; all-distinct words give 1.
  EXPECT_LT(pm::relevance("dog dog dog cat", one("the cat saw the dog")).diversity, 0.9);
  EXPECT_DOUBLE_EQ(pm::relevance("the cat saw", one("the cat saw the dog")).diversity, 1.0);
  EXPECT_EQ(pm::relevance("", one("the cat")).diversity, 0.0);
}

TEST(Relevance, IdentityCoversEverything) {
  const auto r = pm::relevance(k_article, one(k_article));
  EXPECT_DOUBLE_EQ(r.coverage, 1.0);
  EXPECT_DOUBLE_EQ(r.redundancy, 0.0);
  // Not 1: the article repeats words ("the"), which the diversity factor counts.
  EXPECT_GT(r.diversity, 0.9);
  EXPECT_LT(r.diversity, 1.0);
  EXPECT_DOUBLE_EQ(r.score, r.diversity);
  ASSERT_EQ(r.sentences.size(), 5U);
  for (const auto& s : r.sentences) EXPECT_DOUBLE_EQ(s.support, 1.0);
}

TEST(Relevance, LeadContentBeatsLateDetail) {
  const auto lead = pm::relevance("Heavy rain flooded the river valley on Monday.", one(k_article));
  const auto late = pm::relevance("A local bakery donated bread to families.", one(k_article));
  EXPECT_GT(lead.score, late.score);
  EXPECT_GT(lead.alignment, late.alignment);
}

TEST(Relevance, QueryShiftsSalience) {
  const std::string summary = "A local bakery donated bread to families.";
  const auto plain = pm::relevance(summary, one(k_article));
  const auto asked = pm::relevance(summary, one(k_article), "Which bakery donated bread?");
  EXPECT_GT(asked.alignment, plain.alignment);
  // bakery, donated, bread; "which" is in no source, so it is not counted.
  EXPECT_DOUBLE_EQ(asked.query_coverage, 1.0);
}

TEST(Relevance, RepetitionLowersRelevance) {
  const std::string once = "Heavy rain flooded the river valley on Monday.";
  const auto a = pm::relevance(once, one(k_article));
  const auto b = pm::relevance(once + " " + once, one(k_article));
  EXPECT_LT(b.score, a.score);
  EXPECT_DOUBLE_EQ(b.redundancy, 0.5);  // sentence 2 of 2 repeats sentence 1 (trigrams: 6/14)
}

TEST(Relevance, EdgeValues) {
  const auto empty = pm::relevance("", one(k_article));
  EXPECT_EQ(empty.score, 0.0);
  EXPECT_EQ(empty.coverage, 0.0);
  EXPECT_EQ(empty.alignment, 0.0);
  const auto no_source = pm::relevance("the cat", {});
  EXPECT_EQ(no_source.score, 0.0);
  EXPECT_FALSE(std::isnan(no_source.coverage));
}

TEST(Relevance, ScorerAgreesWithFreeFunctionAndIsConst) {
  const pm::grounded_scorer scorer(one(k_article), "rain damage");
  for (const std::string s : {"Rain flooded the valley.", "Bread was donated.", ""}) {
    const auto a = pm::relevance(s, one(k_article), "rain damage");
    const auto b = scorer.relevance(s);
    EXPECT_EQ(a.score, b.score);
    EXPECT_EQ(a.alignment, b.alignment);
    EXPECT_EQ(a.coverage, b.coverage);
    EXPECT_EQ(a.query_coverage, b.query_coverage);
    EXPECT_EQ(a.diversity, b.diversity);
  }
  const std::vector<std::string> batch{"Rain flooded the valley.", "Bread was donated.",
                                       std::string("bad \xff utf8")};
  const auto items = scorer.score_batch(batch, 2);
  ASSERT_EQ(items.size(), 3U);
  EXPECT_EQ(items[0].result.relevance.score, scorer.relevance(batch[0]).score);
  EXPECT_TRUE(items[1].error.empty());
  EXPECT_EQ(items[2].error, "[precis.invalid_utf8] summary 2: summary: invalid UTF-8 at byte 4");
}

TEST(Relevance, InvalidSourceIsNamed) {
  try {
    const std::vector<source_doc> bad{{"doc-9", std::string("ok \xc3")}};
    (void)pm::relevance("x", bad);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.invalid_utf8] source 'doc-9': invalid UTF-8 at byte 3");
  }
}

TEST(ScoreRecords, GroundedMetricsNeedNoReferences) {
  std::vector<precis::record> records(3);
  records[0] = {"a", "Rain flooded the valley.", {}, {{"1", k_article}}, ""};
  records[1] = {"b", "Bread was donated.", {}, {{"1", k_article}}, ""};
  records[2] = {"c", "Rain.", {}, {{"1", std::string("bad \xff")}}, ""};
  precis::score_options options;
  options.metrics = {"relevance", "faithfulness", "conciseness"};
  const auto table = precis::score_records(records, options, 2);
  ASSERT_EQ(table.rows(), 3U);
  EXPECT_EQ(table.columns, pm::grounded_columns(true, true, true));
  EXPECT_TRUE(table.errors[0].empty());
  EXPECT_TRUE(table.errors[1].empty());
  EXPECT_EQ(table.errors[2],
            "[precis.invalid_utf8] record 2 (id 'c'), source '1': invalid UTF-8 at byte 4");
  EXPECT_EQ(table.at(0, 0), pm::relevance(records[0].summary, records[0].sources).score);
  EXPECT_TRUE(std::isnan(table.at(2, 0)));
  ASSERT_EQ(table.corpus.size(), 3U);
  EXPECT_EQ(table.corpus[0].first, "relevance");
  EXPECT_DOUBLE_EQ(table.corpus[0].second, (table.at(0, 0) + table.at(1, 0)) / 2);
  // A record without sources is an error for these metrics (a wrong field name, usually).
  std::vector<precis::record> no_sources(1);
  no_sources[0] = {"d", "Rain.", {}, {}, ""};
  EXPECT_EQ(precis::score_records(no_sources, options, 1).errors[0],
            "[precis.invalid_argument] record 0 (id 'd'), field 'sources' is empty: relevance, "
            "faithfulness and conciseness need at least one source");
  // Reference-based metrics still ask for references.
  options.metrics = {"rouge1", "relevance"};
  const auto mixed = precis::score_records(records, options, 1);
  EXPECT_NE(mixed.errors[0].find("field 'references' is empty"), std::string::npos);
}

TEST(Relevance, SharedScorerIsThreadSafe) {
  const pm::grounded_scorer scorer(one(k_article), "rain");
  std::vector<std::string> summaries;
  for (int i = 0; i < 300; ++i) {
    summaries.push_back(std::to_string(i) + " farmers lost wheat. Rain flooded the valley " +
                        std::to_string(i % 7) + " times.");
  }
  const auto parallel = scorer.score_batch(summaries, 4);
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const auto one_by_one = scorer.score(summaries[i]);
    EXPECT_EQ(parallel[i].result.relevance.score, one_by_one.relevance.score);
    EXPECT_EQ(parallel[i].result.faithfulness.score, one_by_one.faithfulness.score);
    EXPECT_EQ(parallel[i].result.conciseness.score, one_by_one.conciseness.score);
  }
}
