// Faithfulness proxies: hand-computed values, identity, edges, fragments against the slow
// reference, multi-source support and a 100,000-word source set.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "precis/metrics/detail/fragments.hpp"
#include "precis/metrics/faithfulness.hpp"
#include "precis/metrics/grounded.hpp"
#include "reference/fragments_reference.hpp"

namespace pm = precis::metrics;
using precis::source_doc;

namespace {

std::vector<source_doc> one(const std::string& text) { return {{"1", text}}; }

}  // namespace

TEST(Faithfulness, CopiedPrefixIsFullySupported) {
  const auto r = pm::faithfulness("the cat sat", one("the cat sat on the mat"));
  ASSERT_EQ(r.sentences.size(), 1U);
  EXPECT_DOUBLE_EQ(r.sentences[0].support, 1.0);
  EXPECT_EQ(r.sentences[0].best_source_id, "1");
  EXPECT_EQ(r.sentences[0].source_span, (pm::text_span{0, 22}));
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_DOUBLE_EQ(r.unigram_precision, 1.0);
  EXPECT_DOUBLE_EQ(r.clipped_precision, 1.0);
  EXPECT_DOUBLE_EQ(r.sentences[0].precision, 1.0);
  EXPECT_EQ(r.over_repeated, 0U);
  for (const double v : r.novel_ngram_ratio) EXPECT_DOUBLE_EQ(v, 0.0);
  ASSERT_EQ(r.fragments.size(), 1U);
  EXPECT_EQ(r.fragments[0].first_token, 0U);
  EXPECT_EQ(r.fragments[0].end_token, 3U);
  EXPECT_DOUBLE_EQ(r.coverage, 1.0);
  EXPECT_DOUBLE_EQ(r.density, 3.0);
  EXPECT_DOUBLE_EQ(r.compression, 2.0);
}

TEST(Faithfulness, NovelWordHandComputed) {
  // "the dog sat" against "the cat sat on the mat": one sentence, N = 1 source sentence.
  // idf(seen) = ln(1 + 0.5 / 1.5) = ln(4/3); idf(unseen "dog") = ln(1 + 1.5 / 0.5) = ln 4.
  const auto r = pm::faithfulness("the dog sat", one("the cat sat on the mat"));
  const double seen = std::log(4.0 / 3.0), unseen = std::log(4.0);
  const double support = 2 * seen / (2 * seen + unseen);
  EXPECT_NEAR(r.sentences[0].support, support, 1e-12);
  EXPECT_DOUBLE_EQ(r.sentences[0].novel_bigram_ratio, 1.0);
  // The score is the clipped unigram precision: "the" and "sat" are in the source, "dog" is not.
  EXPECT_NEAR(r.score, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.clipped_precision, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.sentences[0].precision, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.unigram_precision, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.novel_ngram_ratio[0], 1.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.novel_ngram_ratio[1], 1.0);
  EXPECT_DOUBLE_EQ(r.novel_ngram_ratio[2], 1.0);
  EXPECT_DOUBLE_EQ(r.novel_ngram_ratio[3], 0.0);  // no 4-grams in 3 tokens
  ASSERT_EQ(r.fragments.size(), 2U);
  EXPECT_NEAR(r.coverage, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.density, 2.0 / 3.0, 1e-12);
}

