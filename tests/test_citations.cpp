// Citation metrics: marker parsing (every built-in form, footnotes, user patterns), claim
// assignment and byte offsets, hand-computed coverage / validity / support / precision /
// misattribution / utilization / quotes, structured summaries, pluggable judges, the shared
// lexical kernel, batch parity and hostile inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/structured/structured_citations.hpp"
#include "precis/metrics/citations.hpp"
#include "precis/metrics/detail/source_index.hpp"
#include "precis/metrics/grounded.hpp"
#include "precis/score.hpp"
#include "precis/text/analyzed_text.hpp"

namespace pm = precis::metrics;
namespace pst = precis::structured;
using precis::source_doc;

namespace {

std::vector<source_doc> people() {
  return {{"a", "Alice works as a nurse in Boston."},
          {"b", "Alice has two cats."},
          {"c", "The weather was rainy."}};
}

std::vector<std::string> keys(const std::vector<pm::citation_ref>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(r.key);
  return out;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const precis::error& e) {
    return e.what();
  }
  return "no error";
}

using strings = std::vector<std::string>;

}  // namespace

TEST(CitationParse, EveryBuiltInForm) {
  const std::string s =
      "A [1]. B [1, 2]. C [1-3]. D [^4]. E [doc3]. F \xE3\x80\x90"
      "5\xE2\x80\xA0source\xE3\x80\x91. "
      "G (Source: post_2). H (sources: x1 and y2). I [sic] and [citation needed] and [here](u).";
  const auto p = pm::parse_citations(s);
  EXPECT_EQ(keys(p.markers),
            (strings{"1", "1", "2", "1", "2", "3", "4", "doc3", "5", "post_2", "x1", "y2"}));
  EXPECT_EQ(p.markers[0].span, (pm::text_span{2, 5}));
  EXPECT_EQ(p.markers[0].style, pm::citation_style::bracket);
  EXPECT_EQ(p.markers[6].style, pm::citation_style::caret);
  EXPECT_EQ(p.markers[8].style, pm::citation_style::lenticular);
  EXPECT_EQ(p.markers[9].style, pm::citation_style::source_tag);
  EXPECT_EQ(pm::citation_style_name(p.markers[9].style), "source_tag");
  ASSERT_EQ(p.masked.size(), s.size());
  EXPECT_EQ(p.masked.substr(0, 7), "A    . ");
  EXPECT_NE(p.masked.find("[sic]"), std::string::npos);
  EXPECT_NE(p.masked.find("[here](u)"), std::string::npos);
}

TEST(CitationParse, HugeRangeStaysOneKey) {
  const auto p = pm::parse_citations("X [1-100000].");
  EXPECT_EQ(keys(p.markers), (strings{"1-100000"}));
  const auto q = pm::parse_citations("X [3-1].");
  EXPECT_EQ(keys(q.markers), (strings{"3-1"}));
}

TEST(CitationParse, FootnoteBlock) {
  const std::string s =
      "Alice is a nurse [1]. She has cats [2].\n\nSources:\n[1] a Profile\n[2] b\n";
  const auto p = pm::parse_citations(s);
  ASSERT_EQ(p.footnotes.size(), 2U);
  EXPECT_EQ(p.footnotes[0].key, "1");
  EXPECT_EQ(p.footnotes[0].text, "a Profile");
  EXPECT_EQ(p.body_end, s.find("Sources:"));
  EXPECT_EQ(keys(p.markers), (strings{"1", "2"}));
  // Without a heading, only lines that cannot be prose are footnotes.
  const auto q = pm::parse_citations("Text [1].\n[1] Alice is a nurse.");
  EXPECT_TRUE(q.footnotes.empty());
  const auto u = pm::parse_citations("Text [1].\n[1]: https://example.org/x Title");
  ASSERT_EQ(u.footnotes.size(), 1U);
  EXPECT_EQ(u.footnotes[0].text, "https://example.org/x Title");
}

TEST(CitationParse, UserPatterns) {
  pm::citation_options o;
  o.patterns = {R"(\{\{cite:([^}]+)\}\})"};
  const auto p = pm::parse_citations("Alice is a nurse {{cite:a; b}}.", o);
  EXPECT_EQ(keys(p.markers), (strings{"a", "b"}));
  EXPECT_EQ(p.markers[0].style, pm::citation_style::pattern);
  o.patterns = {"("};
  EXPECT_EQ(message_of([&] {
              (void)pm::parse_citations("x", o);
            }).rfind("[precis.invalid_argument] citation pattern '(':", 0),
            0U);
}

TEST(CitationClaims, MarkerClosesItsSentence) {
  const pm::citation_scorer scorer(people());
  // "[1]" after the period closes the first sentence; "[2]" inside the second closes it.
  const std::string s = "Alice works as a nurse. [1] Alice has two cats [2].";
  const auto claims = scorer.claims(s);
  ASSERT_EQ(claims.size(), 2U);
  EXPECT_EQ(keys(claims[0].citations), (strings{"1"}));
  EXPECT_EQ(keys(claims[1].citations), (strings{"2"}));
  EXPECT_EQ(claims[0].span, (pm::text_span{0, 23}));
  EXPECT_EQ(claims[1].span.begin, 28U);
  EXPECT_EQ(claims[1].citations[0].span, (pm::text_span{47, 50}));
}

