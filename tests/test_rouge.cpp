// Tests of precis/metrics/rouge.hpp and its kernel: the id kernels against the slow reference on
// thousands of seeded random inputs, the rouge_score tokenizer against its twin on random texts,
// hand-computed cases, edge values, free function == scorer == batch, aggregation, errors (pinned
// word for word) and the unicode tokenizer.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "precis/error.hpp"
#include "precis/metrics/detail/rouge_kernel.hpp"
#include "precis/metrics/detail/rouge_tokenize.hpp"
#include "precis/metrics/rouge.hpp"
#include "precis/text/porter.hpp"
#include "reference/rouge_reference.hpp"

namespace pm = precis::metrics;
namespace pmd = precis::metrics::detail;
namespace ref = precis_reference::rouge;

namespace {

std::string porter(std::string_view w) { return precis::text::porter_stem(w); }

pm::rouge_options rouge_score_options(bool stem = false) {
  pm::rouge_options o;
  o.tokenizer = pm::rouge_tokenizer::rouge_score;
  o.use_stemmer = stem;
  return o;
}

std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const precis::error& e) {
    return e.what();
  }
  return "(no error)";
}

// P and R as rouge-score computes them from the kernel's counts.
ref::prf from_counts(const pmd::rouge_counts& c, bool ngram) {
  ref::prf s;
  if (ngram) {
    s.precision = static_cast<double>(c.overlap) /
                  static_cast<double>(std::max<std::size_t>(c.summary_count, 1));
    s.recall = static_cast<double>(c.overlap) /
               static_cast<double>(std::max<std::size_t>(c.reference_count, 1));
  } else if (c.summary_count > 0 && c.reference_count > 0) {
    s.precision = static_cast<double>(c.overlap) / static_cast<double>(c.summary_count);
    s.recall = static_cast<double>(c.overlap) / static_cast<double>(c.reference_count);
  }
  s.fmeasure = pmd::rouge_fmeasure(s.precision, s.recall);
  return s;
}

void expect_same(const ref::prf& expected, const pm::rouge_prf& got, const std::string& what) {
  EXPECT_EQ(expected.precision, got.precision) << what;
  EXPECT_EQ(expected.recall, got.recall) << what;
  EXPECT_EQ(expected.fmeasure, got.f1) << what;
}

void expect_same(const ref::prf& expected, const ref::prf& got, const std::string& what) {
  EXPECT_EQ(expected.precision, got.precision) << what;
  EXPECT_EQ(expected.recall, got.recall) << what;
  EXPECT_EQ(expected.fmeasure, got.fmeasure) << what;
}

// Random sentences of token indices in [0, vocab).
// Token string of index t ("w3"); built with append, which GCC 12's -Wrestrict does not misread.
std::string word(int t) {
  std::string w("w");
  w.append(std::to_string(t));
  return w;
}

