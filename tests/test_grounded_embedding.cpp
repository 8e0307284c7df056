// Embedding support in the source-grounded metrics (grounded_options::encoder): the default stays
// lexical, identity, a paraphrase through a tiny hand-made encoder (hand-checked cosines), the
// max and mix combinations, the unsupported flag, edges and scorer / free-function agreement.
#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/metrics/faithfulness.hpp"
#include "precis/metrics/grounded.hpp"

namespace pe = precis::embed;
namespace pm = precis::metrics;
using precis::source_doc;

namespace {

constexpr char k_source[] = "The cat sat on the mat. The dog barked loudly.";

// Two "concept" dimensions: cat -> (1, 0), dog -> (0, 1), feline -> (0.8, 0.6); anything else
// is the zero vector. So cos(feline, cat sentence) = 0.8 and cos(feline, dog sentence) = 0.6.
std::shared_ptr<const pe::encoder> concept_encoder() {
  return std::make_shared<pe::callback_encoder>(
      "test-concepts", 2, [](std::span<const std::string_view> texts) {
        pe::row_matrix m = pe::row_matrix::Zero(static_cast<Eigen::Index>(texts.size()), 2);
        for (std::size_t i = 0; i < texts.size(); ++i) {
          const auto row = static_cast<Eigen::Index>(i);
          const std::string_view t = texts[i];
          if (t.find("feline") != std::string_view::npos) {
            m(row, 0) = 0.8F;
            m(row, 1) = 0.6F;
          } else if (t.find("cat") != std::string_view::npos) {
            m(row, 0) = 1.0F;
          } else if (t.find("dog") != std::string_view::npos) {
            m(row, 1) = 1.0F;
          }
        }
        return m;
      });
}

pm::grounded_options with_encoder(pm::support_combination combine, double weight = 0.5) {
  pm::grounded_options o;
  o.encoder = concept_encoder();
  o.combine = combine;
  o.embedding_weight = weight;
  return o;
}

std::vector<source_doc> one(const std::string& text) { return {{"1", text}}; }

}  // namespace

TEST(GroundedEmbedding, DefaultIsLexicalAndLeavesEmbeddingFieldsEmpty) {
  const auto r = pm::faithfulness("A feline rested.", one(k_source));
  ASSERT_EQ(r.sentences.size(), 1U);
  const auto& d = r.sentences[0];
  EXPECT_DOUBLE_EQ(d.support, 0.0);
  EXPECT_DOUBLE_EQ(d.lexical_support, 0.0);
  EXPECT_DOUBLE_EQ(d.embedding_support, 0.0);
  EXPECT_EQ(d.embedding_source, -1);
  EXPECT_EQ(d.embedding_source_id, "");
  EXPECT_EQ(d.embedding_source_span, (pm::text_span{0, 0}));
  EXPECT_TRUE(d.flags & pm::flag_unsupported);
}

TEST(GroundedEmbedding, ParaphraseGetsEmbeddingSupportMax) {
  const auto r = pm::faithfulness("A feline rested.", one(k_source),
                                  with_encoder(pm::support_combination::max));
  ASSERT_EQ(r.sentences.size(), 1U);
  const auto& d = r.sentences[0];
  EXPECT_DOUBLE_EQ(d.lexical_support, 0.0);
  EXPECT_NEAR(d.embedding_support, 0.8, 1e-6);  // cos((0.8, 0.6), (1, 0))
  EXPECT_EQ(d.embedding_source, 0);
  EXPECT_EQ(d.embedding_source_id, "1");
  EXPECT_EQ(d.embedding_source_span, (pm::text_span{0, 23}));  // "The cat sat on the mat."
  EXPECT_NEAR(d.support, 0.8, 1e-6);                           // max(0, 0.8)
  EXPECT_FALSE(d.flags & pm::flag_unsupported);                // 0.8 >= 0.5
  EXPECT_NEAR(r.support_mean, 0.8, 1e-6);
  EXPECT_NEAR(r.support_min, 0.8, 1e-6);
  // No word of "A feline rested." is in the source (clipped precision 0): max(0, 0.8).
  EXPECT_DOUBLE_EQ(r.clipped_precision, 0.0);
  EXPECT_NEAR(r.score, 0.8, 1e-6);
}