TEST(CitationClaims, ClauseUnit) {
  pm::citation_options o;
  o.unit = pm::claim_unit::clause;
  const pm::citation_scorer scorer(people(), o);
  const auto claims = scorer.claims("Alice works as a nurse [a], and she has two cats [b].");
  ASSERT_EQ(claims.size(), 2U);
  EXPECT_EQ(keys(claims[0].citations), (strings{"a"}));
  EXPECT_EQ(keys(claims[1].citations), (strings{"b"}));
  const auto r = scorer.score("Alice works as a nurse [a], and she has two cats [b].");
  EXPECT_EQ(r.claim_details[0].text, "Alice works as a nurse,");
  EXPECT_EQ(r.claim_details[1].text, "and she has two cats.");
  EXPECT_EQ(claims[0].span, (pm::text_span{0, 27}));
}

TEST(CitationMetrics, HandComputed) {
  pm::citation_options kernel_only;  // the kernel's support; "two" is checked in FactChecks
  kernel_only.check_facts = false;
  const pm::citation_scorer scorer(people(), kernel_only);
  const auto r = scorer.score(
      "Alice works as a nurse [1]. Alice has two cats [1]. She likes jazz [4]. "
      "Alice lives in Boston.");
  EXPECT_EQ(r.claims, 4U);
  EXPECT_EQ(r.cited_claims, 3U);
  EXPECT_DOUBLE_EQ(r.coverage, 0.75);
  EXPECT_EQ(r.citations, 3U);
  EXPECT_EQ(r.valid_citations, 2U);
  EXPECT_DOUBLE_EQ(r.validity, 2.0 / 3.0);
  EXPECT_EQ(r.dangling, (strings{"4"}));
  // Claim 1 "Alice has two cats" against its best sentence in "a": only "alice" (df 2 of N = 3
  // sentences) is there; "ha", "two", "cat" have df 1.
  const double alice = std::log(1.0 + 1.5 / 2.5), rare = std::log(1.0 + 2.5 / 1.5);
  ASSERT_EQ(r.claim_details.size(), 4U);
  EXPECT_DOUBLE_EQ(r.claim_details[0].support, 1.0);
  EXPECT_TRUE(r.claim_details[0].supported);
  EXPECT_NEAR(r.claim_details[1].support, alice / (alice + 3 * rare), 1e-12);
  EXPECT_FALSE(r.claim_details[1].supported);
  EXPECT_TRUE(r.claim_details[1].misattributed);
  EXPECT_EQ(r.claim_details[1].better_source, "b");
  EXPECT_DOUBLE_EQ(r.claim_details[1].better_support, 1.0);
  EXPECT_EQ(r.claim_details[2].dangling, (strings{"4"}));
  EXPECT_DOUBLE_EQ(r.claim_details[2].support, 0.0);
  EXPECT_TRUE(r.claim_details[3].citations.empty());
  EXPECT_EQ(r.supported_claims, 1U);
  EXPECT_DOUBLE_EQ(r.support_recall, 0.25);
  EXPECT_DOUBLE_EQ(r.score, 0.25);
  EXPECT_EQ(r.relevant_citations, 1U);
  EXPECT_DOUBLE_EQ(r.precision, 1.0 / 3.0);
  EXPECT_NEAR(r.f1, 2 * 0.25 / 3 / (0.25 + 1.0 / 3), 1e-12);
  EXPECT_EQ(r.attributed_claims, 2U);
  EXPECT_EQ(r.misattributed_claims, 1U);
  EXPECT_DOUBLE_EQ(r.misattribution, 0.5);
  EXPECT_EQ(r.used_sources, 1U);
  EXPECT_DOUBLE_EQ(r.utilization, 1.0 / 3.0);
  EXPECT_EQ(r.unused, (strings{"b", "c"}));
  EXPECT_EQ(r.quotes, 0U);
  EXPECT_DOUBLE_EQ(r.quote_accuracy, 1.0);
}

TEST(CitationMetrics, PrecisionFlagsOverCitation) {
  pm::citation_options o;
  o.function_words = "none";  // the plain kernel, so that the unseen "and" counts below
  const pm::citation_scorer scorer(people(), o);
  // [a] alone supports the claim; dropping [c] keeps it supported: c is irrelevant (ALCE).
  const auto r = scorer.score("Alice works as a nurse [a][c].");
  EXPECT_EQ(r.citations, 2U);
  EXPECT_EQ(r.relevant_citations, 1U);
  EXPECT_EQ(r.claim_details[0].irrelevant, (strings{"c"}));
  EXPECT_DOUBLE_EQ(r.precision, 0.5);
  // Two sources needed together: both relevant; the union holds every stem but the unseen
  // "and" (idf ln 8), while "a" alone or "b" alone stays below 0.5.
  const auto u = scorer.score("Alice works as a nurse and has two cats [a, b].");
  const double alice = std::log(1.6), rare = std::log(8.0 / 3.0), unseen = std::log(8.0);
  EXPECT_NEAR(u.claim_details[0].support, (alice + 7 * rare) / (alice + 7 * rare + unseen), 1e-12);
  EXPECT_TRUE(u.claim_details[0].supported);
  EXPECT_EQ(u.relevant_citations, 2U);
  EXPECT_DOUBLE_EQ(u.utilization, 2.0 / 3.0);
  // Duplicate keys in one claim count once.
  const auto d = scorer.score("Alice works as a nurse [a][a].");
  EXPECT_EQ(d.citations, 1U);
}

