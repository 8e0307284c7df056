// Claim-level fact checks (numbers, dates, names, negation), the subject's names and empty
// summaries: hand-built minimal pairs with the exact token each check must name.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "precis/metrics/citations.hpp"
#include "precis/metrics/detail/fact_check.hpp"
#include "precis/metrics/grounded.hpp"
#include "precis/score.hpp"

namespace pm = precis::metrics;
using precis::source_doc;

namespace {

const std::vector<source_doc> k_article{
    {"1",
     "The council of Port Elsin voted 7 to 2 on Tuesday to rebuild the harbor wall. "
     "Mayor Ana Ribeiro said that 300 fishing families depend on the wall. "
     "Twenty-five workers will start in September, and the school on Calle Mayor will not get "
     "the money."}};

// The summary texts of a sentence's mismatched facts.
std::vector<std::string> mismatched(const std::string& summary, const pm::sentence_detail& d) {
  std::vector<std::string> out;
  for (const auto& s : d.mismatched_facts) out.push_back(summary.substr(s.begin, s.end - s.begin));
  return out;
}

pm::sentence_detail only_sentence(const std::string& summary,
                                  const pm::grounded_options& o = {}) {
  const auto r = pm::faithfulness(summary, k_article, o);
  EXPECT_EQ(r.sentences.size(), 1U) << summary;
  return r.sentences.at(0);
}

}  // namespace

TEST(FactCheck, CanonicalNumbers) {
  namespace pd = pm::detail;
  EXPECT_EQ(pd::canonical_number("14,000"), "14000");
  EXPECT_EQ(pd::canonical_number("3.50"), "3.5");
  EXPECT_EQ(pd::canonical_number("007"), "7");
  EXPECT_EQ(pd::canonical_number("0.5"), "0.5");
  EXPECT_EQ(pd::canonical_number("2.0"), "2");
  EXPECT_EQ(pd::canonical_number("0"), "0");
  EXPECT_EQ(pd::canonical_number("1.2.3"), "1.2.3");  // a version stays as written
  EXPECT_EQ(pd::canonical_number("2:04"), "");
  EXPECT_TRUE(pd::is_negation("not"));
  EXPECT_TRUE(pd::is_negation("didn't"));
  EXPECT_TRUE(pd::is_negation("didn\xE2\x80\x99t"));
  EXPECT_FALSE(pd::is_negation("nothing"));  // "nothing beats ..." is no negation
  EXPECT_FALSE(pd::is_negation("note"));
}

TEST(FactCheck, CopiedFactsPass) {
  for (const std::string s :
       {"The council voted 7 to 2 on Tuesday to rebuild the harbor wall.",
        "Mayor Ana Ribeiro said 300 fishing families depend on the wall.",
        // Fused from two source sentences: each fact keeps the words of its own clause.
        "The council voted 7 to 2 to rebuild the wall, and 300 fishing families depend on it.",
        // A number in words in the source, in digits in the summary.
        "25 workers will start in September.",
        "The school on Calle Mayor will not get the money."}) {
    const auto d = only_sentence(s);
    EXPECT_EQ(d.flags & (pm::flag_fact_mismatch | pm::flag_negation_mismatch), 0U) << s;
    EXPECT_TRUE(d.mismatched_facts.empty()) << s;
  }
}

TEST(FactCheck, ChangedFactsAreNamed) {
  // 300 is a source number, but of the families, not of the votes.
  const std::string votes = "The council voted 300 to 2 on Tuesday to rebuild the harbor wall.";
  const auto a = only_sentence(votes);
  EXPECT_NE(a.flags & pm::flag_fact_mismatch, 0U);
  EXPECT_EQ(mismatched(votes, a), (std::vector<std::string>{"300"}));
  // A number no source has.
  const std::string workers = "Forty workers will start in September.";
  EXPECT_EQ(mismatched(workers, only_sentence(workers)), (std::vector<std::string>{"Forty"}));
  // A month changed; a name swapped for another name of the same source.
  const std::string month = "Twenty-five workers will start in October.";
  EXPECT_EQ(mismatched(month, only_sentence(month)), (std::vector<std::string>{"October"}));
  const std::string swapped = "The council of Calle Mayor voted 7 to 2 on Tuesday.";
  const auto s = only_sentence(swapped);
  EXPECT_EQ(mismatched(swapped, s), (std::vector<std::string>{"Calle", "Mayor"}));
  // The sentence's support and faithfulness value are scaled into [0, fact_cap].
  pm::grounded_options unchecked;
  unchecked.check_facts = false;
  const auto plain = pm::faithfulness(votes, k_article, unchecked);
  const auto checked = pm::faithfulness(votes, k_article);
  EXPECT_DOUBLE_EQ(checked.sentences[0].support, plain.sentences[0].support * 0.25);
  EXPECT_DOUBLE_EQ(checked.score, plain.score * 0.25);
}

TEST(FactCheck, NegationMismatch) {
  const auto added = only_sentence("The council did not vote to rebuild the harbor wall.");
  EXPECT_NE(added.flags & pm::flag_negation_mismatch, 0U);
  const auto removed = only_sentence("The school on Calle Mayor will get the money.");
  EXPECT_NE(removed.flags & pm::flag_negation_mismatch, 0U);
  // A negation in another clause of the source sentence does not count.
  const auto other = only_sentence("Twenty-five workers will start in September.");
  EXPECT_EQ(other.flags & pm::flag_negation_mismatch, 0U);
}

