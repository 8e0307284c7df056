// BLEU and sacrebleu tokenizers: hand-computed values, edge values, errors, signatures, and the
// fast kernel against the slow reference (tests/reference/bleu_reference.hpp) on seeded random
// inputs. sacrebleu parity on real data is in test_sacrebleu_parity.cpp.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../tests/reference/bleu_reference.hpp"
#include "precis/error.hpp"
#include "precis/metrics/bleu.hpp"
#include "precis/metrics/sacrebleu_tokenize.hpp"

namespace {

using namespace precis::metrics;
namespace ref = precis_reference;

std::string tok(std::string_view s, sacrebleu_tokenizer t = sacrebleu_tokenizer::mteval_13a,
                bool lc = false) {
  return sacrebleu_tokenize(s, t, lc);
}

// ---------------------------------------------------------------- tokenizers, by hand

TEST(SacrebleuTokenize, Mteval13a) {
  EXPECT_EQ(tok("Hello, world."), "Hello , world .");
  EXPECT_EQ(tok("It costs $3.50, or 1,000 yen."), "It costs $ 3.50 , or 1,000 yen .");
  EXPECT_EQ(tok("well-known 5-3 (hi) don't"), "well-known 5 - 3 ( hi ) don't");
  EXPECT_EQ(tok("&quot;quoted&quot; &amp; &lt;b&gt;"), "\" quoted \" & < b >");
  EXPECT_EQ(tok("line-\nbreak\nnext<skipped>!"), "linebreak next !");
  EXPECT_EQ(tok("a..5 x.,y 2."), "a . .5 x . , y 2 .");
  EXPECT_EQ(tok("  spaced\u00a0out\u3000 "), "spaced out");
  EXPECT_EQ(tok(""), "");
  EXPECT_EQ(tok(" \t\n "), "");
}

TEST(SacrebleuTokenize, OtherTokenizers) {
  EXPECT_EQ(tok("a  b\tc ", sacrebleu_tokenizer::none), "a b c");
  EXPECT_EQ(tok("ab c\u00e9", sacrebleu_tokenizer::character), "a b c \u00e9");
  EXPECT_EQ(tok("\u6211\u7231abc, 3.5", sacrebleu_tokenizer::zh), "\u6211 \u7231 abc , 3.5");
  // sacrebleu's zh table selects U+2001..U+2A6D (its '\u20000' is two characters): the em dash
  // is split off, as in sacrebleu.
  EXPECT_EQ(tok("a\u2014b", sacrebleu_tokenizer::zh), "a \u2014 b");
  // zh strips and does not pad, so a leading '.5' stays whole, unlike 13a.
  EXPECT_EQ(tok(".5 x", sacrebleu_tokenizer::zh), ".5 x");
  EXPECT_EQ(tok(".5 x"), ". 5 x");
  EXPECT_EQ(tok("Hello, world! 3.14 $5 \u00bfqu\u00e9?", sacrebleu_tokenizer::intl),
            "Hello , world ! 3.14 $ 5 \u00bf qu\u00e9 ?");
  EXPECT_EQ(tok("2019.", sacrebleu_tokenizer::intl), "2019.");  // mteval-v14's own quirk
}

TEST(SacrebleuTokenize, Lowercase) {
  EXPECT_EQ(tok("The CAT.", sacrebleu_tokenizer::mteval_13a, true), "the cat .");
  EXPECT_EQ(tok("\u00c0B \u039f\u0394\u039f\u03a3", sacrebleu_tokenizer::none, true),
            "\u00e0b \u03bf\u03b4\u03bf\u03c2");  // final sigma, as Python's str.lower()
  EXPECT_EQ(tok("\u0130", sacrebleu_tokenizer::none, true), "i\u0307");
}

TEST(SacrebleuTokenize, Names) {
  for (const auto t :
       {sacrebleu_tokenizer::mteval_13a, sacrebleu_tokenizer::none, sacrebleu_tokenizer::zh,
        sacrebleu_tokenizer::character, sacrebleu_tokenizer::intl}) {
    EXPECT_EQ(parse_sacrebleu_tokenizer(to_string(t)), t);
  }
  try {
    (void)parse_sacrebleu_tokenizer("ja-mecab");
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()),
              "[precis.invalid_argument] sacrebleu tokenizer 'ja-mecab' is not provided by "
              "precis (it needs an external model or dictionary); use 13a, none, zh, char or "
              "intl");
  }
  EXPECT_THROW((void)parse_sacrebleu_tokenizer("13A"), precis::error);
}