TEST(CitationMetrics, FunctionWordsNoSourceHasAreLeftOut) {
  const double alice = std::log(1.6), rare = std::log(8.0 / 3.0), unseen = std::log(8.0);
  const std::size_t a[] = {0};
  pm::citation_options plain;
  plain.function_words = "none";
  const pm::citation_scorer fw(people()), none(people(), plain);
  // "she" is in no source: left out by default, counted at the unseen idf by the plain kernel.
  EXPECT_DOUBLE_EQ(fw.support("She works as a nurse", a), 1.0);
  EXPECT_NEAR(none.support("She works as a nurse", a), 4 * rare / (4 * rare + unseen), 1e-12);
  // A content word no source has still counts.
  EXPECT_NEAR(fw.support("She works as a pilot", a), 3 * rare / (3 * rare + unseen), 1e-12);
  // A function word some source has ("the", in c) still counts where it is missing.
  EXPECT_NEAR(fw.support("Alice works as the nurse", a),
              (alice + 3 * rare) / (alice + 4 * rare), 1e-12);
  EXPECT_EQ(message_of([] {
              pm::citation_options o;
              o.function_words = "xx";
              pm::citation_scorer s(people(), o);
            }),
            "[precis.invalid_argument] no built-in function-word list for language 'xx' "
            "(expected en, or none)");
}