TEST(FactCheck, SubjectNamesAndPronounsAreSupported) {
  const std::vector<source_doc> posts{{"p1", "I work as a nurse at Mercy Hospital."},
                                      {"p2", "Turned 38 yesterday!"}};
  const std::string summary = "Maria Lopez works as a nurse at Mercy Hospital. She turned 38.";
  const auto plain = pm::faithfulness(summary, posts);
  pm::grounded_options o;
  o.subject = {"Maria Lopez", "Maria"};
  const auto with_subject = pm::faithfulness(summary, posts, o);
  EXPECT_DOUBLE_EQ(with_subject.score, 1.0);  // every other word is a source word
  EXPECT_LT(plain.score, with_subject.score);
  EXPECT_EQ(plain.novel_names, 1U);  // "Maria Lopez"
  EXPECT_EQ(with_subject.novel_names, 0U);
  for (const auto& s : with_subject.sentences) {
    EXPECT_EQ(s.flags & (pm::flag_fact_mismatch | pm::flag_novel_name), 0U);
    EXPECT_DOUBLE_EQ(s.support, 1.0);
  }
}

TEST(FactCheck, CitedSourcesOnly) {
  const std::vector<source_doc> sources{{"a", "Alice has three cats and lives in Boston."},
                                        {"b", "Alice has two dogs."}};
  const pm::citation_scorer scorer(sources);
  // "two" is written only in source b, which the claim does not cite.
  const auto r = scorer.score("Alice has two cats [a].");
  ASSERT_EQ(r.claim_details.size(), 1U);
  EXPECT_EQ(r.claim_details[0].mismatched_facts, (std::vector<std::string>{"two"}));
  EXPECT_FALSE(r.claim_details[0].supported);
  const auto good = scorer.score("Alice has three cats [a].");
  EXPECT_TRUE(good.claim_details[0].mismatched_facts.empty());
  EXPECT_TRUE(good.claim_details[0].supported);
  EXPECT_GT(good.mean_support, r.mean_support);
}

TEST(FactCheck, CitedSourceThatSupportsNothingIsNamed) {
  const std::vector<source_doc> sources{{"a", "The bridge will cost 12 million euros."},
                                        {"b", "The bridge opens in May 2026."},
                                        {"c", "My dog stole a sock again today."}};
  const pm::citation_scorer scorer(sources);
  const auto good = scorer.score("The bridge will cost 12 million euros and open in May 2026 [a][b].");
  ASSERT_EQ(good.claim_details.size(), 1U);
  EXPECT_TRUE(good.claim_details[0].unsupporting.empty());
  EXPECT_EQ(good.claim_details[0].cited_support.size(), 2U);
  const auto bad = scorer.score("The bridge will cost 12 million euros and open in May 2026 [a][c].");
  EXPECT_EQ(bad.claim_details[0].unsupporting, (std::vector<std::string>{"c"}));
  EXPECT_LT(bad.mean_support, good.mean_support);
  EXPECT_DOUBLE_EQ(bad.claim_details[0].cited_support[1], 0.0);
}

TEST(FactCheck, EmptySummaryIsNaN) {
  for (const std::string s : {"", "   ", "!!"}) {
    const auto r = pm::grounded(s, k_article);
    EXPECT_TRUE(std::isnan(r.relevance.score)) << s;
    EXPECT_TRUE(std::isnan(r.faithfulness.score)) << s;
    EXPECT_TRUE(std::isnan(r.conciseness.score)) << s;
  }
}

TEST(Relevance, OffTopicAndAppendedSentencesLowerGrounding) {
  const std::string good = "The council voted 7 to 2 to rebuild the harbor wall.";
  const std::string off = "Berlin is the capital of Germany and has many museums.";
  const auto a = pm::relevance(good, k_article);
  const auto b = pm::relevance(off, k_article);
  const auto c = pm::relevance(good + " " + off, k_article);
  EXPECT_DOUBLE_EQ(a.grounding, 1.0);
  EXPECT_LT(b.grounding, 0.5);
  EXPECT_LT(b.score, 0.5 * a.score);
  EXPECT_LT(c.grounding, a.grounding);
  EXPECT_LT(c.score, a.score);
}

TEST(FactCheck, ScoreRecordsTakesEachRecordsSubjectAndNamesEmptySummaries) {
  const std::vector<source_doc> posts{{"p1", "I work as a nurse at Mercy Hospital."},
                                      {"p2", "Turned 38 yesterday!"}};
  std::vector<precis::record> records(3);
  for (auto& r : records) r.sources = posts;
  records[0].id = "with";
  records[0].summary = "Maria Lopez works as a nurse at Mercy Hospital [1].";
  records[0].subject = {"Maria Lopez"};
  records[1].id = "without";
  records[1].summary = records[0].summary;
  records[2].id = "blank";
  records[2].summary = "  ";
  records[2].subject = {"Maria Lopez"};
  precis::score_options o;
  o.metrics = {"faithfulness", "citations"};
  const auto t = precis::score_records(records, o, 1);
  const auto column = [&](std::string_view name) {
    return static_cast<std::size_t>(
        std::find(t.columns.begin(), t.columns.end(), name) - t.columns.begin());
  };
  EXPECT_DOUBLE_EQ(t.at(0, column("faithfulness")), 1.0);
  EXPECT_LT(t.at(1, column("faithfulness")), 1.0);
  EXPECT_TRUE(t.errors[0].empty());
  EXPECT_TRUE(std::isnan(t.at(2, column("faithfulness"))));
  EXPECT_TRUE(std::isnan(t.at(2, column("citation_score"))));
  EXPECT_EQ(t.errors[2].rfind("[precis.empty_summary] record 2 (id 'blank'), field 'summary'", 0),
            0U)
      << t.errors[2];
}
