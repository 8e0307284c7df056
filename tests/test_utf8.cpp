#include "precis/text/utf8.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace pt = precis::text;

TEST(Utf8, ValidInputs) {
  EXPECT_TRUE(pt::is_valid_utf8(""));
  EXPECT_TRUE(pt::is_valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(pt::is_valid_utf8("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80"));
  EXPECT_TRUE(pt::is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8, FirstInvalidOffset) {
  EXPECT_EQ(pt::find_invalid_utf8("abc\xFF"), 3U);
  EXPECT_EQ(pt::find_invalid_utf8("abcdefghij\xC3"), 10U);         // truncated
  EXPECT_EQ(pt::find_invalid_utf8("\xC0\xAF"), 0U);                // overlong
  EXPECT_EQ(pt::find_invalid_utf8("ok \xED\xA0\x80"), 3U);         // surrogate
  EXPECT_EQ(pt::find_invalid_utf8("\xF4\x90\x80\x80"), 0U);        // above U+10FFFF
  EXPECT_EQ(pt::find_invalid_utf8("\xE2\x82"), 0U);                // truncated at end
}

TEST(Utf8, ValidateNamesByteOffset) {
  try {
    pt::validate_utf8("hello \x80 world", "record 3, field 'summary'");
    FAIL() << "expected precis::error";
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "invalid_utf8");
    EXPECT_STREQ(e.what(),
                 "[precis.invalid_utf8] record 3, field 'summary': invalid UTF-8 at byte 6");
  }
}

TEST(Utf8, RepairReplacesMaximalSubparts) {
  std::vector<std::size_t> at;
  // "a" F0 80 80 "b": F0 80 is not a valid prefix (F0 needs 90..BF), so F0, 80, 80 are three
  // maximal subparts; E2 82 followed by "c" is one subpart.
  EXPECT_EQ(pt::repair_utf8("a\xF0\x80\x80" "b\xE2\x82" "c", &at),
            "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
  EXPECT_EQ(at, (std::vector<std::size_t>{1, 2, 3, 5}));
  EXPECT_TRUE(pt::is_valid_utf8(pt::repair_utf8("\xFF\xFE\xC3")));
}

TEST(Utf8, CheckPolicy) {
  EXPECT_FALSE(pt::check_utf8("fine", pt::invalid_utf8_policy::raise));
  EXPECT_THROW(pt::check_utf8("x\xFF", pt::invalid_utf8_policy::raise), precis::error);
  EXPECT_EQ(*pt::check_utf8("x\xFF", pt::invalid_utf8_policy::replace), "x\xEF\xBF\xBD");
}

// Property: repair output is always valid, and valid input is returned unchanged.
TEST(Utf8, RandomBytesProperties) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
  for (int trial = 0; trial < 5000; ++trial) {
    std::string s(static_cast<std::size_t>(len(rng)), '\0');
    for (auto& c : s) c = static_cast<char>(byte(rng));
    const std::string fixed = pt::repair_utf8(s);
    ASSERT_TRUE(pt::is_valid_utf8(fixed));
    if (pt::is_valid_utf8(s)) {
      ASSERT_EQ(fixed, s);
    }
  }
}