TEST(CitationMetrics, WordOrder) {
  pm::citation_options o;
  o.word_order = true;
  const pm::citation_scorer scorer(people(), o);
  const std::size_t b[] = {1};
  // Every stem of each claim is in "b" (kernel support 1); the bigram share decides.
  EXPECT_DOUBLE_EQ(scorer.support("Alice has two cats", b), 1.0);
  EXPECT_DOUBLE_EQ(scorer.support("cats two has Alice", b), 0.0);
  EXPECT_NEAR(scorer.support("two cats has Alice", b), std::sqrt(1.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(scorer.support("cats", b), 1.0);  // one word: no order to check
  const pm::citation_scorer plain(people());
  EXPECT_DOUBLE_EQ(plain.support("cats two has Alice", b), 1.0);
  // Misattribution goes through the same judge.
  const auto r = scorer.score("Alice has two cats [a].");
  EXPECT_TRUE(r.claim_details[0].misattributed);
  EXPECT_EQ(r.claim_details[0].better_source, "b");
}

TEST(CitationMetrics, FootnotesMapKeysToIds) {
  const pm::citation_scorer scorer(people());
  const auto r = scorer.score("Alice has two cats [1].\n\nReferences:\n[1] b (pet post)\n");
  EXPECT_EQ(r.claims, 1U);
  EXPECT_EQ(r.claim_details[0].cited, (strings{"b"}));
  EXPECT_TRUE(r.claim_details[0].supported);
  ASSERT_EQ(r.footnotes.size(), 1U);
}

TEST(CitationMetrics, ResolveRules) {
  const pm::citation_scorer scorer(
      std::vector<source_doc>{{"7", "x"}, {"post_1", "y"}, {"c", "z"}});
  EXPECT_EQ(scorer.resolve("7"), 0);       // exact id first
  EXPECT_EQ(scorer.resolve("2"), 1);       // then 1-based position
  EXPECT_EQ(scorer.resolve("post_1"), 1);  // exact id
  EXPECT_EQ(scorer.resolve("doc3"), 2);    // trailing number
  EXPECT_EQ(scorer.resolve("doc4"), -1);
  EXPECT_EQ(scorer.resolve("0"), -1);
  EXPECT_EQ(scorer.resolve("zzz"), -1);
}

TEST(CitationMetrics, QuoteCheck) {
  const pm::citation_scorer scorer(people());
  const auto r = scorer.score(
      "Alice said she \"works as a nurse\" [a]. She said \xE2\x80\x9Cplays the violin\xE2\x80\x9D "
      "[a]. She wrote \"two cats\" [a].");
  EXPECT_EQ(r.quotes, 3U);
  EXPECT_EQ(r.quotes_found, 1U);
  ASSERT_EQ(r.quote_details.size(), 3U);
  EXPECT_TRUE(r.quote_details[0].found);
  EXPECT_EQ(r.quote_details[0].found_in, "a");
  EXPECT_EQ(r.quote_details[0].span, (pm::text_span{16, 32}));
  EXPECT_FALSE(r.quote_details[1].found);
  EXPECT_FALSE(r.quote_details[2].found);  // in "b", but the claim cites "a"
  EXPECT_EQ(r.quote_details[2].claim, 2);
  EXPECT_DOUBLE_EQ(r.quote_accuracy, 1.0 / 3.0);
}

TEST(CitationMetrics, EdgeValues) {
  const pm::citation_scorer scorer(people());
  const auto e = scorer.score("");
  EXPECT_EQ(e.claims, 0U);
  EXPECT_TRUE(std::isnan(e.coverage));  // nothing to judge: NaN, not 0
  EXPECT_TRUE(std::isnan(e.score));
  EXPECT_TRUE(std::isnan(e.mean_support));
  EXPECT_DOUBLE_EQ(e.quote_accuracy, 1.0);
  EXPECT_EQ(e.unused, (strings{"a", "b", "c"}));
  const pm::citation_scorer none(std::vector<source_doc>{});
  const auto n = none.score("Alice works as a nurse [1].");
  EXPECT_EQ(n.dangling, (strings{"1"}));
  EXPECT_DOUBLE_EQ(n.utilization, 0.0);
}

TEST(CitationMetrics, Errors) {
  EXPECT_EQ(message_of([] {
              pm::citation_scorer s(std::vector<source_doc>{{"a", "x"}, {"a", "y"}});
            }),
            "[precis.invalid_argument] duplicate source id 'a'");
  EXPECT_EQ(message_of([] {
              (void)pm::citation_scorer(people()).score(std::string("bad \xFF byte [1]"));
            }),
            "[precis.invalid_utf8] summary: invalid UTF-8 at byte 4");
  pm::citation_options o;
  o.judge = pm::support_judge::custom;
  EXPECT_EQ(message_of([&] { pm::citation_scorer s(people(), o); }),
            "[precis.invalid_argument] support_judge::custom needs a support function");
  o.judge = pm::support_judge::embedding;
  EXPECT_EQ(message_of([&] { pm::citation_scorer s(people(), o); }),
            "[precis.invalid_argument] support_judge::embedding needs an encoder");
  o = {};
  o.support_threshold = 2;
  EXPECT_EQ(message_of([&] { pm::citation_scorer s(people(), o); }),
            "[precis.invalid_argument] support_threshold must be in [0, 1]");
}

TEST(CitationKernel, PerSourceSupportSharesTheGroundedKernel) {
  // The maximum of the per-source supports equals the kernel's best_support score over all
  // sources (the same kernel as the source-grounded metrics).
  std::vector<source_doc> sources;
  std::mt19937 rng(7);
  const strings words = {"alice", "nurse", "boston", "cats", "two", "rainy", "jazz", "works",
                         "lives", "the",   "a",      "in",   "has", "likes", "old",  "music"};
  auto sentence = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
      if (i) s += ' ';
      s += words[rng() % words.size()];
    }
    return s + ".";
  };
  for (int i = 0; i < 6; ++i) {
    std::string id(1, 's');
    id += std::to_string(i);
    std::string text = sentence(6);
    text += ' ';
    text += sentence(5);
    sources.push_back({id, text});
  }
  const pm::citation_scorer scorer(sources);
  const pm::grounded_scorer grounded(sources);
  const auto& index = grounded.index();
  std::vector<double> scratch;
  for (int trial = 0; trial < 300; ++trial) {
    const std::string claim = sentence(1 + rng() % 7);
    const auto a = precis::text::analyze(claim, index.analysis());
    const auto map = index.map_stems(*a);
    std::vector<std::uint32_t> stems;
    std::vector<bool> seen(a->stems().size());
    for (const auto id : a->stem_ids()) {
      if (!seen[id]) stems.push_back(map[id]);
      seen[id] = true;
    }
    const double kernel = index.best_support(stems, scratch).score;
    double best = 0.0;
    for (std::size_t s = 0; s < sources.size(); ++s) {
      const std::size_t one[] = {s};
      best = std::max(best, scorer.support(claim, one));
    }
    EXPECT_NEAR(best, kernel, 1e-12) << claim;
    std::vector<std::size_t> all(sources.size());
    for (std::size_t s = 0; s < all.size(); ++s) all[s] = s;
    EXPECT_GE(scorer.support(claim, all) + 1e-12, kernel) << claim;
  }
}

TEST(CitationJudges, CustomFunctionAndEncoder) {
  pm::citation_options o;
  o.judge = pm::support_judge::custom;
  o.support_fn = [](std::string_view claim, std::span<const std::size_t> cited) {
    return claim.find("nurse") != std::string_view::npos && cited[0] == 0 ? 1.0 : 0.0;
  };
  const pm::citation_scorer custom(people(), o);
  const auto r = custom.score("Alice works as a nurse [b]. Alice is a nurse [a].");
  EXPECT_FALSE(r.claim_details[0].supported);
  EXPECT_TRUE(r.claim_details[0].misattributed);
  EXPECT_EQ(r.claim_details[0].better_source, "a");
  EXPECT_TRUE(r.claim_details[1].supported);

  pm::citation_options e;
  e.judge = pm::support_judge::embedding;
  e.encoder = std::make_shared<precis::embed::hashed_encoder>();
  const pm::citation_scorer embedded(people(), e);
  const auto s = embedded.score("Alice works as a nurse in Boston [a]. The weather was rainy [a].");
  EXPECT_NEAR(s.claim_details[0].support, 1.0, 1e-5);
  EXPECT_LT(s.claim_details[1].support, 0.5);
  EXPECT_TRUE(s.claim_details[1].misattributed);
  EXPECT_EQ(s.claim_details[1].better_source, "c");
}