// ---------------------------------------------------------------- random text

// Pieces chosen to hit every rule: the 13a escapes, '.', ',', '-' next to digits, punctuation of
// the first class, apostrophes, non-ASCII letters and spaces, CJK, and a small vocabulary so that
// n-grams repeat.
std::string random_text(std::mt19937& rng, bool ascii_only = false) {
  static const std::vector<std::string> pieces = {
      "the",    "cat",  "sat",       "on",  "a",  "mat",   "The", "Cat", "dog",   "5",  "3",
      "2019",   ".",    ",",         "-",   "(",  ")",     "\"",  "'s",  "don't", "$",  "&amp;",
      "&quot;", "&lt;", "<skipped>", "-\n", "\n", "1,000", "3.5", "x.y", "..",    ".,", "/",
      "@",      "~",    "`",         "{",   "}",  "!",     "?",   ";",   ":",     "%"};
  static const std::vector<std::string> unicode = {"\u00e9t\u00e9", "\u00a0", "\u3000",
                                                   "\u6211",        "\u2014", "\u00bf",
                                                   "\u2019",        "\u00c0", "\u2028"};
  static const std::vector<std::string> seps = {" ", " ", " ", "", "  ", "\t"};
  std::uniform_int_distribution<int> len(0, 18), coin(0, 9);
  std::string s;
  const int n = len(rng);
  for (int i = 0; i < n; ++i) {
    if (!ascii_only && coin(rng) == 0) {
      s += unicode[std::uniform_int_distribution<std::size_t>(0, unicode.size() - 1)(rng)];
    } else {
      s += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    }
    s += seps[std::uniform_int_distribution<std::size_t>(0, seps.size() - 1)(rng)];
  }
  return s;
}

TEST(SacrebleuTokenize, MatchesRegexReferenceOnRandomText) {
  std::mt19937 rng(20241125);
  for (int k = 0; k < 5000; ++k) {
    const std::string s = random_text(rng);
    EXPECT_EQ(tok(s), ref::join(ref::bleu_tokens(s, "13a", false))) << "13a: [" << s << "]";
    EXPECT_EQ(tok(s, sacrebleu_tokenizer::zh), ref::join(ref::bleu_tokens(s, "zh", false)))
        << "zh: [" << s << "]";
    EXPECT_EQ(tok(s, sacrebleu_tokenizer::none), ref::join(ref::bleu_tokens(s, "none", false)));
    EXPECT_EQ(tok(s, sacrebleu_tokenizer::character),
              ref::join(ref::bleu_tokens(s, "char", false)));
    if (::testing::Test::HasFailure()) break;
  }
}

// ---------------------------------------------------------------- BLEU, by hand

TEST(Bleu, HandComputed) {
  // matches 3/4, 2/3, 1/2, 0/1; exp smoothing turns the last into 1/(2*1); bp = 1.
  const auto r = bleu("a b c d", "a b c e");
  EXPECT_EQ(r.statistics.matches, (std::array<std::uint64_t, 4>{3, 2, 1, 0}));
  EXPECT_EQ(r.statistics.totals, (std::array<std::uint64_t, 4>{4, 3, 2, 1}));
  EXPECT_NEAR(r.score, std::pow(0.75 * (2.0 / 3) * 0.5 * 0.5, 0.25), 1e-15);
  EXPECT_DOUBLE_EQ(r.precisions[3], 0.5);
  EXPECT_EQ(r.brevity_penalty, 1.0);
  EXPECT_EQ(r.effective_order, 4);

  // Clipping: 'the' counts at most twice; brevity penalty exp(1 - 7/4).
  const auto c = bleu("the the the the", "the cat is on the mat .");
  EXPECT_EQ(c.statistics.matches[0], 2U);
  EXPECT_NEAR(c.brevity_penalty, std::exp(1.0 - 7.0 / 4.0), 1e-15);

  // Several references: max counts per n-gram over references, closest length (shorter on ties).
  const std::vector<std::string_view> refs = {"a a x", "b a a y z"};
  const auto m = bleu("a a a b", refs);
  EXPECT_EQ(m.statistics.matches[0], 3U);        // 'a' twice + 'b' once
  EXPECT_EQ(m.statistics.reference_length, 3U);  // |4-3| = |4-5|: the shorter
  EXPECT_DOUBLE_EQ(bleu("identical text here", "identical text here").score, 1.0);
}