TEST(Faithfulness, RepetitionIsClippedToTheSourceCounts) {
  // Source tokens: the x2, cat, sat, on, mat. Summary: the cat sat the cat sat. In reading order
  // both "the" fit the source's two; the second "cat" and "sat" exceed their count of one.
  const std::string summary = "The cat sat. The cat sat.";
  const auto r = pm::faithfulness(summary, one("the cat sat on the mat"));
  ASSERT_EQ(r.sentences.size(), 2U);
  EXPECT_DOUBLE_EQ(r.unigram_precision, 1.0);          // every word is in the source...
  EXPECT_NEAR(r.clipped_precision, 4.0 / 6.0, 1e-12);  // ...but only 4 of 6 within its count
  EXPECT_EQ(r.over_repeated, 2U);
  EXPECT_DOUBLE_EQ(r.sentences[0].precision, 1.0);
  EXPECT_NEAR(r.sentences[1].precision, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.score, (3 * 1.0 + 3 * (1.0 / 3.0)) / 6.0, 1e-12);  // word-weighted mean
  EXPECT_EQ(r.sentences[0].flags & pm::flag_over_repeated, 0U);
  EXPECT_TRUE(r.sentences[1].flags & pm::flag_over_repeated);
  ASSERT_EQ(r.sentences[1].over_repeated.size(), 2U);
  EXPECT_EQ(r.sentences[1].over_repeated[0], (pm::text_span{17, 20}));  // "cat"
  EXPECT_EQ(r.sentences[1].over_repeated[1], (pm::text_span{21, 24}));  // "sat"
  // Stems are counted: "cats" uses up the source's one "cat".
  const auto stems = pm::faithfulness("cats and a cat", one("a cat and a dog"));
  EXPECT_NEAR(stems.clipped_precision, 3.0 / 4.0, 1e-12);
  EXPECT_EQ(stems.over_repeated, 1U);
  // Two sources together give the budget.
  const std::vector<source_doc> two{{"a", "the cat sat"}, {"b", "a cat ran"}};
  EXPECT_DOUBLE_EQ(pm::faithfulness("cat cat", two).score, 1.0);
  EXPECT_DOUBLE_EQ(pm::faithfulness("cat cat cat", two).score, 2.0 / 3.0);
}

TEST(Faithfulness, UnsupportedNumbersAndNames) {
  const std::string summary = "It cost 15,000 dollars. Yesterday John Smith went home.";
  const auto r = pm::faithfulness(summary, one("It cost 14,000 dollars. Yesterday he went home."));
  ASSERT_EQ(r.sentences.size(), 2U);
  ASSERT_EQ(r.sentences[0].unsupported_numbers.size(), 1U);
  const auto n = r.sentences[0].unsupported_numbers[0];
  EXPECT_EQ(summary.substr(n.begin, n.end - n.begin), "15,000");
  EXPECT_TRUE(r.sentences[0].flags & pm::flag_unsupported_number);
  ASSERT_EQ(r.sentences[1].novel_names.size(), 1U);
  const auto m = r.sentences[1].novel_names[0];
  EXPECT_EQ(summary.substr(m.begin, m.end - m.begin), "John Smith");
  EXPECT_TRUE(r.sentences[1].flags & pm::flag_novel_name);
  EXPECT_EQ(r.unsupported_numbers, 1U);
  EXPECT_EQ(r.novel_names, 1U);
  EXPECT_EQ(r.sentences[1].span, (pm::text_span{24, 55}));
}

TEST(Faithfulness, IdentityGivesFullSupport) {
  const std::string text =
      "A gray whale swam nearly 14,000 miles. Scientists in Oregon tracked it. The trip set a "
      "record for mammals, the team said.";
  const auto r = pm::faithfulness(text, one(text));
  ASSERT_EQ(r.sentences.size(), 3U);
  for (const auto& s : r.sentences) {
    EXPECT_DOUBLE_EQ(s.support, 1.0);
    EXPECT_EQ(s.flags, 0U);
  }
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_DOUBLE_EQ(r.coverage, 1.0);
  EXPECT_DOUBLE_EQ(r.compression, 1.0);
  for (const double v : r.novel_ngram_ratio) EXPECT_DOUBLE_EQ(v, 0.0);
}

TEST(Faithfulness, EdgeValues) {
  const auto empty = pm::faithfulness("", one("the cat sat"));
  EXPECT_TRUE(std::isnan(empty.score));  // nothing to judge: NaN, not 0
  EXPECT_TRUE(empty.sentences.empty());
  EXPECT_EQ(empty.coverage, 0.0);
  EXPECT_EQ(empty.compression, 0.0);
  const auto no_source = pm::faithfulness("the cat sat", {});
  EXPECT_EQ(no_source.score, 0.0);
  EXPECT_EQ(no_source.sentences.size(), 1U);
  EXPECT_EQ(no_source.sentences[0].best_source, -1);
  EXPECT_DOUBLE_EQ(no_source.novel_ngram_ratio[0], 1.0);
  const auto blank_source = pm::faithfulness("the cat sat", one("   "));
  EXPECT_EQ(blank_source.score, 0.0);
  const auto word = pm::faithfulness("cat", one("the cat sat"));
  EXPECT_DOUBLE_EQ(word.score, 1.0);
  const auto other = pm::faithfulness("dog", one("the cat sat"));
  EXPECT_DOUBLE_EQ(other.score, 0.0);
  EXPECT_FALSE(std::isnan(other.density));
}

