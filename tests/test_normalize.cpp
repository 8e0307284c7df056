#include <gtest/gtest.h>

#include <string>

#include "precis/error.hpp"
#include "precis/text/normalize.hpp"

namespace pt = precis::text;

TEST(Normalize, AsciiFastPath) {
  EXPECT_EQ(pt::normalize("Hello, World! 123"), "hello, world! 123");
  EXPECT_EQ(pt::normalize("Hello", true, false), "Hello");
  EXPECT_EQ(pt::normalize(""), "");
  EXPECT_TRUE(pt::is_ascii("plain text longer than eight bytes"));
  EXPECT_FALSE(pt::is_ascii("plain text longer than eight bytes caf\xC3\xA9"));
  EXPECT_FALSE(pt::is_ascii("\xC3\xA9"));
}

TEST(Normalize, NfkcCompatibility) {
  EXPECT_EQ(pt::normalize("\xEF\xAC\x81ne", true, false), "fine");          // ﬁ ligature
  EXPECT_EQ(pt::normalize("\xE2\x91\xA0", true, false), "1");               // ①
  EXPECT_EQ(pt::normalize("\xEF\xBC\xA1\xEF\xBC\xA2", true, false), "AB");  // full-width
  EXPECT_EQ(pt::normalize("\xEF\xBC\x92\xEF\xBC\x90", true, false), "20");  // full-width
  EXPECT_EQ(pt::normalize("\xC2\xBD", true, false),
            "1\xE2\x81\x84"
            "2");                                                  // ½ -> 1⁄2
  EXPECT_EQ(pt::normalize("e\xCC\x81", true, false), "\xC3\xA9");  // e + U+0301 -> é
  EXPECT_EQ(pt::normalize("\xE3\x8E\x8F", true, false), "kg");     // ㎏
}

TEST(Normalize, CaseFolding) {
  EXPECT_EQ(pt::normalize("Stra\xC3\x9F"
                          "e",
                          false, true),
            "strasse");                                                         // Straße
  EXPECT_EQ(pt::normalize("\xC3\x89TUDE", false, true), "\xC3\xA9tude");        // ÉTUDE
  EXPECT_EQ(pt::normalize("\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2"),  // ПРИВЕТ
            "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");                // привет
  // Greek: capital sigma, small sigma and final sigma all fold to σ.
  EXPECT_EQ(pt::normalize("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3"),  // ΣΟΦΟΣ
            "\xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x83");                // σοφοσ
  EXPECT_EQ(pt::normalize("\xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x82"),  // σοφος
            "\xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x83");
  // Both on: ligature and capitals in one go.
  EXPECT_EQ(pt::normalize("\xEF\xAC\x81NE Caf\xC3\x89"), "fine caf\xC3\xA9");
}

TEST(Normalize, ClosedUnderBoth) {
  // U+0390 folds to three code points; the final NFKC composes them again.
  EXPECT_EQ(pt::normalize("\xCE\x90"), "\xCE\x90");
  const char* samples[] = {"\xCE\x90",        "\xC3\x9F",     "\xEF\xAC\x81",
                           "\xE1\xBA\x9E",  // ẞ
                           "\xC4\xB0stanbul", "\xE2\x84\xAA", "\xCE\x8A\xCE\x90"};
  for (const char* s : samples) {
    const std::string once = pt::normalize(s);
    EXPECT_EQ(pt::normalize(once), once) << s;
  }
}

TEST(Normalize, IdentityWhenBothOff) {
  EXPECT_EQ(pt::normalize("\xEF\xAC\x81 Caf\xC3\x89", false, false), "\xEF\xAC\x81 Caf\xC3\x89");
}

TEST(Normalize, RejectsInvalidUtf8) {
  try {
    (void)pt::normalize("caf\xC3");
    FAIL() << "expected precis::error";
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.invalid_utf8] text: invalid UTF-8 at byte 3");
  }
}

TEST(Normalize, IntoReusesBuffer) {
  std::string out = "stale";
  pt::normalize_into("ABC", out);
  EXPECT_EQ(out, "abc");
  pt::normalize_into("\xC3\x89", out);
  EXPECT_EQ(out, "\xC3\xA9");
}
