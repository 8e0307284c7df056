#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "precis/error.hpp"
#include "precis/text/tokenize.hpp"

namespace pt = precis::text;

namespace {
using kinded = std::vector<std::pair<std::string, pt::token_kind>>;
constexpr auto W = pt::token_kind::word;
constexpr auto N = pt::token_kind::number;
constexpr auto I = pt::token_kind::ideograph;
constexpr auto P = pt::token_kind::punctuation;

kinded toks(std::string_view s, pt::tokenize_options o = {}) {
  kinded out;
  for (const auto& t : pt::tokenize(s, o)) {
    out.emplace_back(std::string(s.substr(t.begin, t.end - t.begin)), t.kind);
  }
  return out;
}
std::vector<std::string> words(std::string_view s, pt::tokenize_options o = {}) {
  std::vector<std::string> out;
  for (auto& [w, k] : toks(s, o)) out.push_back(w);
  return out;
}
using strings = std::vector<std::string>;
}  // namespace

TEST(Tokenize, EnglishWordsAndNumbers) {
  EXPECT_EQ(toks("The whale swam 14,000 miles (22,500 km) in 2021; 3.5% faster."),
            (kinded{{"The", W},
                    {"whale", W},
                    {"swam", W},
                    {"14,000", N},
                    {"miles", W},
                    {"22,500", N},
                    {"km", W},
                    {"in", W},
                    {"2021", N},
                    {"3.5", N},
                    {"faster", W}}));
  EXPECT_EQ(words("don't rock'n'roll e-mail U.S. 3rd a_b 1.2.3 end."),
            (strings{"don't", "rock'n'roll", "e", "mail", "U.S", "3rd", "a_b", "1.2.3", "end"}));
  EXPECT_EQ(toks(""), kinded{});
  EXPECT_EQ(toks(" \t\r\n "), kinded{});
}

TEST(Tokenize, KeepPunctuation) {
  pt::tokenize_options o;
  o.keep_punctuation = true;
  EXPECT_EQ(
      toks("Hi, $5 (ok)!", o),
      (kinded{{"Hi", W}, {",", P}, {"$", P}, {"5", N}, {"(", P}, {"ok", W}, {")", P}, {"!", P}}));
  EXPECT_EQ(
      toks("caf\xC3\xA9 \xE2\x80\x94 \xC2\xAB"
           "ok\xC2\xBB",
           o),
      (kinded{
          {"caf\xC3\xA9", W}, {"\xE2\x80\x94", P}, {"\xC2\xAB", P}, {"ok", W}, {"\xC2\xBB", P}}));
}

TEST(Tokenize, LatinAccentsAndCompatibilityForms) {
  EXPECT_EQ(toks("Caf\xC3\xA9 na\xC3\xAFve \xEF\xAC\x81ne Stra\xC3\x9F"
                 "e \xE2\x91\xA0 "
                 "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x91 e\xCC\x81t\xC3\xA9"),
            (kinded{{"Caf\xC3\xA9", W},
                    {"na\xC3\xAFve", W},
                    {"\xEF\xAC\x81ne", W},
                    {"Stra\xC3\x9F"
                     "e",
                     W},
                    {"\xE2\x91\xA0", N},
                    {"\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x91", N},
                    {"e\xCC\x81t\xC3\xA9", W}}));
}

TEST(Tokenize, Cyrillic) {
  // "Привет, мир! В 2021 году 14,000 рублей."
  EXPECT_EQ(toks("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80! "
                 "\xD0\x92 2021 \xD0\xB3\xD0\xBE\xD0\xB4\xD1\x83 14,000."),
            (kinded{{"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", W},
                    {"\xD0\xBC\xD0\xB8\xD1\x80", W},
                    {"\xD0\x92", W},
                    {"2021", N},
                    {"\xD0\xB3\xD0\xBE\xD0\xB4\xD1\x83", W},
                    {"14,000", N}}));
}