TEST(GroundedEmbedding, ParaphraseMix) {
  const auto r = pm::faithfulness("A feline rested.", one(k_source),
                                  with_encoder(pm::support_combination::mix, 0.25));
  const auto& d = r.sentences.at(0);
  EXPECT_NEAR(d.support, 0.75 * 0.0 + 0.25 * 0.8, 1e-6);
  EXPECT_TRUE(d.flags & pm::flag_unsupported);  // 0.2 < 0.5
}

TEST(GroundedEmbedding, IdentityIsFullySupportedBothWays) {
  for (const auto combine : {pm::support_combination::max, pm::support_combination::mix}) {
    const auto r = pm::faithfulness("The dog barked loudly.", one(k_source), with_encoder(combine));
    const auto& d = r.sentences.at(0);
    EXPECT_DOUBLE_EQ(d.lexical_support, 1.0);
    EXPECT_NEAR(d.embedding_support, 1.0, 1e-6);
    EXPECT_NEAR(d.support, 1.0, 1e-6);
    EXPECT_EQ(d.best_source, d.embedding_source);
    EXPECT_EQ(d.source_span, d.embedding_source_span);
    EXPECT_EQ(d.embedding_source_span, (pm::text_span{24, 46}));
  }
}

TEST(GroundedEmbedding, MixOfPartialLexicalSupport) {
  // "The feline sat." shares "the" and "sat" with the cat sentence lexically.
  const std::string summary = "The feline sat.";
  const double lexical = pm::faithfulness(summary, one(k_source)).sentences.at(0).support;
  ASSERT_GT(lexical, 0.0);
  ASSERT_LT(lexical, 1.0);
  const auto mix =
      pm::faithfulness(summary, one(k_source), with_encoder(pm::support_combination::mix, 0.25));
  const auto& d = mix.sentences.at(0);
  EXPECT_DOUBLE_EQ(d.lexical_support, lexical);
  EXPECT_NEAR(d.support, 0.75 * lexical + 0.25 * 0.8, 1e-6);
  const auto max =
      pm::faithfulness(summary, one(k_source), with_encoder(pm::support_combination::max));
  EXPECT_NEAR(max.sentences.at(0).support, std::max(lexical, 0.8), 1e-6);
  // The score combines the clipped precision (the, sat: 2 of 3 words) the same way.
  EXPECT_NEAR(mix.sentences.at(0).precision, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(mix.score, 0.75 * 2.0 / 3.0 + 0.25 * 0.8, 1e-6);
  EXPECT_NEAR(max.score, 0.8, 1e-6);
  // A weight of 0 is the lexical support exactly.
  const auto zero =
      pm::faithfulness(summary, one(k_source), with_encoder(pm::support_combination::mix, 0.0));
  EXPECT_DOUBLE_EQ(zero.sentences.at(0).support, lexical);
  EXPECT_DOUBLE_EQ(zero.score, pm::faithfulness(summary, one(k_source)).score);
}

TEST(GroundedEmbedding, NegativeCosineIsZeroSupport) {
  auto o = with_encoder(pm::support_combination::max);
  o.encoder = std::make_shared<pe::callback_encoder>(
      "test-opposite", 1, [](std::span<const std::string_view> texts) {
        pe::row_matrix m(static_cast<Eigen::Index>(texts.size()), 1);
        for (std::size_t i = 0; i < texts.size(); ++i) {
          m(static_cast<Eigen::Index>(i), 0) =
              texts[i].find("zebra") != std::string_view::npos ? -1.0F : 1.0F;
        }
        return m;
      });
  const auto r = pm::faithfulness("A zebra.", one(k_source), o);
  EXPECT_DOUBLE_EQ(r.sentences.at(0).embedding_support, 0.0);
  EXPECT_EQ(r.sentences.at(0).embedding_source, 0);
}

TEST(GroundedEmbedding, MultiSourceNamesTheEmbeddingSource) {
  const std::vector<source_doc> sources{{"a", "The dog barked loudly."},
                                        {"b", "Stocks fell. The cat sat on the mat."}};
  const auto r =
      pm::faithfulness("A feline rested.", sources, with_encoder(pm::support_combination::max));
  const auto& d = r.sentences.at(0);
  EXPECT_EQ(d.embedding_source, 1);
  EXPECT_EQ(d.embedding_source_id, "b");
  EXPECT_EQ(d.embedding_source_span, (pm::text_span{13, 36}));
}

TEST(GroundedEmbedding, RelevanceAlignmentUsesTheCombinedSupport) {
  const auto lexical = pm::grounded("A feline rested.", one(k_source));
  const auto embedded = pm::grounded("A feline rested.", one(k_source), {},
                                     with_encoder(pm::support_combination::max));
  EXPECT_DOUBLE_EQ(lexical.relevance.alignment, 0.0);
  const auto& d = embedded.relevance.sentences.at(0);
  EXPECT_NEAR(embedded.relevance.alignment, d.support * d.salience, 1e-12);
  // Coverage and conciseness do not use support.
  EXPECT_DOUBLE_EQ(embedded.relevance.coverage, lexical.relevance.coverage);
  EXPECT_DOUBLE_EQ(embedded.conciseness.score, lexical.conciseness.score);
}

TEST(GroundedEmbedding, ScorerBatchAndFreeFunctionAgree) {
  const auto o = with_encoder(pm::support_combination::mix, 0.4);
  const pm::grounded_scorer scorer(k_source, {}, o);
  const std::vector<std::string> summaries{"A feline rested.", "The dog barked.", "",
                                           "The feline sat. A dog."};
  const auto batch = scorer.score_batch(summaries, 2);
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const auto one_call = pm::grounded(summaries[i], one(k_source), {}, o).faithfulness;
    ASSERT_TRUE(batch[i].error.empty());
    const auto& f = batch[i].result.faithfulness;
    if (summaries[i].empty()) {
      EXPECT_TRUE(std::isnan(f.score) && std::isnan(one_call.score));
    } else {
      EXPECT_DOUBLE_EQ(f.score, one_call.score);
    }
    ASSERT_EQ(f.sentences.size(), one_call.sentences.size());
    for (std::size_t k = 0; k < f.sentences.size(); ++k) {
      EXPECT_DOUBLE_EQ(f.sentences[k].support, one_call.sentences[k].support);
      EXPECT_DOUBLE_EQ(f.sentences[k].embedding_support, one_call.sentences[k].embedding_support);
    }
  }
}

