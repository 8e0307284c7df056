// The WordPiece tokenizer, step by step (Hugging Face's BERT order); the parity with the
// reference on 10,000 texts is in tests/python/test_encoder.py.
#include "precis/embed/wordpiece.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "precis/error.hpp"

namespace pe = precis::embed;
namespace ws = precis::embed::wordpiece_steps;

namespace {

std::u32string u(const char* s) { return ws::decode_utf8(s); }

pe::wordpiece_tokenizer tiny() {
  std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff",
                                    "##able", "cafe", "hello", "world", "!", ",", "北", "京",
                                    "i", "##̇"};
  return pe::wordpiece_tokenizer(vocab, {}, {{"[MASK]", 4, false, false}});
}

}  // namespace

TEST(Wordpiece, DecodeRejectsInvalidUtf8) {
  EXPECT_EQ(ws::decode_utf8("aé北😀"), (std::u32string{U'a', 0xE9, 0x5317, 0x1F600}));
  EXPECT_THROW((void)ws::decode_utf8("a\xFF"), precis::error);
  EXPECT_EQ(ws::encode_utf8(u("aé北😀")), "aé北😀");
}

TEST(Wordpiece, CleanTextDropsControlsAndMapsWhitespace) {
  EXPECT_EQ(ws::clean_text(u("a\tb\nc\x01" "d\xEF\xBF\xBD" "e\xE2\x80\x8B" "f\xC2\xA0g")),
            u("a b cdef g"));  // U+200B is Cf (dropped), U+00A0 is whitespace
  EXPECT_TRUE(ws::is_control(0x200B));
  EXPECT_FALSE(ws::is_control(U'\t'));
  EXPECT_FALSE(ws::is_control(0x378));  // unassigned code points are kept (become [UNK])
}

TEST(Wordpiece, PadsChineseCharacters) {
  EXPECT_EQ(ws::pad_chinese_chars(u("a北京b")), u("a 北  京 b"));
  EXPECT_FALSE(ws::is_chinese_char(U'あ'));  // kana are not CJK ideographs
}

TEST(Wordpiece, StripsAccentsThenLowercases) {
  EXPECT_EQ(ws::strip_accents(u("Café Ñandú")), u("Cafe Nandu"));
  EXPECT_EQ(ws::lowercase(u("ÀB İ")), (std::u32string{0xE0, U'b', U' ', U'i', 0x307}));
}

TEST(Wordpiece, SplitsOnWhitespaceAndPunctuation) {
  const auto words = ws::split_words(u("hello, world!! a$b"));
  const std::vector<std::u32string> expected = {u("hello"), u(","), u("world"), u("!"),
                                                u("!"),     u("a"), u("$"),     u("b")};
  EXPECT_EQ(words, expected);
  EXPECT_TRUE(ws::is_punctuation(U'$'));  // ASCII symbols count as punctuation
  EXPECT_TRUE(ws::is_punctuation(0x166D));  // Po in Unicode 8.0 (So today)
}

TEST(Wordpiece, GreedyLongestMatchAndUnknown) {
  const auto t = tiny();
  EXPECT_EQ(t.tokenize("unaffable Hello, WORLD!"),
            (std::vector<std::string>{"un", "##aff", "##able", "hello", ",", "world", "!"}));
  EXPECT_EQ(t.tokenize("unaffablex"), (std::vector<std::string>{"[UNK]"}));
  EXPECT_EQ(t.tokenize("Café 北京"), (std::vector<std::string>{"cafe", "北", "京"}));
  EXPECT_EQ(t.tokenize(std::string(101, 'a')), (std::vector<std::string>{"[UNK]"}));
}

TEST(Wordpiece, AddedTokensAreMatchedInTheRawText) {
  const auto t = tiny();
  EXPECT_EQ(t.tokenize("hello[MASK]world [mask]"),
            (std::vector<std::string>{"hello", "[MASK]", "world", "[UNK]", "[UNK]", "[UNK]"}));
}

TEST(Wordpiece, EncodeAddsSpecialTokensAndTruncates) {
  const auto t = tiny();
  EXPECT_EQ(t.encode("hello world !", 512).ids, (std::vector<std::int32_t>{2, 9, 10, 11, 3}));
  EXPECT_EQ(t.encode("hello world !", 4).ids, (std::vector<std::int32_t>{2, 9, 10, 3}));
  EXPECT_EQ(t.encode("", 4).ids, (std::vector<std::int32_t>{2, 3}));
  const auto pair = t.encode_pair("hello world world world", "hello", 7);
  EXPECT_EQ(pair.ids, (std::vector<std::int32_t>{2, 9, 10, 10, 3, 9, 3}));
  EXPECT_EQ(pair.type_ids, (std::vector<std::int32_t>{0, 0, 0, 0, 0, 1, 1}));
}

TEST(Wordpiece, FolderErrors) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "precis-test-wordpiece";
  fs::remove_all(dir);
  fs::create_directories(dir);
  try {
    (void)pe::wordpiece_tokenizer::from_folder(dir.string());
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "io_error");
  }
  std::ofstream(dir / "tokenizer.json") << R"({"model": {"type": "BPE", "vocab": {}}})";
  try {
    (void)pe::wordpiece_tokenizer::from_folder(dir.string());
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "unsupported_model");
    EXPECT_NE(std::string(e.what()).find("tokenizer.json: a BPE"), std::string::npos);
  }
  fs::remove_all(dir);
}
