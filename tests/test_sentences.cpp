#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "precis/error.hpp"
#include "precis/text/sentences.hpp"
#include "../tests/reference/bleu_reference.hpp"  // precis_reference::encode (UTF-8)

namespace pt = precis::text;

namespace {
std::vector<std::string> split(std::string_view s, bool newline = false) {
  pt::sentence_options o;
  o.newline_is_boundary = newline;
  std::vector<std::string> out;
  for (const auto& x : pt::split_sentences(s, o)) {
    out.emplace_back(s.substr(x.begin, x.end - x.begin));
  }
  return out;
}
using strings = std::vector<std::string>;
}  // namespace

TEST(Sentences, Basic) {
  EXPECT_EQ(split("One. Two! Three? Four"), (strings{"One.", "Two!", "Three?", "Four"}));
  EXPECT_EQ(split(""), strings{});
  EXPECT_EQ(split("  \n\t "), strings{});
  EXPECT_EQ(split("  Padded.  "), strings{"Padded."});
}

TEST(Sentences, TitlesAndInitials) {
  EXPECT_EQ(split("Mr. Smith went to Washington. He met Dr. Jones there."),
            (strings{"Mr. Smith went to Washington.", "He met Dr. Jones there."}));
  EXPECT_EQ(split("J. R. R. Tolkien wrote books. He died in 1973."),
            (strings{"J. R. R. Tolkien wrote books.", "He died in 1973."}));
  EXPECT_EQ(split("Prof. A. Smith spoke. Mrs. Brown too."),
            (strings{"Prof. A. Smith spoke.", "Mrs. Brown too."}));
  EXPECT_EQ(split("Louis I. Kahn was born in 1901. World War I. The end."),
            (strings{"Louis I. Kahn was born in 1901.", "World War I.", "The end."}));
}

TEST(Sentences, AbbreviationsAndAcronyms) {
  EXPECT_EQ(split("I live in the U.S. The weather is fine."),
            (strings{"I live in the U.S.", "The weather is fine."}));
  EXPECT_EQ(split("The U.S. Senate voted. It passed."),
            (strings{"The U.S. Senate voted.", "It passed."}));
  EXPECT_EQ(split("Fruit, e.g. Apples, is good. Also, i.e. Pears are."),
            (strings{"Fruit, e.g. Apples, is good.", "Also, i.e. Pears are."}));
  EXPECT_EQ(split("Apples, pears, etc. are fruit. We bought apples etc. Then we left."),
            (strings{"Apples, pears, etc. are fruit.", "We bought apples etc.", "Then we left."}));
  EXPECT_EQ(split("It opened on Jan. 5 in Boston. See No. 7 for details."),
            (strings{"It opened on Jan. 5 in Boston.", "See No. 7 for details."}));
  EXPECT_EQ(split("He said no. Then he left."), (strings{"He said no.", "Then he left."}));
  // Capitalized entries only match capitalized words.
  EXPECT_EQ(split("We saw the sun. Later it rained."),
            (strings{"We saw the sun.", "Later it rained."}));
  EXPECT_EQ(split("Acme Inc. Announced profits. They rose."),
            (strings{"Acme Inc. Announced profits.", "They rose."}));
}

TEST(Sentences, DecimalsQuotesEllipses) {
  EXPECT_EQ(split("It costs 3.5 dollars. That is cheap."),
            (strings{"It costs 3.5 dollars.", "That is cheap."}));
  EXPECT_EQ(split("He said \"Stop.\" Then he left."),
            (strings{"He said \"Stop.\"", "Then he left."}));
  EXPECT_EQ(split("(This is one.) And two."), (strings{"(This is one.)", "And two."}));
  EXPECT_EQ(split("Wait... what? Yes."), (strings{"Wait... what?", "Yes."}));
}

TEST(Sentences, Newlines) {
  const std::string text = "A line\nwrapped here. Second.\n\nTitle without period\n\nNext para.";
  EXPECT_EQ(split(text),
            (strings{"A line\nwrapped here.", "Second.", "Title without period", "Next para."}));
  EXPECT_EQ(split(text, true),
            (strings{"A line", "wrapped here.", "Second.", "Title without period", "Next para."}));
  EXPECT_EQ(split("one\ntwo\r\nthree", true), (strings{"one", "two", "three"}));
  EXPECT_EQ(split("one\ntwo\r\nthree", false), (strings{"one\ntwo\r\nthree"}));
  // A hard break is never undone by the abbreviation rules.
  EXPECT_EQ(split("Mr.\nSmith", true), (strings{"Mr.", "Smith"}));
}

TEST(Sentences, Unicode) {
  // Russian, Chinese (ideographic full stop) and Hindi (danda).
  EXPECT_EQ(
      split("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82. \xD0\x9A\xD0\xB0\xD0\xBA?"),
      (strings{"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82.", "\xD0\x9A\xD0\xB0\xD0\xBA?"}));
  EXPECT_EQ(
      split("\xE6\x88\x91\xE5\xA5\xBD\xE3\x80\x82\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82"),
      (strings{"\xE6\x88\x91\xE5\xA5\xBD\xE3\x80\x82", "\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82"}));
  EXPECT_EQ(split("\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87\xE0\xA5"
                  "\xA4 \xE0\xA4\xA0\xE0\xA5\x80\xE0\xA4\x95\xE0\xA5\xA4"),
            (strings{"\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87\xE0"
                     "\xA5\xA4",
                     "\xE0\xA4\xA0\xE0\xA5\x80\xE0\xA4\x95\xE0\xA5\xA4"}));
  // Non-breaking spaces are trimmed like ASCII ones.
  EXPECT_EQ(split("\xC2\xA0One.\xC2\xA0 Two.\xC2\xA0"), (strings{"One.", "Two."}));
}