TEST(Faithfulness, BestSourceAmongSeveral) {
  const std::vector<source_doc> sources{{"post-a", "The mayor opened a bridge."},
                                        {"post-b", "Heavy rain flooded the valley on Monday."}};
  const std::string summary = "Rain flooded the valley.";
  const auto r = pm::faithfulness(summary, sources);
  ASSERT_EQ(r.sentences.size(), 1U);
  EXPECT_EQ(r.sentences[0].best_source, 1);
  EXPECT_EQ(r.sentences[0].best_source_id, "post-b");
  EXPECT_EQ(r.sentences[0].source_span, (pm::text_span{0, 40}));
  EXPECT_DOUBLE_EQ(r.sentences[0].support, 1.0);
}

TEST(Faithfulness, FreeFunctionAndScorerAgree) {
  const std::vector<source_doc> sources{{"a", "The council voted to rebuild the harbor wall."},
                                        {"b", "Repairs will cost 2 million euros."}};
  const pm::grounded_scorer scorer(sources);
  for (const std::string summary :
       {"The council will rebuild the wall.", "Repairs cost 3 million.", "", "wall"}) {
    const auto a = pm::faithfulness(summary, sources);
    const auto b = scorer.faithfulness(summary);
    EXPECT_TRUE(a.score == b.score || (std::isnan(a.score) && std::isnan(b.score)));
    EXPECT_EQ(a.novel_ngram_ratio, b.novel_ngram_ratio);
    EXPECT_EQ(a.density, b.density);
    ASSERT_EQ(a.sentences.size(), b.sentences.size());
    for (std::size_t i = 0; i < a.sentences.size(); ++i) {
      EXPECT_EQ(a.sentences[i].support, b.sentences[i].support);
      EXPECT_EQ(a.sentences[i].best_source_id, b.sentences[i].best_source_id);
    }
  }
}

TEST(Fragments, SuffixAutomatonMatchesSlowReferenceOnRandomInputs) {
  std::mt19937 engine(20261125);
  auto rng = [&] { return static_cast<std::uint32_t>(engine()); };
  for (int trial = 0; trial < 3000; ++trial) {
    const std::uint32_t alphabet = 2 + rng() % 6;
    std::vector<std::vector<std::uint32_t>> sources(1 + rng() % 3);
    pm::detail::suffix_automaton automaton;
    for (auto& a : sources) {
      a.resize(rng() % 30);
      for (auto& x : a) x = rng() % alphabet;
      automaton.add_sequence(a);
    }
    std::vector<std::uint32_t> s(rng() % 25);
    for (auto& x : s) x = rng() % (alphabet + 1);  // alphabet itself may be absent
    const auto fast = pm::detail::greedy_fragments(automaton, s);
    const auto slow = precis_reference::greedy_fragments(sources, s);
    ASSERT_EQ(fast.size(), slow.size()) << "trial " << trial;
    for (std::size_t k = 0; k < fast.size(); ++k) {
      EXPECT_EQ(fast[k].begin, slow[k].begin) << "trial " << trial;
      EXPECT_EQ(fast[k].end, slow[k].end) << "trial " << trial;
    }
  }
}

