// chrF / chrF++: hand-computed values, edge values, errors, signatures, and the fast kernel
// against the slow reference (tests/reference/bleu_reference.hpp) on seeded random inputs.
// sacrebleu parity on real data is in test_sacrebleu_parity.cpp.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../tests/reference/bleu_reference.hpp"
#include "precis/error.hpp"
#include "precis/metrics/chrf.hpp"

namespace {

using namespace precis::metrics;
namespace ref = precis_reference;

TEST(Chrf, HandComputed) {
  // "ab" vs "ac" (char_order 2): unigrams 1/2 match, bigrams 0/1.
  // Effective order 2: P = R = (0.5 + 0) / 2 = 0.25, F2 = 0.25.
  chrf_options o;
  o.char_order = 2;
  const auto r = chrf("ab", "ac", o);
  EXPECT_EQ(r.statistics.chars[0], (chrf_ngram_statistics{2, 2, 1}));
  EXPECT_EQ(r.statistics.chars[1], (chrf_ngram_statistics{1, 1, 0}));
  EXPECT_DOUBLE_EQ(r.precision, 0.25);
  EXPECT_DOUBLE_EQ(r.recall, 0.25);
  EXPECT_DOUBLE_EQ(r.score, 0.25);
  EXPECT_EQ(r.effective_order, 2);

  // Whitespace is removed: "a b" and "ab" are the same for chrF.
  EXPECT_DOUBLE_EQ(chrf("a b", "ab").score, 1.0);
  // beta weighs recall: P = 1, R = 0.5 (unigram only) -> F2 = 5 * 0.5 / (4 + 0.5).
  o.char_order = 1;
  EXPECT_DOUBLE_EQ(chrf("ab", "abcd", o).score, 5 * 0.5 / 4.5);
  o.beta = 1;
  EXPECT_DOUBLE_EQ(chrf("ab", "abcd", o).score, 2 * 0.5 / 1.5);
}

TEST(Chrf, ChrfPlusPlusWords) {
  // sacrebleu's _remove_punctuation splits one trailing punctuation character, or else one
  // leading one: "(hi) end." -> "(hi" ")" "end" "." but "(hi ) end ." -> "(" "hi" ")" "end" "."
  // (sacrebleu issue #124). Matches: ")", "end", "."; P = 3/4, R = 3/5.
  chrf_options o;
  o.char_order = 0;
  o.word_order = 1;
  const auto r = chrf("(hi) end.", "(hi ) end .", o);
  EXPECT_EQ(r.statistics.words[0], (chrf_ngram_statistics{4, 5, 3}));
  EXPECT_DOUBLE_EQ(r.score, 5 * 0.75 * 0.6 / (4 * 0.75 + 0.6));
}

TEST(Chrf, BestReferenceWins) {
  const std::vector<std::string_view> refs = {"completely different", "", "the cat sat"};
  const auto r = chrf("the cat sat", refs);
  EXPECT_EQ(r.best_reference, 2U);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_EQ(chrf_scorer(refs).reference_count(), 3U);  // the empty one counts (sacrebleu 2.6)
  // Ties keep the first reference.
  const std::vector<std::string_view> same = {"the cat", "the cat"};
  EXPECT_EQ(chrf("the cat", same).best_reference, 0U);
}

TEST(Chrf, EdgeValues) {
  EXPECT_EQ(chrf("", "a reference").score, 0.0);
  EXPECT_EQ(chrf("a summary", "").score, 0.0);
  EXPECT_EQ(chrf("", "").score, 0.0);
  EXPECT_EQ(chrf("   ", "abc").score, 0.0);
  // One character: only order 1 is effective.
  const auto one = chrf("a", "a");
  EXPECT_DOUBLE_EQ(one.score, 1.0);
  EXPECT_EQ(one.effective_order, 1);
  // The summary counts are 0 for orders the reference lacks (sacrebleu's rule).
  const auto shorter = chrf("abcdef", "ab");
  EXPECT_EQ(shorter.statistics.chars[2].summary, 0U);
  EXPECT_EQ(shorter.statistics.chars[1].summary, 5U);
  // eps smoothing never divides by zero either.
  chrf_options o;
  o.eps_smoothing = true;
  EXPECT_TRUE(std::isfinite(chrf("", "", o).score));
  EXPECT_GE(chrf("", "", o).score, 0.0);
}

TEST(Chrf, EmptyReferenceIsKeptAsInSacrebleu26) {
  // sacrebleu 2.6 keeps an empty reference string: it scores 0, so when it comes first and no
  // other reference scores above 0 it is the best one, and its statistics (all zero) go into the
  // corpus sums. CHRF().corpus_score(["abc", "cde"], [["", "cde"], ["xyz", "cde"]]) is 100.0;
  // skipping the empty reference gave 50.0.
  const std::vector<std::string_view> first_empty = {"", "xyz"};
  const auto r = chrf("abc", first_empty);
  EXPECT_EQ(r.score, 0.0);
  EXPECT_EQ(r.best_reference, 0U);
  EXPECT_EQ(r.statistics, chrf_statistics{});
  EXPECT_EQ(chrf_scorer(first_empty).reference_count(), 2U);
  const std::vector<std::string_view> hyps = {"abc", "cde"};
  const std::vector<std::vector<std::string_view>> refs = {{"", "xyz"}, {"cde", "cde"}};
  EXPECT_DOUBLE_EQ(corpus_chrf(hyps, refs).score, 1.0);
  chrf_options pp;
  pp.word_order = 2;
  const std::vector<std::string_view> hyps_pp = {"abc d", "cde"};
  EXPECT_DOUBLE_EQ(corpus_chrf(hyps_pp, refs, pp).score, 1.0);
}

TEST(Chrf, Lowercase) {
  chrf_options o;
  o.lowercase = true;
  EXPECT_DOUBLE_EQ(chrf("\u00c9T\u00c9 ABC", "\u00e9t\u00e9 abc", o).score, 1.0);
  EXPECT_LT(chrf("\u00c9T\u00c9 ABC", "\u00e9t\u00e9 abc").score, 0.5);
}

TEST(Chrf, Errors) {
  const std::vector<std::string_view> none;
  EXPECT_THROW((void)chrf("a", std::span<const std::string_view>(none)), precis::error);
  const std::vector<std::string_view> refs = {"ok", "\xf0\x9f"};
  try {
    (void)chrf("ok", refs);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()), "[precis.invalid_utf8] reference 1: invalid UTF-8 at byte 0");
  }
  chrf_options o;
  o.char_order = 0;
  try {
    (void)chrf("a", "a", o);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()),
              "[precis.invalid_argument] chrf: char_order + word_order must be at least 1");
  }
  o = {};
  o.beta = -1;
  EXPECT_THROW((void)chrf("a", "a", o), precis::error);
}