TEST(Tokenize, Greek) {
  // "Ὀδυσσεύς σοφός." with a final sigma in both words.
  EXPECT_EQ(words("\xE1\xBD\x88\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x8D\xCF\x82 "
                  "\xCF\x83\xCE\xBF\xCF\x86\xCF\x8C\xCF\x82."),
            (strings{"\xE1\xBD\x88\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x8D\xCF\x82",
                     "\xCF\x83\xCE\xBF\xCF\x86\xCF\x8C\xCF\x82"}));
}

TEST(Tokenize, Arabic) {
  // "مرحبا بالعالم، السَّلَامُ ٢٠٢١": harakat stay inside the word; Arabic-Indic digits are a number.
  const std::string salam =
      "\xD8\xA7\xD9\x84\xD8\xB3\xD9\x91\xD9\x8E\xD9\x84\xD9\x8E\xD8\xA7\xD9\x85\xD9\x8F";
  EXPECT_EQ(toks("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 "
                 "\xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85\xD8\x8C " +
                 salam + " \xD9\xA2\xD9\xA0\xD9\xA2\xD9\xA1"),
            (kinded{{"\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", W},
                    {"\xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85", W},
                    {salam, W},
                    {"\xD9\xA2\xD9\xA0\xD9\xA2\xD9\xA1", N}}));
}

TEST(Tokenize, Hebrew) {
  // "שלום צה"ל בְּרֵאשִׁית": gershayim inside an acronym and niqqud stay in the word.
  const std::string bereshit =
      "\xD7\x91\xD6\xB0\xD6\xBC\xD7\xA8\xD6\xB5\xD7\x90\xD7\xA9\xD7\x81\xD6\xB4\xD7\x99\xD7\xAA";
  EXPECT_EQ(words("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA6\xD7\x94\"\xD7\x9C " + bereshit),
            (strings{"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", "\xD7\xA6\xD7\x94\"\xD7\x9C", bereshit}));
}

TEST(Tokenize, DevanagariKeepsViramaAndMatras) {
  // "नमस्ते क्षत्रिय हिन्दी २०२१।"
  const std::string namaste =
      "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87";
  const std::string kshatriya =
      "\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7\xE0\xA4\xA4\xE0\xA5\x8D\xE0\xA4\xB0\xE0\xA4\xBF\xE0"
      "\xA4\xAF";
  const std::string hindi =
      "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80";
  EXPECT_EQ(toks(namaste + " " + kshatriya + " " + hindi +
                 " \xE0\xA5\xA8\xE0\xA5\xA6\xE0\xA5\xA8\xE0\xA5\xA7\xE0\xA5\xA4"),
            (kinded{{namaste, W},
                    {kshatriya, W},
                    {hindi, W},
                    {"\xE0\xA5\xA8\xE0\xA5\xA6\xE0\xA5\xA8\xE0\xA5\xA7", N}}));
}

TEST(Tokenize, ChineseDictionaryAndCharacter) {
  // "北京大学的学生在学习。"
  const std::string text =
      "\xE5\x8C\x97\xE4\xBA\xAC\xE5\xA4\xA7\xE5\xAD\xA6\xE7\x9A\x84\xE5\xAD\xA6\xE7\x94\x9F\xE5"
      "\x9C\xA8\xE5\xAD\xA6\xE4\xB9\xA0\xE3\x80\x82";
  EXPECT_EQ(toks(text), (kinded{{"\xE5\x8C\x97\xE4\xBA\xAC", I},
                                {"\xE5\xA4\xA7\xE5\xAD\xA6", I},
                                {"\xE7\x9A\x84", I},
                                {"\xE5\xAD\xA6\xE7\x94\x9F", I},
                                {"\xE5\x9C\xA8", I},
                                {"\xE5\xAD\xA6\xE4\xB9\xA0", I}}));
  pt::tokenize_options o;
  o.cjk = pt::cjk_mode::character;
  const auto chars = pt::tokenize(text, o);
  ASSERT_EQ(chars.size(), 10U);
  for (std::size_t i = 0; i < chars.size(); ++i) {
    EXPECT_EQ(chars[i].begin, 3 * i);
    EXPECT_EQ(chars[i].end, 3 * i + 3);
    EXPECT_EQ(chars[i].kind, I);
  }
  // Numbers and Latin next to Han stay separate tokens.
  EXPECT_EQ(toks("2021\xE5\xB9\xB4GDP"), (kinded{{"2021", N}, {"\xE5\xB9\xB4", I}, {"GDP", W}}));
}