// A three-feature encoder whose cosines are known by hand: (cat words, nurse words, 1).
std::shared_ptr<const precis::embed::encoder> concept_encoder() {
  return std::make_shared<precis::embed::callback_encoder>(
      "concepts", 3, [](std::span<const std::string_view> texts) {
        precis::embed::row_matrix v(static_cast<Eigen::Index>(texts.size()), 3);
        for (std::size_t i = 0; i < texts.size(); ++i) {
          const auto has = [&](std::string_view w) {
            return texts[i].find(w) != std::string_view::npos;
          };
          const auto r = static_cast<Eigen::Index>(i);
          v(r, 0) = has("cat") || has("feline") ? 1.0F : 0.0F;
          v(r, 1) = has("nurse") || has("hospital") ? 1.0F : 0.0F;
          v(r, 2) = 1.0F;
        }
        return v;
      });
}

TEST(CitationJudges, CombinedIsTheMaxOfLexicalAndEmbedding) {
  const pm::citation_scorer lexical(people());
  pm::citation_options o;
  o.judge = pm::support_judge::combined;
  o.encoder = concept_encoder();
  const pm::citation_scorer combined(people(), o);
  const std::string summary =
      "Alice owns a feline [b]. Alice works as a nurse in Boston [a]. Alice owns a feline [a].";
  const auto lex = lexical.score(summary);
  const auto r = combined.score(summary);
  ASSERT_EQ(r.claim_details.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(r.claim_details[i].lexical_support, lex.claim_details[i].support) << i;
  }
  // "feline" against "Alice has two cats.": both (1, 0, 1), cosine 1; the lexical judge finds
  // only "Alice" (and "a" no source has is left out), far below.
  EXPECT_LT(r.claim_details[0].lexical_support, 0.5);
  EXPECT_NEAR(r.claim_details[0].embedding_support, 1.0, 1e-6);
  EXPECT_NEAR(r.claim_details[0].support, 1.0, 1e-6);
  EXPECT_TRUE(r.claim_details[0].supported);
  EXPECT_FALSE(lex.claim_details[0].supported);
  // A copied claim: lexical 1, cosine of (0, 1, 1) with itself 1.
  EXPECT_DOUBLE_EQ(r.claim_details[1].support, 1.0);
  // "feline" against the nurse's sentence (0, 1, 1): cosine 1/2, the combination max(lex, 1/2).
  EXPECT_NEAR(r.claim_details[2].embedding_support, 0.5, 1e-6);
  EXPECT_NEAR(r.claim_details[2].support,
              std::max(r.claim_details[2].lexical_support, 0.5), 1e-6);
  EXPECT_NEAR(combined.support("Alice owns a feline", std::vector<std::size_t>{1}), 1.0, 1e-6);

  o.combine = pm::support_combination::mix;
  o.embedding_weight = 0.25;
  const pm::citation_scorer mixed(people(), o);
  const auto m = mixed.score(summary);
  EXPECT_NEAR(m.claim_details[0].support, 0.75 * r.claim_details[0].lexical_support + 0.25, 1e-6);
  EXPECT_NEAR(m.claim_details[2].support,
              0.75 * r.claim_details[2].lexical_support + 0.25 * 0.5, 1e-6);
}

TEST(CitationJudges, CombinedKeepsTheFactChecks) {
  pm::citation_options o;
  o.judge = pm::support_judge::combined;
  o.encoder = concept_encoder();
  const pm::citation_scorer combined(people(), o);
  // The cosine is 1 (a cat claim against a cat sentence), but "five" is not in source b: the
  // combination is capped at fact_cap.
  const auto r = combined.score("Alice has five cats [b].");
  ASSERT_EQ(r.claim_details.size(), 1U);
  EXPECT_EQ(r.claim_details[0].mismatched_facts, (strings{"five"}));
  EXPECT_NEAR(r.claim_details[0].embedding_support, 1.0, 1e-6);
  EXPECT_NEAR(r.claim_details[0].support, 0.25, 1e-6);
  EXPECT_FALSE(r.claim_details[0].supported);

  pm::citation_options none;
  none.judge = pm::support_judge::combined;
  EXPECT_EQ(message_of([&] { pm::citation_scorer s(people(), none); }),
            "[precis.invalid_argument] support_judge::combined needs an encoder");
  o.embedding_weight = 1.5;
  EXPECT_EQ(message_of([&] { pm::citation_scorer s(people(), o); }),
            "[precis.invalid_argument] embedding_weight must be in [0, 1]");
}