TEST(GroundedEmbedding, HashedEncoderIdentity) {
  pm::grounded_options o;
  o.encoder = std::make_shared<pe::hashed_encoder>();
  const auto r = pm::faithfulness("The cat sat on the mat.", one(k_source), o);
  EXPECT_NEAR(r.sentences.at(0).embedding_support, 1.0, 1e-5);
  EXPECT_EQ(r.sentences.at(0).embedding_source_span, (pm::text_span{0, 23}));
}

TEST(GroundedEmbedding, EdgesAndErrors) {
  // No sources: nothing to align with, embedding support 0.
  const auto none =
      pm::faithfulness("A feline rested.", {}, with_encoder(pm::support_combination::max));
  EXPECT_DOUBLE_EQ(none.sentences.at(0).embedding_support, 0.0);
  EXPECT_EQ(none.sentences.at(0).embedding_source, -1);
  // No summary sentences: the encoder is not called for the summary.
  EXPECT_TRUE(pm::faithfulness("", one(k_source), with_encoder(pm::support_combination::max))
                  .sentences.empty());
  for (const double w : {-0.1, 1.5}) {
    try {
      (void)pm::faithfulness("x", one(k_source), with_encoder(pm::support_combination::mix, w));
      FAIL();
    } catch (const precis::error& e) {
      EXPECT_STREQ(e.what(), "[precis.invalid_argument] embedding_weight must be in [0, 1]");
    }
  }
}