TEST(Tokenize, Japanese) {
  // "私は東京に住んでいます。カタカナ"
  const std::string text =
      "\xE7\xA7\x81\xE3\x81\xAF\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAB\xE4\xBD\x8F\xE3\x82\x93\xE3"
      "\x81\xA7\xE3\x81\x84\xE3\x81\xBE\xE3\x81\x99\xE3\x80\x82\xE3\x82\xAB\xE3\x82\xBF\xE3\x82"
      "\xAB\xE3\x83\x8A";
  EXPECT_EQ(words(text), (strings{"\xE7\xA7\x81", "\xE3\x81\xAF", "\xE6\x9D\xB1\xE4\xBA\xAC",
                                  "\xE3\x81\xAB", "\xE4\xBD\x8F", "\xE3\x82\x93\xE3\x81\xA7",
                                  "\xE3\x81\x84", "\xE3\x81\xBE\xE3\x81\x99",
                                  "\xE3\x82\xAB\xE3\x82\xBF\xE3\x82\xAB\xE3\x83\x8A"}));
  pt::tokenize_options o;
  o.cjk = pt::cjk_mode::character;
  EXPECT_EQ(pt::tokenize(text, o).size(), 15U);
  // A combining voiced sound mark (U+3099) stays with its kana in character mode: "か゛".
  EXPECT_EQ(words("\xE3\x81\x8B\xE3\x82\x99\xE3\x81\x8B", o),
            (strings{"\xE3\x81\x8B\xE3\x82\x99", "\xE3\x81\x8B"}));
}

TEST(Tokenize, Thai) {
  // "ภาษาไทยง่ายนิดเดียว" (dictionary words; the character mode leaves Thai alone).
  const std::string text =
      "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2\xE0"
      "\xB8\x87\xE0\xB9\x88\xE0\xB8\xB2\xE0\xB8\xA2\xE0\xB8\x99\xE0\xB8\xB4\xE0\xB8\x94\xE0\xB9"
      "\x80\xE0\xB8\x94\xE0\xB8\xB5\xE0\xB8\xA2\xE0\xB8\xA7";
  const strings expected{
      "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2", "\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2",
      "\xE0\xB8\x87\xE0\xB9\x88\xE0\xB8\xB2\xE0\xB8\xA2", "\xE0\xB8\x99\xE0\xB8\xB4\xE0\xB8\x94",
      "\xE0\xB9\x80\xE0\xB8\x94\xE0\xB8\xB5\xE0\xB8\xA2\xE0\xB8\xA7"};
  EXPECT_EQ(words(text), expected);
  pt::tokenize_options o;
  o.cjk = pt::cjk_mode::character;
  EXPECT_EQ(words(text, o), expected);
  EXPECT_EQ(toks(text).front().second, I);
}

TEST(Tokenize, OffsetsPointBackIntoText) {
  const std::string text = "  Caf\xC3\xA9, 14,000 \xE5\x8C\x97\xE4\xBA\xAC!  don't ";
  const auto t = pt::tokenize(text);
  ASSERT_EQ(t.size(), 4U);
  EXPECT_EQ(t[0], (pt::token{2, 7, W}));
  EXPECT_EQ(t[1], (pt::token{9, 15, N}));
  EXPECT_EQ(t[2], (pt::token{16, 22, I}));
  EXPECT_EQ(t[3], (pt::token{25, 30, W}));
  EXPECT_EQ(text.substr(t[3].begin, t[3].end - t[3].begin), "don't");
}