TEST(Faithfulness, ScoresStayInRangeOnTheRepositoryCorpus) {
  std::ifstream in(std::string(PRECIS_DATA_DIR) + "/corpus.jsonl");
  ASSERT_TRUE(in.good());
  std::string line;
  int checked = 0;
  while (std::getline(in, line) && checked < 64) {
    // Crude field extraction keeps this test free of a JSON dependency.
    auto field = [&](const std::string& name) {
      std::string key = "\"";
      key += name;
      key += "\": \"";
      const auto at = line.find(key) + key.size();
      std::string out;
      for (std::size_t i = at; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\') ++i;
        out += line[i];
      }
      return out;
    };
    const auto r = pm::grounded(field("summary"), one(field("source")));
    for (const double v :
         {r.faithfulness.score, r.faithfulness.coverage, r.faithfulness.unigram_precision,
          r.relevance.score, r.relevance.coverage, r.relevance.alignment, r.conciseness.score}) {
      if (std::isnan(v) && r.faithfulness.sentences.empty()) continue;  // no words: NaN
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 64);
}

TEST(Faithfulness, HundredThousandWordsOfSources) {
  // 20 sources of 5,000 random words (vocabulary 3,000) in 10-word sentences; a sentence copied
  // from source 17 must be found there with full support, in close to linear time (no timing
  // threshold: correctness at this size).
  std::mt19937 engine(7);
  auto rng = [&] { return static_cast<std::uint32_t>(engine()); };
  std::vector<source_doc> sources;
  std::string copied;
  for (int s = 0; s < 20; ++s) {
    std::string text;
    for (int w = 0; w < 5000; ++w) {
      text += (w % 10 == 0) ? 'W' : 'w';  // a capital after ". " starts a sentence
      text += std::to_string(rng() % 3000);
      text += (w % 10 == 9) ? ". " : " ";
    }
    if (s == 16) {
      const auto begin = text.find(". ", 20000) + 2;
      copied = text.substr(begin, text.find(". ", begin) + 1 - begin);
    }
    std::string id = "doc";
    id += std::to_string(s + 1);
    sources.push_back({id, text});
  }
  const pm::grounded_scorer scorer(sources);
  const auto r = scorer.score(copied + " Unrelated zebra text here.");
  ASSERT_EQ(r.faithfulness.sentences.size(), 2U);
  EXPECT_DOUBLE_EQ(r.faithfulness.sentences[0].support, 1.0);
  EXPECT_EQ(r.faithfulness.sentences[0].best_source_id, "doc17");
  EXPECT_DOUBLE_EQ(r.faithfulness.sentences[0].novel_bigram_ratio, 0.0);
  ASSERT_FALSE(r.faithfulness.fragments.empty());
  EXPECT_EQ(r.faithfulness.fragments[0].first_token, 0U);
  EXPECT_EQ(r.faithfulness.fragments[0].end_token, 10U);
  EXPECT_DOUBLE_EQ(r.faithfulness.compression, 100000.0 / 14.0);
}

namespace {

// Slow twin of the support kernel: every summary sentence against every source sentence, with
// stems compared as strings and idf recomputed from scratch.
struct slow_support {
  double score;
  std::size_t source;
  std::uint32_t begin;
};

std::vector<slow_support> slow_supports(const std::string& summary,
                                        const std::vector<source_doc>& sources) {
  precis::text::analyze_options a;
  a.stemmer = precis::text::stemmer_kind::porter_nltk;
  struct sent {
    std::vector<std::string> stems;
    std::size_t source;
    std::uint32_t begin;
  };
  std::vector<sent> all;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    const auto t = precis::text::analyze(sources[s].text, a);
    for (const auto& span : t->sentences()) {
      if (span.first_token == span.end_token) continue;
      sent x{{}, s, span.begin};
      for (auto p = span.first_token; p < span.end_token; ++p) {
        x.stems.emplace_back(t->stems()[t->stem_ids()[p]]);
      }
      std::sort(x.stems.begin(), x.stems.end());
      x.stems.erase(std::unique(x.stems.begin(), x.stems.end()), x.stems.end());
      all.push_back(std::move(x));
    }
  }
  const double n = static_cast<double>(all.size());
  auto idf = [&](const std::string& stem) {
    double df = 0;
    for (const auto& x : all) df += std::binary_search(x.stems.begin(), x.stems.end(), stem);
    return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  };
  std::vector<slow_support> out;
  const auto t = precis::text::analyze(summary, a);
  for (const auto& span : t->sentences()) {
    if (span.first_token == span.end_token) continue;
    std::vector<std::string> stems;
    for (auto p = span.first_token; p < span.end_token; ++p) {
      stems.emplace_back(t->stems()[t->stem_ids()[p]]);
    }
    std::sort(stems.begin(), stems.end());
    stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
    double total = 0;
    for (const auto& x : stems) total += idf(x);
    slow_support best{0.0, 0, 0};
    double top = 0.0;
    for (const auto& x : all) {
      double hit = 0;
      for (const auto& y : stems) {
        if (std::binary_search(x.stems.begin(), x.stems.end(), y)) hit += idf(y);
      }
      if (hit > top) {
        top = hit;
        best = {hit / total, x.source, x.begin};
      }
    }
    out.push_back(best);
  }
  return out;
}

}  // namespace

