// Conciseness: fillers (built-in and extra), redundancy, length budget, compression, edges.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "precis/error.hpp"
#include "precis/metrics/conciseness.hpp"
#include "precis/metrics/grounded.hpp"

namespace pm = precis::metrics;
using precis::source_doc;

namespace {
std::vector<source_doc> one(const std::string& text) { return {{"1", text}}; }
const std::string k_source = "The cat sat on the mat while the dog slept by the door all day.";
}  // namespace

TEST(Conciseness, FillerHandComputed) {
  const std::string summary = "Basically, the cat sat.";
  const auto r = pm::conciseness(summary, one(k_source));
  EXPECT_EQ(r.filler_phrases, 1U);
  EXPECT_DOUBLE_EQ(r.filler_ratio, 0.25);  // 1 of 4 words
  EXPECT_DOUBLE_EQ(r.redundancy, 0.0);
  EXPECT_DOUBLE_EQ(r.score, 0.75);
  ASSERT_EQ(r.sentences.size(), 1U);
  ASSERT_EQ(r.sentences[0].fillers.size(), 1U);
  EXPECT_EQ(r.sentences[0].fillers[0], (pm::text_span{0, 9}));
  EXPECT_TRUE(r.sentences[0].flags & pm::flag_filler);
  EXPECT_DOUBLE_EQ(r.compression_ratio, 4.0 / 15.0);
  EXPECT_DOUBLE_EQ(r.information_density, 0.75);  // cat, sat, the in the source; "basically" not
}

TEST(Conciseness, LongestFillerWins) {
  const auto r = pm::conciseness("It is worth noting that the cat sat.", one(k_source));
  EXPECT_EQ(r.filler_phrases, 1U);
  EXPECT_DOUBLE_EQ(r.filler_ratio, 5.0 / 8.0);
}

TEST(Conciseness, FillerListsAndLanguages) {
  const auto en = pm::filler_phrases("en");
  EXPECT_NE(std::find(en.begin(), en.end(), "in order to"), en.end());
  EXPECT_NE(std::find(en.begin(), en.end(), "arguably"), en.end());
  pm::grounded_options none;
  none.filler_language = "none";
  EXPECT_EQ(pm::conciseness("Basically the cat sat.", one(k_source), none).filler_phrases, 0U);
  none.extra_fillers = {"the cat"};
  EXPECT_EQ(pm::conciseness("Basically the cat sat.", one(k_source), none).filler_phrases, 1U);
  pm::grounded_options unknown;
  unknown.filler_language = "xx";
  try {
    (void)pm::conciseness("x", {}, unknown);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(),
                 "[precis.invalid_argument] no built-in filler list for language 'xx' "
                 "(expected en, or none)");
  }
  EXPECT_THROW((void)pm::filler_phrases("xx"), precis::error);
}

TEST(Conciseness, RedundancyHandComputed) {
  // 12 tokens, 10 trigrams, 6 distinct: 4 repeat (0.4); sentence 2 repeats sentence 1 (1 of 2).
  const auto r = pm::conciseness("The cat sat on the mat. The cat sat on the mat.", one(k_source));
  EXPECT_DOUBLE_EQ(r.repeated_ngram_ratio, 0.4);
  EXPECT_EQ(r.redundant_sentences, 1U);
  EXPECT_DOUBLE_EQ(r.redundancy, 0.5);
  EXPECT_DOUBLE_EQ(r.score, 0.5);
  ASSERT_EQ(r.sentences.size(), 2U);
  EXPECT_EQ(r.sentences[1].redundant_with, 0);
  EXPECT_TRUE(r.sentences[1].flags & pm::flag_redundant);
  EXPECT_EQ(r.sentences[0].redundant_with, -1);
}

TEST(Conciseness, LengthBudget) {
  pm::grounded_options o;
  o.budget = 2.0;
  const auto r = pm::conciseness("the cat sat on the mat", one(k_source), o);
  EXPECT_DOUBLE_EQ(r.length, 6.0);
  EXPECT_NEAR(r.length_penalty, std::exp(1.0 - 3.0), 1e-15);
  EXPECT_NEAR(r.score, std::exp(-2.0), 1e-15);
  o.budget = 6.0;
  EXPECT_DOUBLE_EQ(pm::conciseness("the cat sat on the mat", one(k_source), o).length_penalty, 1.0);
  o.budget_unit = pm::length_unit::characters;
  o.budget = 11.0;
  const auto c = pm::conciseness("the cat sat on the mat", one(k_source), o);
  EXPECT_DOUBLE_EQ(c.length, 22.0);
  EXPECT_NEAR(c.length_penalty, std::exp(-1.0), 1e-15);
  o.budget_unit = pm::length_unit::tokens;
  EXPECT_DOUBLE_EQ(pm::conciseness("Well, the cat sat.", one(k_source), o).length, 6.0);
  o.budget_unit = pm::length_unit::sentences;
  o.budget = 1.0;
  EXPECT_DOUBLE_EQ(pm::conciseness("A cat. A dog.", one(k_source), o).length, 2.0);
  o.budget = 0.0;
  try {
    (void)pm::conciseness("x", {}, o);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.invalid_argument] budget must be > 0");
  }
}

TEST(Conciseness, EdgeValues) {
  const auto empty = pm::conciseness("", one(k_source));
  EXPECT_TRUE(std::isnan(empty.score));  // nothing to judge: NaN, not 0
  EXPECT_EQ(empty.filler_ratio, 0.0);
  EXPECT_EQ(empty.redundancy, 0.0);
  const auto no_source = pm::conciseness("the cat sat", {});
  EXPECT_EQ(no_source.compression_ratio, 0.0);
  EXPECT_DOUBLE_EQ(no_source.score, 1.0);
  const auto word = pm::conciseness("cat", one(k_source));
  EXPECT_DOUBLE_EQ(word.score, 1.0);
  EXPECT_DOUBLE_EQ(word.information_density, 1.0);
}

TEST(Conciseness, ScorerAgreesWithFreeFunction) {
  pm::grounded_options o;
  o.budget = 5.0;
  const pm::grounded_scorer scorer(one(k_source), "", o);
  for (const std::string s :
       {"Basically the cat sat on the mat all day long.", "", "cat cat cat"}) {
    const auto a = pm::conciseness(s, one(k_source), o);
    const auto b = scorer.conciseness(s);
    EXPECT_TRUE(a.score == b.score || (std::isnan(a.score) && std::isnan(b.score)));
    EXPECT_EQ(a.redundancy, b.redundancy);
    EXPECT_EQ(a.length_penalty, b.length_penalty);
  }
}
