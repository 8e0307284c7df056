#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "precis/error.hpp"
#include "precis/text/analyzed_text.hpp"

namespace pt = precis::text;

namespace {
std::vector<std::string> types_of(const pt::analyzed_text& a) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.tokens().size(); ++i) out.emplace_back(a.token_type(i));
  return out;
}
std::vector<std::string> stems_of(const pt::analyzed_text& a) {
  std::vector<std::string> out;
  for (const auto id : a.stem_ids()) out.emplace_back(a.stems()[id]);
  return out;
}
using strings = std::vector<std::string>;

// Slow, obviously correct n-gram counter.
std::map<std::vector<std::uint32_t>, std::uint32_t> reference_ngrams(
    std::span<const std::uint32_t> ids, std::size_t n) {
  std::map<std::vector<std::uint32_t>, std::uint32_t> out;
  for (std::size_t i = 0; i + n <= ids.size(); ++i) {
    ++out[std::vector<std::uint32_t>(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                     ids.begin() + static_cast<std::ptrdiff_t>(i + n))];
  }
  return out;
}
}  // namespace

TEST(AnalyzedText, TypesAreNormalizedAndInterned) {
  const auto a = pt::analyze("The cat saw THE \xEF\xAC\x81sh. The Caf\xC3\x89 \xE2\x91\xA0!");
  EXPECT_EQ(types_of(*a), (strings{"the", "cat", "saw", "the", "fish", "the", "caf\xC3\xA9", "1"}));
  EXPECT_EQ(a->types().size(), 6U);
  const auto ids = a->ids();
  EXPECT_EQ(ids[0], 0U);
  EXPECT_EQ(ids[3], 0U);
  EXPECT_EQ(ids[5], 0U);
  EXPECT_EQ(a->types().find("fish"), 3U);
  EXPECT_EQ(a->types().find("Fish"), std::nullopt);
  EXPECT_EQ(a->types()[4], "caf\xC3\xA9");
  EXPECT_EQ(a->type_kinds()[5], pt::token_kind::number);
  // Without a stemmer the stems are the types.
  EXPECT_EQ(std::vector<std::uint32_t>(a->stem_ids().begin(), a->stem_ids().end()),
            std::vector<std::uint32_t>(ids.begin(), ids.end()));
  EXPECT_EQ(&a->stems(), &a->types());
  EXPECT_EQ(a->token_text(4), "\xEF\xAC\x81sh");
}

TEST(AnalyzedText, NormalizationCanBeTurnedOff) {
  pt::analyze_options o;
  o.case_fold = false;
  o.nfkc = false;
  const auto a = pt::analyze("The THE \xEF\xAC\x81sh", o);
  EXPECT_EQ(types_of(*a), (strings{"The", "THE", "\xEF\xAC\x81sh"}));
}

TEST(AnalyzedText, GreekFinalSigmaFoldsTogether) {
  // "ΣΟΦΟΣ σοφος σοφοσ" -> one type.
  const auto a = pt::analyze(
      "\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3 \xCF\x83\xCE\xBF\xCF\x86"
      "\xCE\xBF\xCF\x82 \xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x83");
  EXPECT_EQ(a->types().size(), 1U);
  EXPECT_EQ(a->types()[0], "\xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x83");
}

TEST(AnalyzedText, PorterStems) {
  pt::analyze_options o;
  o.stemmer = pt::stemmer_kind::porter_nltk;
  const auto a = pt::analyze("Running runs ran easily 2021 14,000 \xE5\x8C\x97\xE4\xBA\xAC", o);
  EXPECT_EQ(stems_of(*a),
            (strings{"run", "run", "ran", "easili", "2021", "14,000", "\xE5\x8C\x97\xE4\xBA\xAC"}));
  EXPECT_EQ(types_of(*a)[0], "running");
  EXPECT_EQ(a->stem_ids()[0], a->stem_ids()[1]);
  EXPECT_EQ(a->stems().size(), 6U);
  EXPECT_EQ(a->type_stems()[a->ids()[1]], a->stem_ids()[1]);
}