TEST(Chrf, Signatures) {
  EXPECT_EQ(chrf_signature({}), "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0");
  chrf_options o;
  o.word_order = 2;
  o.lowercase = true;
  o.whitespace = true;
  o.eps_smoothing = true;
  EXPECT_EQ(chrf_signature(o, std::nullopt),
            "nrefs:var|case:lc|eff:no|nc:6|nw:2|space:yes|version:2.6.0");
}

std::string random_text(std::mt19937& rng, bool ascii_only) {
  static const std::vector<std::string> words = {"ab",   "ba",  "a",  "b",   "abc", "the",
                                                 "(ab)", "ab.", ",b", "a-b", "\"",  "."};
  static const std::vector<std::string> unicode = {"\u00e9", "\u6211", "\u00a0", "\u03a3"};
  std::uniform_int_distribution<int> len(0, 14), coin(0, 7);
  std::string s;
  const int n = len(rng);
  for (int i = 0; i < n; ++i) {
    if (!ascii_only && coin(rng) == 0) {
      s += unicode[std::uniform_int_distribution<std::size_t>(0, unicode.size() - 1)(rng)];
    } else {
      s += words[std::uniform_int_distribution<std::size_t>(0, words.size() - 1)(rng)];
    }
    s += coin(rng) < 6 ? " " : (coin(rng) < 4 ? "" : "\t ");
  }
  return s;
}