TEST(CitationSeveralSources, WhichPartEachSourceSupports) {
  const std::vector<source_doc> sources{{"a", "The council approved the new budget on Monday."},
                                        {"b", "The mayor resigned after the vote."},
                                        {"c", "My dog stole a sock again today."}};
  const pm::citation_scorer scorer(sources);
  const std::string summary = "The council approved the new budget and the mayor resigned [a][b].";
  const auto r = scorer.score(summary);
  ASSERT_EQ(r.claim_details.size(), 1U);
  const auto& c = r.claim_details[0];
  ASSERT_EQ(c.cited, (strings{"a", "b"}));
  ASSERT_EQ(c.cited_parts.size(), 2U);
  // Function words ("the", "and") bridge a part but neither start nor end one.
  auto part = [&](std::string_view text) {
    const auto b = static_cast<std::uint32_t>(summary.find(text));
    return pm::supported_part{{b, b + static_cast<std::uint32_t>(text.size())}, std::string(text)};
  };
  auto same = [](const std::vector<pm::supported_part>& x,
                 const std::vector<pm::supported_part>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!(x[i].span == y[i].span) || x[i].text != y[i].text) return false;
    return true;
  };
  EXPECT_TRUE(same(c.cited_parts[0], {part("council approved the new budget")}));
  EXPECT_TRUE(same(c.cited_parts[1], {part("mayor resigned")}));
  EXPECT_TRUE(c.supported);

  // A wrong source supports no part, and is named.
  const auto w = scorer.score("The council approved the new budget and the mayor resigned [a][c].");
  const auto& d = w.claim_details[0];
  EXPECT_EQ(d.unsupporting, (strings{"c"}));
  ASSERT_EQ(d.cited_parts.size(), 2U);
  EXPECT_TRUE(same(d.cited_parts[0], {part("council approved the new budget")}));
  EXPECT_TRUE(d.cited_parts[1].empty());

  // Two parts of one source around words it does not hold; a structured field's parts are
  // bytes of the field's text.
  const auto t = scorer.score("The council approved the strike budget [a].");
  EXPECT_EQ(t.claim_details[0].cited_parts[0].size(), 2U);
  EXPECT_EQ(t.claim_details[0].cited_parts[0][0].text, "council approved");
  EXPECT_EQ(t.claim_details[0].cited_parts[0][1].text, "budget");
  const auto f = pst::score_structured(
      scorer, R"({"decision": {"value": "the budget was approved", "sources": ["a"]}})");
  ASSERT_EQ(f.claim_details[0].cited_parts.size(), 1U);
  ASSERT_EQ(f.claim_details[0].cited_parts[0].size(), 1U);
  EXPECT_EQ(f.claim_details[0].cited_parts[0][0].text, "budget was approved");
  EXPECT_EQ(f.claim_details[0].cited_parts[0][0].span, (pm::text_span{4, 23}));

  // Other judges report no parts.
  pm::citation_options e;
  e.judge = pm::support_judge::embedding;
  e.encoder = concept_encoder();
  EXPECT_TRUE(pm::citation_scorer(sources, e).score(summary).claim_details[0].cited_parts.empty());
}