TEST(AnalyzedText, SnowballStems) {
  pt::analyze_options o;
  o.stemmer = pt::stemmer_kind::snowball;
  o.stem_language = "russian";
  // "Книги книгами" -> "книг" "книг"
  const auto a = pt::analyze(
      "\xD0\x9A\xD0\xBD\xD0\xB8\xD0\xB3\xD0\xB8 "
      "\xD0\xBA\xD0\xBD\xD0\xB8\xD0\xB3\xD0\xB0\xD0\xBC\xD0\xB8",
      o);
  EXPECT_EQ(stems_of(*a),
            (strings{"\xD0\xBA\xD0\xBD\xD0\xB8\xD0\xB3", "\xD0\xBA\xD0\xBD\xD0\xB8\xD0\xB3"}));
  o.stem_language = "english";
  EXPECT_EQ(stems_of(*pt::analyze("Generously generous", o)), (strings{"generous", "generous"}));
  o.stem_language = "klingon";
  EXPECT_THROW((void)pt::analyze("word", o), precis::error);
}

TEST(AnalyzedText, SentencesCarryTokenRanges) {
  const auto a = pt::analyze("Mr. Smith arrived. He sat down!\n\nThe end");
  ASSERT_EQ(a->sentences().size(), 3U);
  EXPECT_EQ(a->sentences()[0], (pt::sentence_span{0, 18, 0, 3}));
  EXPECT_EQ(a->sentences()[1], (pt::sentence_span{19, 31, 3, 6}));
  EXPECT_EQ(a->sentences()[2], (pt::sentence_span{33, 40, 6, 8}));
  EXPECT_EQ(a->sentence_text(1), "He sat down!");
  pt::analyze_options o;
  o.sentences.newline_is_boundary = true;
  const auto b = pt::analyze("first line\nsecond line", o);
  ASSERT_EQ(b->sentences().size(), 2U);
  EXPECT_EQ(b->sentences()[1], (pt::sentence_span{11, 22, 2, 4}));
  EXPECT_TRUE(pt::analyze("")->sentences().empty());
  EXPECT_TRUE(pt::analyze("")->tokens().empty());
}

TEST(AnalyzedText, InvalidUtf8RaisesOrIsRepaired) {
  try {
    (void)pt::analyze("good text \xE2\x82 bad");
    FAIL() << "expected precis::error";
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "invalid_utf8");
    EXPECT_STREQ(e.what(), "[precis.invalid_utf8] text: invalid UTF-8 at byte 10");
  }
  pt::analyze_options o;
  o.on_invalid = pt::invalid_utf8_policy::replace;
  const auto a = pt::analyze(
      "ab\xFF"
      "cd \xC3 ef",
      o);
  EXPECT_EQ(std::vector<std::size_t>(a->repairs().begin(), a->repairs().end()),
            (std::vector<std::size_t>{2, 6}));
  EXPECT_EQ(a->text(),
            "ab\xEF\xBF\xBD"
            "cd \xEF\xBF\xBD ef");
  EXPECT_EQ(types_of(*a), (strings{"ab", "cd", "ef"}));  // U+FFFD is a symbol, not a word
  EXPECT_TRUE(pt::analyze("clean")->repairs().empty());
}

TEST(AnalyzedText, ProjectTypesAndStems) {
  const auto src = pt::analyze("the cat sat on the mat");
  const auto sum = pt::analyze("a cat on a hat");
  const auto p = src->project_types(*sum);  // sum's ids -> src's ids
  ASSERT_EQ(p.size(), sum->types().size());
  EXPECT_EQ(p[*sum->types().find("a")], pt::no_id);
  EXPECT_EQ(p[*sum->types().find("cat")], *src->types().find("cat"));
  EXPECT_EQ(p[*sum->types().find("on")], *src->types().find("on"));
  EXPECT_EQ(p[*sum->types().find("hat")], pt::no_id);
  pt::analyze_options o;
  o.stemmer = pt::stemmer_kind::porter_nltk;
  const auto s1 = pt::analyze("cats running", o);
  const auto s2 = pt::analyze("running cat", o);
  const auto ps = s1->project_stems(*s2);
  EXPECT_EQ(ps[s2->stem_ids()[0]], s1->stem_ids()[1]);
  EXPECT_EQ(ps[s2->stem_ids()[1]], s1->stem_ids()[0]);
}