TEST(Bleu, SmoothingMethods) {
  bleu_options o;
  const std::string_view h = "a b x d", r = "a b c d";  // matches 4? no: 3, 1, 0, 0
  o.smoothing = bleu_smoothing::none;
  EXPECT_EQ(bleu(h, r, o).score,
            std::exp((std::log(75.0) + std::log(100.0 / 3) - 2 * 9999999999.0) / 4) * 0.01);
  o.smoothing = bleu_smoothing::floor;
  EXPECT_NEAR(bleu(h, r, o).score, std::pow(0.75 * (1.0 / 3) * 0.05 * 0.1, 0.25), 1e-15);
  o.smoothing = bleu_smoothing::add_k;
  EXPECT_NEAR(bleu(h, r, o).score, std::pow(0.75 * (2.0 / 4) * (1.0 / 3) * 0.5, 0.25), 1e-15);
  o.smoothing = bleu_smoothing::exp;
  EXPECT_NEAR(bleu(h, r, o).score, std::pow(0.75 * (1.0 / 3) * 0.25 * 0.25, 0.25), 1e-15);
  EXPECT_EQ(to_string(bleu_smoothing::add_k), "add-k");
  EXPECT_EQ(parse_bleu_smoothing("floor"), bleu_smoothing::floor);
}

TEST(Bleu, EdgeValues) {
  // Empty summary: score 0, brevity penalty 0 (sacrebleu's values), never NaN.
  const auto e = bleu("", "a reference");
  EXPECT_EQ(e.score, 0.0);
  EXPECT_EQ(e.brevity_penalty, 0.0);
  EXPECT_EQ(e.effective_order, 0);
  // Empty reference: a reference of length 0, as in sacrebleu 2.6 (it counts in nrefs and in the
  // closest length).
  const auto er = bleu("a summary", "");
  EXPECT_EQ(er.score, 0.0);
  EXPECT_EQ(er.brevity_penalty, 1.0);
  EXPECT_EQ(er.statistics.reference_length, 0U);
  EXPECT_EQ(er.length_ratio, 0.0);
  const std::vector<std::string_view> with_empty = {"", "a summary"};
  const std::vector<std::string_view> with_empty_two = {"", "a b"};
  EXPECT_DOUBLE_EQ(bleu("a summary", with_empty).score, 1.0);
  EXPECT_EQ(bleu_scorer(with_empty).reference_count(), 2U);
  // sacrebleu 2.6: BLEU(effective_order=True).sentence_score("a", ["", "a b"]) is 100 (closest
  // length 0 on the tie with 2, so no brevity penalty); skipping the empty one gave 36.79.
  const auto tie = bleu("a", with_empty_two);
  EXPECT_DOUBLE_EQ(tie.score, 1.0);
  EXPECT_EQ(tie.statistics.reference_length, 0U);
  const auto both = bleu("", "");
  EXPECT_EQ(both.score, 0.0);
  EXPECT_EQ(both.brevity_penalty, 1.0);
  // One word: sentence BLEU uses effective order 1; corpus BLEU (no effective order) gives 0.
  const auto one = bleu("hello", "hello");
  EXPECT_DOUBLE_EQ(one.score, 1.0);
  EXPECT_EQ(one.effective_order, 1);
  const std::vector<std::string_view> hs = {"hello"}, rs = {"hello"};
  EXPECT_EQ(corpus_bleu(hs, rs).score, 0.0);
  EXPECT_EQ(bleu("hello", "goodbye").score, 0.0);
}

TEST(Bleu, Errors) {
  const std::vector<std::string_view> none;
  EXPECT_THROW((void)bleu("a", std::span<const std::string_view>(none)), precis::error);
  const std::vector<std::string_view> refs = {"fine", "bad \xff byte"};
  try {
    (void)bleu("ok", refs);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()), "[precis.invalid_utf8] reference 1: invalid UTF-8 at byte 4");
  }
  try {
    (void)bleu("\xc3(", "ok");
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()), "[precis.invalid_utf8] summary: invalid UTF-8 at byte 0");
  }
  const std::vector<std::string_view> hs = {"ok", "\xe2\x82"}, rs = {"ok", "ok"};
  try {
    (void)bleu_batch(hs, rs);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()),
              "[precis.invalid_utf8] record 1, summary: invalid UTF-8 at byte 0");
  }
  const std::vector<std::string_view> short_refs = {"ok"};
  EXPECT_THROW((void)corpus_bleu(hs, short_refs), precis::error);
  bleu_options o;
  o.max_ngram_order = 5;
  try {
    (void)bleu("a", "a", o);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "invalid_argument");
  }
}