TEST(Tokenize, RejectsInvalidUtf8) {
  try {
    (void)pt::tokenize("hello w\xC3\x28rld");
    FAIL() << "expected precis::error";
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "invalid_utf8");
    EXPECT_STREQ(e.what(), "[precis.invalid_utf8] text: invalid UTF-8 at byte 7");
  }
}

// The ASCII fast path must give exactly ICU's tokens on ASCII text.
TEST(Tokenize, AsciiFastPathAgreesWithIcuOnRandomAscii) {
  std::mt19937 rng(20261125);
  const std::string common = "abcXYZ019 _.,;:'\"-@#$%&*()/\\!?\t\n\r\x0b\x0c";
  for (int iter = 0; iter < 5000; ++iter) {
    std::string s;
    const auto len = rng() % 48;
    for (unsigned i = 0; i < len; ++i) {
      s += rng() % 4 == 0 ? static_cast<char>(rng() % 128) : common[rng() % common.size()];
    }
    for (const bool keep : {false, true}) {
      pt::tokenize_options o;
      o.keep_punctuation = keep;
      std::vector<pt::token> fast, icu;
      pt::tokenize_into(s, o, fast);
      pt::detail::tokenize_icu(s, o, icu);
      ASSERT_EQ(fast, icu) << "seed iteration " << iter << " keep=" << keep << " text [" << s
                           << "]";
    }
  }
}

// Mixed text: the split into ASCII stretches and ICU regions must not change any token.
TEST(Tokenize, HybridAgreesWithIcuOnRandomMixedText) {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {
      "a",
      "Z",
      "1",
      "0",
      " ",
      " ",
      "\n",
      ".",
      ",",
      "'",
      "-",
      "_",
      "@",
      "\xC3\xA9",                  // é
      "\xCC\x81",                  // combining acute
      "\xCF\x82",                  // ς
      "\xD0\xB6",                  // ж
      "\xE5\x8C\x97",              // 北
      "\xE3\x81\x8B",              // か
      "\xE0\xB8\x81",              // ก
      "\xE0\xA4\x95\xE0\xA5\x8D",  // क्
      "\xC2\xA0",                  // no-break space
      "\xE2\x80\x94",              // em dash
      "\xEF\xBC\x91",              // full-width 1
      "\xF0\x9F\x98\x80",          // emoji
  };
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s;
    const auto len = rng() % 40;
    for (unsigned i = 0; i < len; ++i) s += pieces[rng() % pieces.size()];
    for (const auto cjk : {pt::cjk_mode::dictionary, pt::cjk_mode::character}) {
      pt::tokenize_options o;
      o.keep_punctuation = rng() % 2 == 0;
      o.cjk = cjk;
      std::vector<pt::token> hybrid, icu;
      pt::tokenize_into(s, o, hybrid);
      pt::detail::tokenize_icu(s, o, icu);
      ASSERT_EQ(hybrid, icu) << "iteration " << iter << " text [" << s << "]";
    }
  }
}

TEST(Tokenize, TokensNeverOverlapNorHoldSpaces) {
  const std::string text =
      "Mixed \xD0\xB6\xD0\xB8\xD0\xB7\xD0\xBD\xD1\x8C and \xE5\x8C\x97\xE4\xBA\xAC, 3.5 km.";
  pt::tokenize_options o;
  o.keep_punctuation = true;
  std::uint32_t last = 0;
  for (const auto& t : pt::tokenize(text, o)) {
    EXPECT_GE(t.begin, last);
    EXPECT_LT(t.begin, t.end);
    EXPECT_EQ(text.substr(t.begin, t.end - t.begin).find(' '), std::string::npos);
    last = t.end;
  }
}