TEST(Faithfulness, SupportKernelMatchesSlowReferenceOnRandomTexts) {
  std::mt19937 engine(424242);
  auto rng = [&](std::uint32_t n) { return static_cast<std::uint32_t>(engine() % n); };
  const std::vector<std::string> words{"rain",    "flooded", "valley",  "farmers", "lost", "wheat",
                                       "council", "funds",   "repairs", "the",     "a",    "of",
                                       "bakery",  "bread",   "running", "runs"};
  auto sentence = [&] {
    std::string s;
    const auto len = 1 + rng(8);
    for (std::uint32_t k = 0; k < len; ++k) {
      std::string w = words[rng(static_cast<std::uint32_t>(words.size()))];
      if (k == 0) w[0] = static_cast<char>(w[0] - 'a' + 'A');
      s += w;
      s += k + 1 == len ? ". " : " ";
    }
    return s;
  };
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<source_doc> sources(1 + rng(3));
    for (std::size_t s = 0; s < sources.size(); ++s) {
      sources[s].id = std::to_string(s + 1);
      const auto n = rng(5);
      for (std::uint32_t k = 0; k < n; ++k) sources[s].text += sentence();
    }
    std::string summary;
    for (std::uint32_t k = 0, n = 1 + rng(3); k < n; ++k) summary += sentence();
    pm::grounded_options kernel_only;  // the support kernel, without the fact checks' caps
    kernel_only.check_facts = false;
    const auto fast = pm::faithfulness(summary, sources, kernel_only);
    const auto slow = slow_supports(summary, sources);
    ASSERT_EQ(fast.sentences.size(), slow.size()) << "trial " << trial;
    for (std::size_t k = 0; k < slow.size(); ++k) {
      EXPECT_NEAR(fast.sentences[k].support, slow[k].score, 1e-12) << "trial " << trial;
      if (slow[k].score > 0) {
        EXPECT_EQ(fast.sentences[k].best_source, static_cast<std::int64_t>(slow[k].source))
            << "trial " << trial;
        EXPECT_EQ(fast.sentences[k].source_span.begin, slow[k].begin) << "trial " << trial;
      }
    }
  }
}

TEST(Faithfulness, CitationMarkersAreNotContent) {
  // Same words with and without markers: the markers' numbers are neither unsupported numbers
  // nor words, and sentence spans still point into the cited summary.
  const std::vector<source_doc> sources = {{"post_1", "Maria works as a nurse."},
                                           {"post_2", "Maria lives in Denver."}};
  const std::string cited = "Maria works as a nurse [1]. Maria lives in Denver [2, 1].";
  const auto plain = pm::faithfulness("Maria works as a nurse. Maria lives in Denver.", sources);
  const auto r = pm::faithfulness(cited, sources);
  EXPECT_DOUBLE_EQ(plain.score, 1.0);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_DOUBLE_EQ(r.clipped_precision, 1.0);
  ASSERT_EQ(r.sentences.size(), 2U);
  EXPECT_EQ(r.sentences[0].span, (pm::text_span{0, 27}));  // "... nurse [1]."
  for (const auto& s : r.sentences) {
    EXPECT_TRUE(s.unsupported_numbers.empty());
    EXPECT_DOUBLE_EQ(s.support, 1.0);
  }
  // Footnote blocks too. With the option off the markers' 1, 2, 1 are tokens in no source:
  // 9 of the 12 tokens are supported.
  const auto footnoted = pm::faithfulness(cited + "\n\nSources:\n[1] post_1\n[2] post_2", sources);
  EXPECT_DOUBLE_EQ(footnoted.score, 1.0);
  pm::grounded_options keep;
  keep.ignore_citations = false;
  const auto raw = pm::faithfulness(cited, sources, keep);
  EXPECT_EQ(raw.sentences[1].unsupported_numbers.size(), 2U);
  EXPECT_DOUBLE_EQ(raw.clipped_precision, 9.0 / 12.0);
}