TEST(Sentences, OffsetsPointBack) {
  const std::string text = "  First one.  Second one!\n\nThird";
  const auto spans = pt::split_sentences(text);
  ASSERT_EQ(spans.size(), 3U);
  EXPECT_EQ(spans[0], (pt::sentence_span{2, 12, 0, 0}));
  EXPECT_EQ(spans[1], (pt::sentence_span{14, 25, 0, 0}));
  EXPECT_EQ(spans[2], (pt::sentence_span{27, 32, 0, 0}));
}

TEST(Sentences, RejectsInvalidUtf8) {
  try {
    (void)pt::split_sentences("ok. \xFF no.");
    FAIL() << "expected precis::error";
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.invalid_utf8] text: invalid UTF-8 at byte 4");
  }
}

// precis' own application of the UAX #29 rules against ICU stepping over every character, on
// seeded random texts built from the pieces sentence rules look at and from any code point.
TEST(Sentences, OwnRulesMatchIcuIteration) {
  const std::vector<std::string> pieces = {
      "word",  "Word",   "WORD", "e.g.", "Mr.",  "U.S.",   "3.5",   "1973", " ",      " ",
      "  ",    ". ",     ".",    "!",    "?",    "...",    "?!",    "\n",   "\n\n",   "\r\n",
      "\t",    "\"",     "'",    ")",    "(",    "]",      ",",     ";",    ":",      "-",
      "\u3002", "\uff01", "\uff1f", "\u2026", "\u2029", "\u0085", "\u2028", "\u2019", "\u201d",
      "\u00df", "Stra\u00dfe", "\u4e2d\u6587", "\u0661", "\U0001F600", "\u00a0", "\u0964",
      "\ufe52", "\uff0e", "\u2024", "a", "I", "x.y", "\f", "\v", "\u00bb", "\u00ab",
      // Extend and Format (SB5), letters and marks of other scripts, more terminators,
      // closers, continuations and spaces.
      "\u0301", "\u200d", "\ufe0f", "\u00ad", "\u200e", "\ufeff", "\u200b", "\u00c9",
      "\u00e9", "\u05d0", "\u061f", "\u06d4", "\u2013", "\u2014", "\u3001", "\uff0c",
      "\u300c", "\u300d", "\u2003", "\u3000", "\u0394", "\u03b4", "\u0130", "\u01c5",
      "\u2160", "\U0001D400", "\u0e01", "\u0e2f"};
  std::vector<std::string> ascii;
  for (const auto& p : pieces) {
    if (std::all_of(p.begin(), p.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      ascii.push_back(p);
  }
  std::mt19937 rng(2026);
  std::size_t ascii_texts = 0;
  for (int round = 0; round < 100000; ++round) {
    std::string s;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      switch (round % 4) {
        case 0: s += pieces[rng() % pieces.size()]; break;      // any script
        case 1: s += ascii[rng() % ascii.size()]; break;        // ASCII pieces
        case 2: s += static_cast<char>(1 + rng() % 127); break;  // any ASCII byte but NUL
        default: {  // ASCII bytes and pieces mixed with any code point (no surrogates)
          const auto r = rng() % 4;
          if (r == 0) {
            char32_t c = 0;
            do {
              c = static_cast<char32_t>(1 + rng() % 0x2FFFF);
            } while (c >= 0xD800 && c <= 0xDFFF);
            s += precis_reference::encode(c);
          } else if (r == 1) {
            s += static_cast<char>(1 + rng() % 127);
          } else {
            s += pieces[rng() % pieces.size()];
          }
        }
      }
    }
    if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      ++ascii_texts;
    ASSERT_EQ(pt::detail::icu_sentence_breaks(s, true), pt::detail::icu_sentence_breaks(s, false))
        << "text: " << s;
  }
  EXPECT_GT(ascii_texts, 40000u);  // both scans were exercised
  EXPECT_LT(ascii_texts, 70000u);
}

// The same on real text: the repository's corpus (example articles and biographies, the
// documentation's paragraphs: tables, code, numbers, a little non-ASCII text).
TEST(Sentences, OwnRulesMatchIcuIterationOnRealText) {
  std::size_t checked = 0;
  auto check = [&](const std::string& text) {
    ASSERT_EQ(pt::detail::icu_sentence_breaks(text, true),
              pt::detail::icu_sentence_breaks(text, false))
        << "text: " << text.substr(0, 200);
    ++checked;
  };
  std::ifstream in(std::string(PRECIS_DATA_DIR) + "/corpus.jsonl");
  ASSERT_TRUE(in) << "missing fixture corpus.jsonl";
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    check(j.at("summary").get<std::string>());
    check(j.at("source").get<std::string>());
    for (const auto& reference : j.at("references")) check(reference.get<std::string>());
  }
  EXPECT_GT(checked, 2000u);
}