TEST(CitationStructured, FieldsWithPointers) {
  const pm::citation_scorer scorer(people());
  const std::string json = R"(```json
{"occupation": {"value": "nurse in Boston", "sources": ["a"]},
 "pets": {"value": "two cats", "sources": [3, "zz"]},
 "city": "Boston",
 "claims": [{"text": "Alice has two cats", "citations": ["b"]}],
 "misc~/x": {"value": "likes jazz [2]", "sources": []},
 "empty": null,
}
```)";
  const auto c = pst::structured_claims(json);
  ASSERT_EQ(c.claims.size(), 5U);
  EXPECT_EQ(c.claims[0].pointer, "/occupation");
  EXPECT_EQ(c.claims[1].pointer, "/pets");
  EXPECT_EQ(c.claims[2].pointer, "/city");
  EXPECT_EQ(c.claims[3].pointer, "/claims/0");
  EXPECT_EQ(c.claims[4].pointer, "/misc~0~1x");
  EXPECT_EQ(keys(c.claims[1].citations), (strings{"3", "zz"}));
  EXPECT_EQ(keys(c.claims[4].citations), (strings{"2"}));
  EXPECT_FALSE(c.parse.repairs.empty());
  const auto r = pst::score_structured(scorer, json);
  EXPECT_EQ(r.claims, 5U);
  EXPECT_EQ(r.cited_claims, 4U);
  EXPECT_EQ(r.dangling, (strings{"zz"}));
  EXPECT_TRUE(r.claim_details[0].supported);
  EXPECT_FALSE(r.claim_details[1].supported);  // cites "c" (position 3)
  EXPECT_TRUE(r.claim_details[1].misattributed);
  EXPECT_EQ(r.claim_details[2].pointer, "/city");
  EXPECT_TRUE(r.claim_details[3].supported);
}

TEST(CitationStructured, HostileJson) {
  EXPECT_EQ(message_of([] {
              (void)pst::structured_claims(R"({"a": {"value": "x", )");
            }).rfind("[precis.parse_error] structured summary: truncated", 0),
            0U);
  EXPECT_EQ(
      message_of(
          [] { (void)pst::structured_claims(R"({"a": {"value": "x", "sources": [[1]]}})"); }),
      "[precis.parse_error] structured summary, field '/a': citations must be strings or "
      "numbers");
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(message_of([&] {
              (void)pst::structured_claims(deep);
            }).rfind("[precis.parse_error] structured summary: ", 0),
            0U);
  pst::structured_citation_options o;
  o.json.max_depth = 10000;
  EXPECT_TRUE(pst::structured_claims(deep, o).claims.empty());
  const std::string huge =
      R"({"a": {"value": ")" + std::string(1 << 20, 'x') + R"(", "sources": ["a"]}})";
  const auto c = pst::structured_claims(huge);
  ASSERT_EQ(c.claims.size(), 1U);
  EXPECT_EQ(c.claims[0].text.size(), 1U << 20);
  EXPECT_EQ(pm::citation_scorer(people()).score_claims(c.claims).claims, 1U);
}

TEST(CitationBatch, MatchesSingleCallsAndKeepsErrors) {
  const pm::citation_scorer scorer(people());
  std::vector<std::string> summaries;
  for (int i = 0; i < 50; ++i) {
    std::string s = "Alice works as a nurse [";
    s += std::to_string(1 + i % 4);
    s += "]. Alice has cats [b].";
    summaries.push_back(s);
  }
  summaries.push_back("bad \xFF");
  const auto batch = scorer.score_batch(summaries, 2);
  ASSERT_EQ(batch.size(), summaries.size());
  for (std::size_t i = 0; i + 1 < summaries.size(); ++i) {
    const auto one = scorer.score(summaries[i]);
    EXPECT_TRUE(batch[i].error.empty());
    EXPECT_EQ(batch[i].result.valid_citations, one.valid_citations);
    EXPECT_DOUBLE_EQ(batch[i].result.mean_support, one.mean_support);
  }
  EXPECT_EQ(batch.back().error,
            "[precis.invalid_utf8] summary 50: summary: invalid UTF-8 at byte 4");
  EXPECT_EQ(pm::citations("Alice works as a nurse [a].", people()).supported_claims, 1U);
  EXPECT_EQ(pm::citation_columns().size(), 22U);
}

TEST(CitationBatch, ScoreRecordsEngine) {
  precis::record r;
  r.id = "x";
  r.summary = "Alice works as a nurse [1]. Alice has two cats [1].";
  r.sources = people();
  precis::record empty = r;
  empty.id = "y";
  empty.sources.clear();
  precis::score_options o;
  o.metrics = {"faithfulness", "citations"};
  const std::vector<precis::record> records = {r, empty};
  const auto table = precis::score_records(records, o, 1);
  const auto at = std::find(table.columns.begin(), table.columns.end(), "citation_coverage");
  ASSERT_NE(at, table.columns.end());
  const auto column = static_cast<std::size_t>(at - table.columns.begin());
  EXPECT_DOUBLE_EQ(table.at(0, column), 1.0);
  const auto support = std::find(table.columns.begin(), table.columns.end(), "citation_support");
  EXPECT_DOUBLE_EQ(table.at(0, static_cast<std::size_t>(support - table.columns.begin())), 0.5);
  EXPECT_EQ(table.errors[1],
            "[precis.invalid_argument] record 1 (id 'y'), field 'sources' is empty: relevance, "
            "faithfulness and conciseness need at least one source");
  EXPECT_EQ(table.columns.size(), precis::score_columns(o).size());
}

TEST(CitationBiographies, ExpectedVerdicts) {
  // examples/data/biographies.jsonl: 22 invented people, summaries of every kind in both forms,
  // with the verdicts expected by construction (see make_biographies.py).
  std::ifstream in(std::string(PRECIS_SOURCE_DIR) + "/examples/data/biographies.jsonl");
  ASSERT_TRUE(in) << "examples/data/biographies.jsonl";
  std::string line;
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    std::vector<source_doc> sources;
    for (const auto& s : j["sources"]) sources.push_back({s["id"], s["text"]});
    const pm::citation_scorer scorer(sources);
    const std::string summary = j["summary"];
    const auto r =
        j["format"] == "json" ? pst::score_structured(scorer, summary) : scorer.score(summary);
    const auto& e = j["expected"];
    const std::string id = j["id"];
    EXPECT_EQ(r.claims, e["claims"].get<std::size_t>()) << id;
    EXPECT_EQ(r.cited_claims, e["cited_claims"].get<std::size_t>()) << id;
    EXPECT_EQ(r.citations, e["citations"].get<std::size_t>()) << id;
    EXPECT_EQ(r.valid_citations, e["valid_citations"].get<std::size_t>()) << id;
    EXPECT_EQ(r.dangling, e["dangling"].get<strings>()) << id;
    EXPECT_EQ(r.supported_claims, e["supported_claims"].get<std::size_t>()) << id;
    EXPECT_EQ(r.misattributed_claims, e["misattributed_claims"].get<std::size_t>()) << id;
    EXPECT_EQ(r.unused, e["unused"].get<strings>()) << id;
    std::vector<std::size_t> unsupported, misattributed;
    for (std::size_t i = 0; i < r.claim_details.size(); ++i) {
      if (!r.claim_details[i].supported) unsupported.push_back(i);
      if (r.claim_details[i].misattributed) misattributed.push_back(i);
    }
    EXPECT_EQ(unsupported, e["unsupported_claims"].get<std::vector<std::size_t>>()) << id;
    EXPECT_EQ(misattributed, e["misattributed"].get<std::vector<std::size_t>>()) << id;
    std::size_t irrelevant = 0;
    for (const auto& c : r.claim_details) irrelevant += c.irrelevant.size();
    EXPECT_EQ(irrelevant, e["irrelevant_citations"].get<std::size_t>()) << id;
    ++rows;
  }
  EXPECT_GE(rows, 200U);
}

TEST(CitationProperties, RandomTextNeverBreaksInvariants) {
  // Seeded random summaries from marker-like fragments: no crash, ratios in [0, 1], counts
  // consistent, every span inside the summary, markers inside their claims' text order.
  const strings pieces = {"[",
                          "]",
                          "[1]",
                          "[2, 3]",
                          "[1-2]",
                          "[^1]",
                          "[doc3]",
                          "(Source: ",
                          "a)",
                          ")",
                          "\xE3\x80\x90",
                          "1\xE2\x80\xA0x",
                          "\xE3\x80\x91",
                          "\"",
                          "\xE2\x80\x9C",
                          "\xE2\x80\x9D",
                          "Alice ",
                          "nurse ",
                          "cats ",
                          ". ",
                          "\n",
                          "\n\nSources:\n",
                          "[1] a\n",
                          "[9]: http://x\n",
                          " ",
                          ",",
                          "-",
                          "works as a "};
  std::mt19937 rng(2026);
  for (const auto unit : {pm::claim_unit::sentence, pm::claim_unit::clause}) {
    pm::citation_options o;
    o.unit = unit;
    o.word_order = unit == pm::claim_unit::clause;
    const pm::citation_scorer scorer(people(), o);
    for (int trial = 0; trial < 3000; ++trial) {
      std::string s;
      const auto n = 1 + rng() % 40;
      for (std::size_t k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
      const auto r = scorer.score(s);
      for (const double v : {r.coverage, r.validity, r.support_recall, r.mean_support, r.precision,
                             r.f1, r.misattribution, r.utilization, r.quote_accuracy}) {
        if (std::isnan(v) && r.claims == 0) continue;  // no claim: NaN by definition
        ASSERT_GE(v, 0.0) << s;
        ASSERT_LE(v, 1.0) << s;
      }
      ASSERT_EQ(r.claim_details.size(), r.claims);
      ASSERT_LE(r.valid_citations, r.citations);
      ASSERT_LE(r.relevant_citations, r.valid_citations);
      ASSERT_LE(r.supported_claims, r.cited_claims);
      ASSERT_LE(r.misattributed_claims, r.attributed_claims);
      for (const auto& c : r.claim_details) {
        ASSERT_LE(c.span.begin, c.span.end);
        ASSERT_LE(c.span.end, s.size());
        for (const auto& ref : c.citations) ASSERT_LE(ref.span.end, s.size()) << s;
      }
      for (const auto& q : r.quote_details) ASSERT_LE(q.span.end, s.size()) << s;
    }
  }
}

TEST(CitationProperties, RandomJsonNeverCrashes) {
  const strings pieces = {
      "{",     "}", "[",         "]",    ",",    ":", "\"value\"", "\"sources\"",
      "\"a\"", "1", "\"x [2]\"", "null", "true", " ", "\"text\"",  "\"citations\""};
  std::mt19937 rng(7);
  const pm::citation_scorer scorer(people());
  std::size_t parsed = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string s;
    const auto n = 1 + rng() % 30;
    for (std::size_t k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    try {
      const auto r = pst::score_structured(scorer, s);
      ASSERT_EQ(r.claim_details.size(), r.claims);
      ++parsed;
    } catch (const precis::error& e) {
      ASSERT_EQ(e.code(), "parse_error") << s;
    }
  }
  EXPECT_GT(parsed, 0U);
}

TEST(CitationProperties, HugeInputsStayBounded) {
  // Range expansion is capped per marker; a claim with thousands of keys stays linear.
  const auto p = pm::parse_citations("X [1-999, 1-999, 1-999].");
  EXPECT_EQ(keys(p.markers), (strings{"1-999, 1-999, 1-999"}));
  std::string s = "Alice works as a nurse";
  for (int i = 0; i < 20000; ++i) {
    s += " [";
    s += std::to_string(i);
    s += "]";
  }
  s += ".";
  const pm::citation_scorer scorer(people());
  const auto r = scorer.score(s);
  EXPECT_EQ(r.claims, 1U);
  EXPECT_EQ(r.citations, 20000U);
  EXPECT_EQ(r.valid_citations, 3U);  // 1, 2, 3 by position
  EXPECT_EQ(r.dangling.size(), 19997U);
  EXPECT_TRUE(r.claim_details[0].supported);
}

TEST(CitationScorer, EmptySourceIdIsItsPosition) {
  // The header used to say an empty id throws; the code (like source_doc::id and the grounded
  // metrics) gives it its 1-based position. Code and header now agree on the position.
  const std::vector<source_doc> sources = {{"", "the cat sat on the mat"}, {"b", "a dog ran"}};
  const pm::citation_scorer scorer(sources);
  EXPECT_EQ(scorer.source_id(0), "1");
  EXPECT_EQ(scorer.source_id(1), "b");
  EXPECT_EQ(scorer.resolve("1"), 0);
  EXPECT_EQ(scorer.score("The cat sat on the mat [1].").valid_citations, 1U);
  // A substituted id that repeats another one is a duplicate.
  const std::vector<source_doc> clash = {{"", "x"}, {"1", "y"}};
  try {
    const pm::citation_scorer bad(clash);
    FAIL() << "no error";
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.invalid_argument] duplicate source id '1'");
  }
}