TEST(Bleu, Signatures) {
  EXPECT_EQ(bleu_signature({}), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  bleu_options o;
  o.lowercase = true;
  o.tokenizer = sacrebleu_tokenizer::intl;
  o.smoothing = bleu_smoothing::floor;
  EXPECT_EQ(bleu_signature(o, std::nullopt, false),
            "nrefs:var|case:lc|eff:yes|tok:intl|smooth:floor[0.10]|version:2.6.0");
  o.smoothing = bleu_smoothing::add_k;
  o.smooth_value = 0.5;
  EXPECT_EQ(bleu_signature(o, 11),
            "nrefs:11|case:lc|eff:no|tok:intl|smooth:add-k[0.50]|version:2.6.0");
}

// ---------------------------------------------------------------- against the slow twin

TEST(Bleu, MatchesReferenceOnRandomInputs) {
  std::mt19937 rng(7);
  const std::vector<std::pair<bleu_smoothing, std::string>> methods = {
      {bleu_smoothing::none, "none"},
      {bleu_smoothing::floor, "floor"},
      {bleu_smoothing::add_k, "add-k"},
      {bleu_smoothing::exp, "exp"}};
  const std::vector<std::pair<sacrebleu_tokenizer, std::string>> tokenizers = {
      {sacrebleu_tokenizer::mteval_13a, "13a"},
      {sacrebleu_tokenizer::none, "none"},
      {sacrebleu_tokenizer::zh, "zh"},
      {sacrebleu_tokenizer::character, "char"}};
  for (int k = 0; k < 4000; ++k) {
    const bool lc = k % 3 == 0;
    const std::string hyp = random_text(rng, lc);
    std::vector<std::string> refs(static_cast<std::size_t>(1 + k % 4));
    for (auto& r : refs) r = k % 11 == 0 ? std::string() : random_text(rng, lc);
    const std::vector<std::string_view> views(refs.begin(), refs.end());
    bleu_options o;
    o.tokenizer = tokenizers[static_cast<std::size_t>(k) % tokenizers.size()].first;
    o.smoothing = methods[static_cast<std::size_t>(k / 4) % methods.size()].first;
    o.lowercase = lc;
    o.max_ngram_order = 1 + (k / 16) % 4;
    o.effective_order = k % 2 == 0;
    const auto fast = bleu(hyp, views, o);
    const auto slow = ref::bleu_statistics(
        hyp, refs, tokenizers[static_cast<std::size_t>(k) % 4].second, lc, o.max_ngram_order);
    for (std::size_t n = 0; n < static_cast<std::size_t>(o.max_ngram_order); ++n) {
      ASSERT_EQ(fast.statistics.matches[n], slow.correct[n]) << k << " [" << hyp << "]";
      ASSERT_EQ(fast.statistics.totals[n], slow.total[n]) << k;
    }
    ASSERT_EQ(fast.statistics.summary_length, slow.sys_len);
    ASSERT_EQ(fast.statistics.reference_length, slow.ref_len);
    const std::string& m = methods[static_cast<std::size_t>(k / 4) % methods.size()].second;
    const double value = m == "floor" ? 0.1 : 1.0;
    ASSERT_NEAR(100 * fast.score, ref::bleu_score100(slow, m, value, *o.effective_order), 1e-9)
        << k;
    // The cached scorer runs the same kernel: identical results.
    const bleu_scorer scorer(views, o);
    const auto cached = scorer.score(hyp);
    ASSERT_EQ(cached.statistics, fast.statistics);
    ASSERT_EQ(cached.score, fast.score);
  }
}

TEST(Bleu, LargeVocabularyFallsBackToChainedKeys) {
  // 40,000 distinct tokens need 16 bits each: 4-grams no longer pack into one key.
  std::string reference, summary;
  const auto word = [](std::string& out, int k) {  // (no operator+: GCC 12 -Wrestrict noise)
    out += 'w';
    out += std::to_string(k);
    out += ' ';
  };
  for (int k = 0; k < 40000; ++k) word(reference, k);
  for (int k = 100; k < 160; ++k) word(summary, k % 7 == 0 ? k + 1 : k);
  summary += "unknown w5 w6 w7 w8";
  const auto fast = bleu(summary, reference);
  const auto slow = ref::bleu_statistics(summary, {reference}, "13a", false, 4);
  for (std::size_t n = 0; n < 4; ++n) EXPECT_EQ(fast.statistics.matches[n], slow.correct[n]);
  EXPECT_NEAR(100 * fast.score, ref::bleu_score100(slow, "exp", 0, true), 1e-9);
}

TEST(Bleu, CorpusIsSummedStatistics) {
  std::mt19937 rng(11);
  std::vector<std::string> hyps, refs;
  for (int k = 0; k < 200; ++k) {
    hyps.push_back(random_text(rng));
    refs.push_back(random_text(rng));
  }
  const std::vector<std::string_view> hv(hyps.begin(), hyps.end()), rv(refs.begin(), refs.end());
  bleu_statistics sum;
  for (std::size_t i = 0; i < hv.size(); ++i) sum += bleu(hv[i], rv[i]).statistics;
  const auto corpus = corpus_bleu(hv, rv, {}, 2);
  EXPECT_EQ(corpus.statistics, sum);
  EXPECT_EQ(corpus.score, bleu_from_statistics(sum, {}, false).score);
  const auto batch = bleu_batch(hv, rv, {}, 3);
  for (std::size_t i = 0; i < hv.size(); ++i) EXPECT_EQ(batch[i].score, bleu(hv[i], rv[i]).score);
}

TEST(SacrebleuTokenize, Mteval13aMatchesRegexReferenceOnEveryShortPiece) {
  // Every string of up to 5 characters over the characters the four substitutions react to
  // (digits, '.', ',', '-', a first-class symbol) plus a letter and a two-byte letter: the
  // 13a tokenizer cuts such pieces without running the substitutions, so check it exhaustively.
  const std::vector<std::string> alphabet = {"0", ".", ",", "-", "/", "a", "\u00e9"};
  std::vector<std::size_t> digits;
  for (std::size_t len = 1; len <= 5; ++len) {
    digits.assign(len, 0);
    for (;;) {
      std::string s;
      for (const std::size_t d : digits) s += alphabet[d];
      ASSERT_EQ(tok(s), ref::join(ref::bleu_tokens(s, "13a", false))) << "[" << s << "]";
      std::size_t k = 0;
      while (k < len && ++digits[k] == alphabet.size()) digits[k++] = 0;
      if (k == len) break;
    }
  }
}

TEST(Bleu, LongTokensMatchReference) {
  // Tokens longer than 8 and 16 bytes that share their first bytes, or differ only in length:
  // the vocabulary compares them a word at a time past the first 8 bytes.
  std::mt19937 rng(99);
  const std::vector<std::string> words = {"internationalization",
                                          "internationalisation",
                                          "international",
                                          "internationally",
                                          "x",
                                          "12345678",
                                          "123456789",
                                          "1234567890123456",
                                          "12345678901234567",
                                          "abcdefgh",
                                          "abcdefghi",
                                          "abcdefgh-ijk"};
  const auto text = [&] {
    std::string s;
    const int n = std::uniform_int_distribution<int>(0, 30)(rng);
    for (int i = 0; i < n; ++i) {
      s += words[std::uniform_int_distribution<std::size_t>(0, words.size() - 1)(rng)];
      s += ' ';
    }
    return s;
  };
  for (int k = 0; k < 500; ++k) {
    const std::string hyp = text();
    std::vector<std::string> refs(static_cast<std::size_t>(1 + k % 3));
    for (auto& r : refs) r = text();
    const std::vector<std::string_view> views(refs.begin(), refs.end());
    const auto fast = bleu(hyp, views);
    const auto slow = ref::bleu_statistics(hyp, refs, "13a", false, 4);
    for (std::size_t n = 0; n < 4; ++n) {
      ASSERT_EQ(fast.statistics.matches[n], slow.correct[n]) << k << " [" << hyp << "]";
      ASSERT_EQ(fast.statistics.totals[n], slow.total[n]) << k;
    }
    ASSERT_EQ(fast.statistics.reference_length, slow.ref_len) << k;
    ASSERT_EQ(bleu_scorer(views).score(hyp).statistics, fast.statistics) << k;
  }
}

TEST(Bleu, ScorerIsThreadSafe) {
  std::mt19937 rng(3);
  const std::vector<std::string> refs = {random_text(rng), random_text(rng)};
  const std::vector<std::string_view> rv(refs.begin(), refs.end());
  std::vector<std::string> hyps;
  for (int k = 0; k < 300; ++k) hyps.push_back(random_text(rng));
  const bleu_scorer scorer(rv);
  std::vector<double> expected;
  for (const auto& h : hyps) expected.push_back(bleu(h, rv).score);
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