std::vector<std::vector<int>> random_sentences(std::mt19937& rng, int vocab, int max_sentences,
                                               int max_len) {
  std::uniform_int_distribution<int> ns(0, max_sentences), len(0, max_len), tok(0, vocab - 1);
  std::vector<std::vector<int>> out(static_cast<std::size_t>(ns(rng)));
  for (auto& s : out) {
    s.resize(static_cast<std::size_t>(len(rng)));
    for (int& t : s) t = tok(rng);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Kernel vs slow reference

TEST(RougeKernel, MatchesReferenceOnRandomTokenSequences) {
  std::mt19937 rng(20241125);
  pmd::rouge_kernel kernel;
  int checked = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    const int vocab = 1 + iter % 8;                // small vocabularies: many repeats
    const int max_len = iter % 10 == 0 ? 90 : 14;  // some references need several 64-bit words
    const auto r_sents = random_sentences(rng, vocab, 4, max_len);
    const auto s_sents = random_sentences(rng, vocab + 2, 4, max_len);  // some unseen tokens

    // Strings for the reference, dense ids (first appearance) for the kernel.
    std::vector<std::uint32_t> dense(static_cast<std::size_t>(vocab + 2), pmd::absent_id);
    std::uint32_t next = 0;
    std::vector<std::uint32_t> r_ids, r_ends, s_ids, s_ends;
    std::vector<ref::tokens> r_str, s_str;
    for (const auto& s : r_sents) {
      r_str.emplace_back();
      for (const int t : s) {
        auto& d = dense[static_cast<std::size_t>(t)];
        if (d == pmd::absent_id) d = next++;
        r_ids.push_back(d);
        r_str.back().push_back(word(t));
      }
      if (!s.empty()) r_ends.push_back(static_cast<std::uint32_t>(r_ids.size()));
    }
    for (const auto& s : s_sents) {
      s_str.emplace_back();
      for (const int t : s) {
        s_ids.push_back(dense[static_cast<std::size_t>(t)]);
        s_str.back().push_back(word(t));
      }
      if (!s.empty()) s_ends.push_back(static_cast<std::uint32_t>(s_ids.size()));
    }
    ref::tokens r_flat, s_flat;
    for (const auto& s : r_str) r_flat.insert(r_flat.end(), s.begin(), s.end());
    for (const auto& s : s_str) s_flat.insert(s_flat.end(), s.begin(), s.end());

    pmd::rouge_reference_index index;
    index.build(r_ids, r_ends, next, 9, true);
    const std::string what = "iteration " + std::to_string(iter);
    for (int n = 1; n <= 9; n += (n < 4 ? 1 : 5)) {
      expect_same(ref::score_ngrams(r_flat, s_flat, static_cast<std::size_t>(n)),
                  from_counts(kernel.ngrams(index, s_ids, n), true),
                  what + " rouge" + std::to_string(n));
    }
    expect_same(ref::score_lcs(r_flat, s_flat), from_counts(kernel.lcs(index, s_ids), false),
                what + " rougeL");
    expect_same(ref::summary_level_lcs(r_str, s_str),
                from_counts(kernel.summary_level_lcs(index, s_ids, s_ends), false),
                what + " rougeLsum");
    ++checked;
  }
  EXPECT_EQ(checked, 6000);
}

TEST(RougeKernel, LcsAcrossWordBoundaries) {
  // 130 tokens: the bit-parallel LCS carries across three 64-bit words.
  std::vector<std::uint32_t> r(130), s;
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::uint32_t>(i % 3);
  for (std::size_t i = 0; i < 200; ++i) s.push_back(static_cast<std::uint32_t>((i * 7) % 4));
  pmd::rouge_reference_index index;
  const std::vector<std::uint32_t> ends{130};
  index.build(r, ends, 3, 1, true);
  pmd::rouge_kernel k;
  ref::tokens rs, ss;
  for (auto t : r) rs.push_back(std::to_string(t));
  for (auto t : s) ss.push_back(std::to_string(t));
  const int expected = ref::lcs_table(rs, ss).back().back();
  for (auto& t : s) t = t < 3 ? t : pmd::absent_id;
  EXPECT_EQ(k.lcs(index, s).overlap, static_cast<std::size_t>(expected));
}

// ---------------------------------------------------------------------------------------------
// Tokenizer and text level vs the reference

TEST(RougeTokenize, MatchesRougeScoreRules) {
  std::vector<std::string> tokens;
  int newlines = 0;
  std::string buffer;
  pmd::rouge_score_tokenize(
      "Hello, WORLD!\nIt's 14,000 km\xE2\x84\xAA caf\xC3\xA9 \xC4\xB0stanbul "
      "DI\xCC\x87\n\xE4\xB8\xAD",
      buffer, [&](std::string_view t) { tokens.emplace_back(t); }, [&] { ++newlines; });
  const std::vector<std::string> expected{"hello", "world", "it", "s",       "14", "000",
                                          "kmk",   "caf",   "i",  "stanbul", "di"};
  EXPECT_EQ(tokens, expected);
  EXPECT_EQ(newlines, 2);
  EXPECT_EQ(ref::tokenize("Hello, WORLD!\nIt's 14,000 km\xE2\x84\xAA caf\xC3\xA9 \xC4\xB0stanbul "
                          "DI\xCC\x87\n\xE4\xB8\xAD"),
            expected);
}

TEST(Rouge, RougeScoreModeMatchesReferenceOnRandomTexts) {
  const std::vector<std::string> words{
      "the",
      "The",
      "cat",
      "cats",
      "running",
      "runs",
      "ran",
      "dog",
      "dogs.",
      "a",
      "A,",
      "sat",
      "sitting",
      "14,000",
      "it's",
      "(cnn)",
      "--",
      "caf\xC3\xA9",
      "\xE2\x84\xAA"
      "elvin",
      "\xC4\xB0zmir",
      "\xD0\xBA\xD0\xBE\xD1\x82",
      "\xE4\xB8\xAD",
      "news",
      "says",
      "used",
      "\n",
      "\n",
      "\n\n",
      "ies",
      "generously",
      "connection",
      "...",
  };
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, words.size() - 1);
  std::uniform_int_distribution<int> len(0, 30);
  auto text = [&] {
    std::string t;
    const int n = len(rng);
    for (int i = 0; i < n; ++i) {
      if (!t.empty() && t.back() != '\n') t += ' ';
      t += words[pick(rng)];
    }
    return t;
  };
  const std::vector<std::string> types{"rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"};
  for (int iter = 0; iter < 1500; ++iter) {
    const std::string target = text(), prediction = text();
    for (const bool stem : {false, true}) {
      auto options = rouge_score_options(stem);
      options.types = types;
      const pm::rouge_result got = pm::rouge(prediction, target, options);
      const std::function<std::string(std::string_view)> stemmer =
          stem ? std::function<std::string(std::string_view)>(porter) : nullptr;
      for (const auto& type : types) {
        expect_same(ref::score(type, target, prediction, stemmer), got[type],
                    "iter " + std::to_string(iter) + " " + type + (stem ? " stem" : ""));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-computed cases

TEST(Rouge, ReadmeExample) {
  // rouge-score's README: score('The quick brown fox jumps over the lazy dog',
  //                             'The quick brown dog jumps on the log.')
  auto o = rouge_score_options();
  o.types = {"rouge1", "rougeL"};
  const auto r = pm::rouge("The quick brown dog jumps on the log.",
                           "The quick brown fox jumps over the lazy dog", o);
  EXPECT_EQ(r["rouge1"].overlap, 6U);  // the x2, quick, brown, dog, jumps
  EXPECT_EQ(r["rouge1"].summary_count, 8U);
  EXPECT_EQ(r["rouge1"].reference_count, 9U);
  EXPECT_DOUBLE_EQ(r["rouge1"].precision, 0.75);
  EXPECT_DOUBLE_EQ(r["rouge1"].recall, 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(r["rouge1"].f1, 0.7058823529411765);
  EXPECT_EQ(r["rougeL"].overlap, 5U);  // the quick brown jumps the
  EXPECT_DOUBLE_EQ(r["rougeL"].precision, 0.625);
  EXPECT_DOUBLE_EQ(r["rougeL"].recall, 0.5555555555555556);
  EXPECT_DOUBLE_EQ(r["rougeL"].f1, 0.5882352941176471);
  EXPECT_FALSE(r.has(pm::rouge_type::rouge2));
  EXPECT_EQ(r.types(),
            (std::vector<pm::rouge_type>{pm::rouge_type::rouge1, pm::rouge_type::rouge_l}));
}

TEST(Rouge, BigramsClipCounts) {
  auto o = rouge_score_options();
  o.types = {"rouge2"};
  // summary bigrams: a b, b a, a b, b a, a b (5); reference: a b, b c (2); overlap min(3,1) = 1
  const auto r = pm::rouge("a b a b a b", "a b c", o)["rouge2"];
  EXPECT_EQ(r.overlap, 1U);
  EXPECT_EQ(r.summary_count, 5U);
  EXPECT_EQ(r.reference_count, 2U);
  EXPECT_DOUBLE_EQ(r.precision, 0.2);
  EXPECT_DOUBLE_EQ(r.recall, 0.5);
  EXPECT_DOUBLE_EQ(r.f1, 2 * 0.2 * 0.5 / 0.7);
}

TEST(Rouge, LsumUnionOfLcs) {
  auto o = rouge_score_options();
  o.types = {"rougeLsum", "rougeL"};
  // reference sentence "a b c"; summary sentences "a b" and "b c": LCS positions {0,1} and {1,2},
  // union {0,1,2}: 3 hits. rougeL over the whole texts: LCS("a b c", "a b b c") = 3.
  const auto r = pm::rouge("a b\nb c", "a b c", o);
  EXPECT_EQ(r["rougeLsum"].overlap, 3U);
  EXPECT_DOUBLE_EQ(r["rougeLsum"].precision, 0.75);
  EXPECT_DOUBLE_EQ(r["rougeLsum"].recall, 1.0);
  EXPECT_EQ(r["rougeL"].overlap, 3U);
}

TEST(Rouge, LsumHitCountingPreventsDoubleCounting) {
  auto o = rouge_score_options();
  o.types = {"rougeLsum"};
  // Both reference sentences contain "a", the summary only once: one hit, not two.
  const auto r = pm::rouge("a", "a x\na y", o)["rougeLsum"];
  EXPECT_EQ(r.overlap, 1U);
  EXPECT_DOUBLE_EQ(r.precision, 1.0);
  EXPECT_DOUBLE_EQ(r.recall, 0.25);
  // Empty lines are dropped; lines without tokens count for nothing.
  const auto same = pm::rouge("\n\na\n...\n", "a x\n\n!!\na y\n", o)["rougeLsum"];
  EXPECT_EQ(same, r);
}

TEST(Rouge, StemmingOnlyForTokensLongerThanThree) {
  auto o = rouge_score_options(true);
  o.types = {"rouge1"};
  // "runs" -> "run", "running" -> "run"; "ies" (3 chars) is not stemmed ("ies" -> "i" if it were)
  EXPECT_DOUBLE_EQ(pm::rouge("runs", "running", o)["rouge1"].f1, 1.0);
  EXPECT_DOUBLE_EQ(pm::rouge("ies", "i", o)["rouge1"].f1, 0.0);
  o.use_stemmer = false;
  EXPECT_DOUBLE_EQ(pm::rouge("runs", "running", o)["rouge1"].f1, 0.0);
}

// ---------------------------------------------------------------------------------------------
// Edge values: rouge-score returns 0 (never NaN) when either side has no tokens

TEST(Rouge, EmptyInputsScoreZero) {
  pm::rouge_options all = rouge_score_options(true);
  all.types = {"rouge1", "rouge2", "rouge9", "rougeL", "rougeLsum"};
  for (const auto tokenizer : {pm::rouge_tokenizer::rouge_score, pm::rouge_tokenizer::unicode}) {
    all.tokenizer = tokenizer;
    for (const auto& [s, r] : std::vector<std::pair<std::string, std::string>>{
             {"", "the cat"}, {"the cat", ""}, {"", ""}, {"!!! ...", "the cat"}, {"\n\n", " "}}) {
      const auto result = pm::rouge(s, r, all);
      for (const auto t : result.types()) {
        const auto& x = result[t];
        EXPECT_EQ(x.f1, 0.0) << s << " | " << r;
        EXPECT_EQ(x.precision, 0.0);
        EXPECT_EQ(x.recall, 0.0);
        EXPECT_EQ(x.overlap, 0U);
        EXPECT_FALSE(std::isnan(x.f1));
      }
    }
  }
  // Too short for the n-gram order: 0 with the counts that say why.
  auto o = rouge_score_options();
  o.types = {"rouge3"};
  const auto r = pm::rouge("a b", "a b", o)["rouge3"];
  EXPECT_EQ(r.summary_count, 0U);
  EXPECT_EQ(r.f1, 0.0);
}

TEST(Rouge, IdenticalTextsScoreOne) {
  const std::string t = "The cat sat on the mat.\nIt was happy; the mat was not.";
  for (const auto tokenizer : {pm::rouge_tokenizer::rouge_score, pm::rouge_tokenizer::unicode}) {
    pm::rouge_options o;
    o.tokenizer = tokenizer;
    o.types = {"rouge1", "rouge2", "rouge4", "rougeL", "rougeLsum"};
    const auto r = pm::rouge(t, t, o);
    for (const auto type : r.types()) EXPECT_DOUBLE_EQ(r[type].f1, 1.0);
  }
}

// ---------------------------------------------------------------------------------------------
// One kernel everywhere: free function == scorer == batch; aggregation

TEST(Rouge, FreeFunctionScorerAndBatchAgree) {
  const std::vector<std::string> refs{"the cat sat on the mat .\nit was happy .",
                                      "a cat was sitting on a mat\nthe end", "dogs bark at night"};
  const std::vector<std::string> summaries{"the cat is on the mat\nhappy cat",
                                           "a dog barked at the cat", "", "mat mat mat"};
  for (const auto tokenizer : {pm::rouge_tokenizer::rouge_score, pm::rouge_tokenizer::unicode}) {
    for (const auto agg : {pm::rouge_aggregation::max, pm::rouge_aggregation::mean}) {
      for (const bool stem : {false, true}) {
        pm::rouge_options o;
        o.tokenizer = tokenizer;
        o.aggregation = agg;
        o.use_stemmer = stem;
        const pm::rouge_scorer scorer(refs, o);
        EXPECT_EQ(scorer.reference_count(), 3U);
        const auto batch_scorer = scorer.score_batch(summaries, 3);
        const std::vector<std::vector<std::string>> ref_lists(summaries.size(), refs);
        const auto batch = pm::rouge_batch(summaries, ref_lists, o, 2);
        ASSERT_EQ(batch.size(), summaries.size());
        for (std::size_t i = 0; i < summaries.size(); ++i) {
          const auto free = pm::rouge(summaries[i], refs, o);
          EXPECT_EQ(free, scorer.score(summaries[i]));
          ASSERT_TRUE(batch[i].result.has_value()) << batch[i].error;
          EXPECT_EQ(free, *batch[i].result);
          ASSERT_TRUE(batch_scorer[i].result.has_value());
          EXPECT_EQ(free, *batch_scorer[i].result);
          // Aggregation over the per-reference scores.
          const auto each = scorer.score_each(summaries[i]);
          ASSERT_EQ(each.size(), 3U);
          for (std::size_t r = 0; r < refs.size(); ++r) {
            EXPECT_EQ(each[r], pm::rouge(summaries[i], refs[r], o));
          }
          for (const auto t : free.types()) {
            if (agg == pm::rouge_aggregation::max) {
              std::size_t best = 0;
              for (std::size_t r = 1; r < 3; ++r) {
                if (each[r][t].f1 > each[best][t].f1) best = r;
              }
              EXPECT_EQ(free[t], each[best][t]);
            } else {
              EXPECT_DOUBLE_EQ(free[t].f1, (each[0][t].f1 + each[1][t].f1 + each[2][t].f1) / 3);
              EXPECT_DOUBLE_EQ(
                  free[t].precision,
                  (each[0][t].precision + each[1][t].precision + each[2][t].precision) / 3);
              EXPECT_EQ(free[t].overlap,
                        each[0][t].overlap + each[1][t].overlap + each[2][t].overlap);
            }
          }
        }
      }
    }
  }
}

TEST(Rouge, MaxPicksFirstReferenceOnTies) {
  auto o = rouge_score_options();
  o.types = {"rouge1"};
  // Both references give F1 = 2/3 with different P/R; rouge-score's np.argmax keeps the first.
  const std::vector<std::string> refs{"a b c d", "a"};
  const auto r = pm::rouge("a b", refs, o)["rouge1"];
  EXPECT_EQ(r.reference_count, 4U);
  const std::vector<std::string> swapped{"a", "a b c d"};
  EXPECT_EQ(pm::rouge("a b", swapped, o)["rouge1"].reference_count, 1U);
}

TEST(Rouge, ScorerIsThreadSafe) {
  const std::vector<std::string> refs{"the quick brown fox\njumps over the lazy dog",
                                      "a fast brown fox leaps over dogs"};
  for (const auto tokenizer : {pm::rouge_tokenizer::rouge_score, pm::rouge_tokenizer::unicode}) {
    pm::rouge_options o;
    o.tokenizer = tokenizer;
    o.use_stemmer = true;
    const pm::rouge_scorer scorer(refs, o);
    std::vector<std::string> summaries;
    std::mt19937 rng(3);
    const std::vector<std::string> words{"the",  "quick", "foxes", "jumped", "over",
                                         "lazy", "dogs",  "brown", "fast",   "\n"};
    for (int i = 0; i < 300; ++i) {
      std::string s;
      for (int k = 0; k < 20; ++k) s += words[rng() % words.size()] + " ";
      summaries.push_back(s);
    }
    std::vector<pm::rouge_result> sequential;
    for (const auto& s : summaries) sequential.push_back(scorer.score(s));
    std::vector<std::vector<pm::rouge_result>> per_thread(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (const auto& s : summaries) per_thread[t].push_back(scorer.score(s));
      });
    }
    for (auto& th : threads) th.join();
    for (const auto& v : per_thread) EXPECT_EQ(v, sequential);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors, pinned word for word

TEST(RougeErrors, InvalidTypeNames) {
  EXPECT_EQ(expect_error([] { (void)pm::parse_rouge_type("rouge0"); }),
            "[precis.invalid_argument] unknown ROUGE type 'rouge0' (expected rouge1 .. rouge9, "
            "rougeL or rougeLsum)");
  pm::rouge_options o;
  o.types = {"rouge1", "ROUGE-L"};
  EXPECT_EQ(expect_error([&] { (void)pm::rouge("a", "a", o); }),
            "[precis.invalid_argument] unknown ROUGE type 'ROUGE-L' (expected rouge1 .. rouge9, "
            "rougeL or rougeLsum)");
  o.types = {"rougeLSum"};
  EXPECT_EQ(expect_error([&] { (void)pm::rouge_scorer("a", o); }).substr(0, 47),
            "[precis.invalid_argument] unknown ROUGE type 'r");
  o.types = {};
  EXPECT_EQ(expect_error([&] { (void)pm::rouge("a", "a", o); }),
            "[precis.invalid_argument] rouge: options.types is empty (expected e.g. rouge1, "
            "rougeL)");
  o.types = {"rouge2"};
  const auto r = pm::rouge("a b", "a b", o);
  EXPECT_EQ(expect_error([&] { (void)r["rougeL"]; }),
            "[precis.invalid_argument] ROUGE type 'rougeL' was not requested");
  EXPECT_EQ(expect_error([&] { (void)r["rouge10"]; }),
            "[precis.invalid_argument] unknown ROUGE type 'rouge10' (expected rouge1 .. rouge9, "
            "rougeL or rougeLsum)");
  for (std::size_t i = 0; i < pm::rouge_type_count; ++i) {
    const auto t = static_cast<pm::rouge_type>(i);
    EXPECT_EQ(pm::parse_rouge_type(pm::rouge_type_name(t)), t);
  }
}

TEST(RougeErrors, InvalidUtf8AndMissingReferences) {
  for (const auto tokenizer : {pm::rouge_tokenizer::rouge_score, pm::rouge_tokenizer::unicode}) {
    pm::rouge_options o;
    o.tokenizer = tokenizer;
    EXPECT_EQ(expect_error([&] { (void)pm::rouge("ab\xFF", "a", o); }),
              "[precis.invalid_utf8] summary: invalid UTF-8 at byte 2");
    EXPECT_EQ(expect_error([&] { (void)pm::rouge("a", "\xC3", o); }),
              "[precis.invalid_utf8] reference: invalid UTF-8 at byte 0");
    const std::vector<std::string> refs{"ok", "x \x80"};
    EXPECT_EQ(expect_error([&] { (void)pm::rouge("a", refs, o); }),
              "[precis.invalid_utf8] references[1]: invalid UTF-8 at byte 2");
    const std::vector<std::string> none;
    EXPECT_EQ(expect_error([&] { (void)pm::rouge_scorer(none, o); }),
              "[precis.invalid_argument] rouge: at least one reference is required");
  }
}

TEST(RougeErrors, BatchReportsEveryRecord) {
  const std::vector<std::string> summaries{"the cat", "bad \xFF summary", "the dog", "x"};
  const std::vector<std::vector<std::string>> refs{
      {"the cat sat"}, {"fine"}, {"ok", "bad\xE2\x82"}, {}};
  const auto out = pm::rouge_batch(summaries, refs, rouge_score_options(), 2);
  ASSERT_EQ(out.size(), 4U);
  EXPECT_TRUE(out[0].result.has_value());
  EXPECT_TRUE(out[0].error.empty());
  EXPECT_FALSE(out[1].result.has_value());
  EXPECT_EQ(out[1].error,
            "[precis.invalid_utf8] record 1, field 'summary': invalid UTF-8 at byte 4");
  EXPECT_EQ(out[2].error,
            "[precis.invalid_utf8] record 2, field 'references[1]': invalid UTF-8 at byte 3");
  EXPECT_EQ(out[3].error, "[precis.invalid_argument] record 3, field 'references': no references");
  const std::vector<std::string> two{"a", "b"};
  EXPECT_EQ(expect_error([&] { (void)pm::rouge_batch(two, refs); }),
            "[precis.invalid_argument] rouge_batch: 2 summaries but 4 reference lists");
  pm::rouge_options bad;
  bad.types = {"rougeW"};
  EXPECT_EQ(expect_error([&] { (void)pm::rouge_batch(summaries, refs, bad); }).substr(0, 46),
            "[precis.invalid_argument] unknown ROUGE type '");
  const pm::rouge_scorer scorer("the cat", rouge_score_options());
  const auto each = scorer.score_batch(summaries, 2);
  EXPECT_EQ(each[1].error,
            "[precis.invalid_utf8] record 1, field 'summary': invalid UTF-8 at byte 4");
  EXPECT_TRUE(each[3].result.has_value());
}

// ---------------------------------------------------------------------------------------------
// The unicode tokenizer: meaningful scores where rouge-score gives 0

TEST(RougeUnicode, NonLatinScriptsScore) {
  pm::rouge_options uni;
  uni.types = {"rouge1", "rougeL"};
  pm::rouge_options rs = rouge_score_options();
  rs.types = uni.types;
  // Russian, with case folding: 3 of 4 words shared.
  const std::string ru_s =
      "\xD0\x9A\xD0\xBE\xD1\x88\xD0\xBA\xD0\xB0 \xD1\x81\xD0\xB8\xD0\xB4\xD0"
      "\xB8\xD1\x82 \xD0\xBD\xD0\xB0 \xD0\xBE\xD0\xBA\xD0\xBD\xD0\xB5.";
  const std::string ru_r =
      "\xD0\xBA\xD0\xBE\xD1\x88\xD0\xBA\xD0\xB0 \xD1\x81\xD0\xBF\xD0\xB8\xD1"
      "\x82 \xD0\xBD\xD0\xB0 \xD0\xBE\xD0\xBA\xD0\xBD\xD0\xB5";
  EXPECT_DOUBLE_EQ(pm::rouge(ru_s, ru_r, uni)["rouge1"].f1, 0.75);
  EXPECT_EQ(pm::rouge(ru_s, ru_r, rs)["rouge1"].f1, 0.0);
  // Chinese (dictionary segmentation) and Arabic.
  const std::string zh_s = "\xE6\x88\x91\xE5\x96\x9C\xE6\xAC\xA2\xE7\x8C\xAB";  // 我喜欢猫
  const std::string zh_r = "\xE6\x88\x91\xE5\x96\x9C\xE6\xAC\xA2\xE7\x8B\x97";  // 我喜欢狗
  const auto zh = pm::rouge(zh_s, zh_r, uni)["rouge1"];
  EXPECT_GT(zh.f1, 0.0);
  EXPECT_LT(zh.f1, 1.0);
  EXPECT_EQ(pm::rouge(zh_s, zh_r, rs)["rouge1"].f1, 0.0);
  const std::string ar_s = "\xD8\xA7\xD9\x84\xD9\x82\xD8\xB7 \xD9\x8A\xD8\xAC\xD9\x84\xD8\xB3";
  const std::string ar_r = "\xD8\xA7\xD9\x84\xD9\x82\xD8\xB7 \xD9\x8A\xD9\x86\xD8\xA7\xD9\x85";
  EXPECT_DOUBLE_EQ(pm::rouge(ar_s, ar_r, uni)["rouge1"].f1, 0.5);
  // NFKC: full-width letters equal ASCII ones.
  EXPECT_DOUBLE_EQ(pm::rouge("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc", uni)["rouge1"].f1, 1.0);
}

TEST(RougeUnicode, EnglishAgreesWithRougeScoreOnPlainText) {
  // Lower-case words separated by spaces: both tokenizers see the same tokens.
  const std::string s = "the cat sat on the mat\nthe dog ran", r = "a cat sat on a mat\nno dog";
  pm::rouge_options uni;
  uni.types = {"rouge1", "rouge2", "rougeL", "rougeLsum"};
  auto rs = rouge_score_options();
  rs.types = uni.types;
  EXPECT_EQ(pm::rouge(s, r, uni), pm::rouge(s, r, rs));
  uni.use_stemmer = rs.use_stemmer = true;
  EXPECT_EQ(pm::rouge("runs quickly\nhappily", "running quick\nhappy", uni),
            pm::rouge("runs quickly\nhappily", "running quick\nhappy", rs));
}

TEST(RougeUnicode, LsumUsesSentencesAndLines) {
  pm::rouge_options uni;
  uni.types = {"rougeLsum"};
  auto rs = rouge_score_options();
  rs.types = uni.types;
  // Without line breaks rouge_score sees one sentence per side; the unicode tokenizer splits
  // "Cats dogs. Apples pears." into two sentences, as rouge_score splits the same text on a line
  // break.
  const std::string s = "Cats dogs. Apples pears.", r = "apples pears cats dogs";
  EXPECT_EQ(pm::rouge(s, r, uni), pm::rouge("Cats dogs.\nApples pears.", r, rs));
  EXPECT_EQ(pm::rouge(s, r, rs)["rougeLsum"].overlap, 2U);
  EXPECT_EQ(pm::rouge(s, r, uni)["rougeLsum"].overlap, 4U);
}