TEST(AnalyzedText, NgramsMatchReference) {
  std::mt19937 rng(11);
  const std::vector<std::string> words = {"a", "b", "c", "d", "the", "of"};
  for (int iter = 0; iter < 200; ++iter) {
    std::string text;
    const auto len = rng() % 60;
    for (unsigned i = 0; i < len; ++i) {
      text += words[rng() % words.size()];
      text += ' ';
    }
    const auto a = pt::analyze(text);
    for (std::size_t n = 1; n <= pt::analyzed_text::max_ngram; ++n) {
      const auto ref = reference_ngrams(a->ids(), n);
      const auto& got = a->ngrams(n);
      ASSERT_EQ(got.order(), n);
      ASSERT_EQ(got.size(), ref.size());
      EXPECT_EQ(got.total(), a->ids().size() >= n ? a->ids().size() - n + 1 : 0);
      std::size_t i = 0;
      for (const auto& [gram, count] : ref) {  // std::map is lexicographic, as ngram_counts
        ASSERT_TRUE(std::equal(gram.begin(), gram.end(), got.gram(i).begin(), got.gram(i).end()));
        ASSERT_EQ(got.count(i), count);
        ASSERT_EQ(got.find(gram), count);
        ++i;
      }
      const std::vector<std::uint32_t> absent(n, 999);
      EXPECT_EQ(got.find(absent), 0U);
      EXPECT_EQ(&a->ngrams(n), &got);  // cached
    }
  }
  const auto a = pt::analyze("x y");
  EXPECT_THROW((void)a->ngrams(0), precis::error);
  EXPECT_THROW((void)a->ngrams(10), precis::error);
  EXPECT_EQ(a->ngrams(3).size(), 0U);
  EXPECT_EQ(a->ngrams(3).total(), 0U);
}

TEST(AnalyzedText, SharedAcrossThreads) {
  std::string text;
  std::mt19937 rng(5);
  for (int i = 0; i < 3000; ++i) {
    text += 'w';
    text += std::to_string(rng() % 50);
    text += i % 17 != 0 ? " " : ". ";
  }
  pt::analyze_options o;
  o.stemmer = pt::stemmer_kind::porter_nltk;
  const std::shared_ptr<const pt::analyzed_text> shared = pt::analyze(text, o);
  std::vector<std::vector<std::uint64_t>> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t k = 0; k < 2 * pt::analyzed_text::max_ngram; ++k) {
        const std::size_t n = 1 + (k + t) % pt::analyzed_text::max_ngram;
        const auto space = (k + t) % 2 ? pt::id_space::stems : pt::id_space::types;
        const auto& g = shared->ngrams(n, space);
        seen[t].push_back(g.size() * 131 + g.total() + n * 7 + static_cast<int>(space));
      }
      // Each thread also analyzes its own text (thread-local ICU iterators and stemmers).
      pt::analyze_options so;
      so.stemmer = pt::stemmer_kind::snowball;
      const auto own =
          pt::analyze("Runners \xE5\x8C\x97\xE4\xBA\xAC\xE5\xA4\xA7\xE5\xAD\xA6 ran. Done.", so);
      seen[t].push_back(own->tokens().size() * 1000 + own->sentences().size());
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::uint64_t> expected = seen[0];
  std::sort(expected.begin(), expected.end());
  for (auto& s : seen) {
    std::sort(s.begin(), s.end());
    EXPECT_EQ(s, expected);
  }
  for (std::size_t n = 1; n <= pt::analyzed_text::max_ngram; ++n) {
    const auto ref = reference_ngrams(shared->stem_ids(), n);
    EXPECT_EQ(shared->ngrams(n, pt::id_space::stems).size(), ref.size());
  }
}