TEST(Chrf, MatchesReferenceOnRandomInputs) {
  std::mt19937 rng(1234);
  for (int k = 0; k < 4000; ++k) {
    chrf_options o;
    o.char_order = 1 + k % 6;
    o.word_order = (k / 6) % 3;
    o.beta = (k / 18) % 3 == 0 ? 1.0 : 2.0;
    o.whitespace = k % 5 == 0;
    o.lowercase = k % 7 == 0;
    o.eps_smoothing = k % 4 == 0;
    const std::string hyp = random_text(rng, o.lowercase);
    std::vector<std::string> refs(static_cast<std::size_t>(1 + k % 3));
    for (auto& r : refs) r = k % 13 == 0 ? std::string() : random_text(rng, o.lowercase);
    const std::vector<std::string_view> views(refs.begin(), refs.end());
    const auto fast = chrf(hyp, views, o);
    const auto slow = ref::chrf_best(hyp, refs, o.char_order, o.word_order, o.beta, o.whitespace,
                                     o.lowercase, o.eps_smoothing);
    for (int n = 0; n < o.char_order; ++n) {
      const auto& f = fast.statistics.chars[static_cast<std::size_t>(n)];
      const auto i = static_cast<std::size_t>(n);
      ASSERT_EQ(f.summary, slow.hyp[i]) << k << " [" << hyp << "]";
      ASSERT_EQ(f.reference, slow.ref[i]) << k;
      ASSERT_EQ(f.matches, slow.match[i]) << k;
    }
    for (int n = 0; n < o.word_order; ++n) {
      const auto& f = fast.statistics.words[static_cast<std::size_t>(n)];
      const auto i = static_cast<std::size_t>(o.char_order + n);
      ASSERT_EQ(f.summary, slow.hyp[i]) << k << " [" << hyp << "]";
      ASSERT_EQ(f.reference, slow.ref[i]) << k;
      ASSERT_EQ(f.matches, slow.match[i]) << k;
    }
    ASSERT_NEAR(100 * fast.score, ref::chrf_score100(slow, o.beta, o.eps_smoothing), 1e-9) << k;
    const chrf_scorer scorer(views, o);
    const auto cached = scorer.score(hyp);
    ASSERT_EQ(cached.statistics, fast.statistics);
    ASSERT_EQ(cached.score, fast.score);
    ASSERT_EQ(cached.best_reference, fast.best_reference);
  }
}

TEST(Chrf, LargeAlphabetFallsBackToChainedKeys) {
  // 300 distinct CJK characters need 9 bits: 8-grams no longer pack into one key.
  std::string reference, summary;
  for (char32_t c = 0x4E00; c < 0x4E00 + 300; ++c) reference += ref::encode(c);
  for (char32_t c = 0x4E00 + 20; c < 0x4E00 + 90; ++c) summary += ref::encode(c % 5 ? c : c + 1);
  chrf_options o;
  o.char_order = 8;
  const auto fast = chrf(summary, reference, o);
  const auto slow = ref::chrf_best(summary, {reference}, 8, 0, 2.0, false, false, false);
  for (std::size_t n = 0; n < 8; ++n) EXPECT_EQ(fast.statistics.chars[n].matches, slow.match[n]);
  EXPECT_NEAR(100 * fast.score, ref::chrf_score100(slow, 2.0, false), 1e-9);
}

TEST(Chrf, CorpusIsSummedStatistics) {
  std::mt19937 rng(5);
  std::vector<std::string> hyps, refs;
  for (int k = 0; k < 200; ++k) {
    hyps.push_back(random_text(rng, false));
    refs.push_back(random_text(rng, false));
  }
  const std::vector<std::string_view> hv(hyps.begin(), hyps.end()), rv(refs.begin(), refs.end());
  chrf_options o;
  o.word_order = 2;
  chrf_statistics sum;
  for (std::size_t i = 0; i < hv.size(); ++i) sum += chrf(hv[i], rv[i], o).statistics;
  const auto corpus = corpus_chrf(hv, rv, o, 2);
  EXPECT_EQ(corpus.statistics, sum);
  EXPECT_EQ(corpus.score, chrf_from_statistics(sum, o).score);
  const auto batch = chrf_batch(hv, rv, o, 3);
  for (std::size_t i = 0; i < hv.size(); ++i)
    EXPECT_EQ(batch[i].score, chrf(hv[i], rv[i], o).score);
}

TEST(Chrf, ScorerIsThreadSafe) {
  std::mt19937 rng(9);
  const std::vector<std::string> refs = {random_text(rng, false), random_text(rng, false)};
  const std::vector<std::string_view> rv(refs.begin(), refs.end());
  std::vector<std::string> hyps;
  for (int k = 0; k < 300; ++k) hyps.push_back(random_text(rng, false));
  const chrf_scorer scorer(rv);
  std::vector<double> expected;
  for (const auto& h : hyps) expected.push_back(chrf(h, rv).score);
  std::vector<std::thread> pool;
  std::vector<int> ok(4, 1);
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] {
      for (int rep = 0; rep < 5; ++rep) {
        for (std::size_t i = 0; i < hyps.size(); ++i) {
          if (scorer.score(hyps[i]).score != expected[i]) ok[static_cast<std::size_t>(t)] = 0;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(ok, std::vector<int>(4, 1));
  const std::vector<std::string_view> hv(hyps.begin(), hyps.end());
  const auto batch = scorer.score_batch(hv, 4);
  for (std::size_t i = 0; i < hv.size(); ++i) EXPECT_EQ(batch[i].score, expected[i]);
}

}  // namespace
