// Tests of precis/structured/json_output.hpp: tolerant but visible parsing of LLM JSON output.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>

#include "precis/error.hpp"
#include "precis/structured/json_output.hpp"
#include "precis/text/utf8.hpp"

namespace pst = precis::structured;
using pst::json_error_kind;
using pst::json_repair_kind;

namespace {

std::string kinds(const pst::json_output& r) {
  std::string out;
  for (const auto& x : r.repairs) {
    if (!out.empty()) out += ",";
    out += std::string(pst::json_repair_kind_name(x.kind)) + "[" + std::to_string(x.begin) + "," +
           std::to_string(x.end) + ")";
  }
  return out;
}

}  // namespace

TEST(JsonOutput, PlainJsonNeedsNoRepair) {
  const auto r = pst::parse_json_output("  {\"a\": 1, \"b\": [true, null]}\n");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"a\": 1, \"b\": [true, null]}");
  EXPECT_TRUE(r.repairs.empty());
  EXPECT_EQ(r.begin, 2U);
  EXPECT_EQ(r.end, 29U);
}

TEST(JsonOutput, ScalarsAreValues) {
  EXPECT_EQ(pst::parse_json_output("42").json, "42");
  EXPECT_EQ(pst::parse_json_output("\"x\"").json, "\"x\"");
  EXPECT_EQ(pst::parse_json_output("null").json, "null");
}

TEST(JsonOutput, CodeFenceStripped) {
  const std::string text = "```json\n{\"name\": \"Ada\"}\n```";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"name\": \"Ada\"}");
  EXPECT_EQ(kinds(r), "code_fence[0,8),code_fence[24,27)");
}

TEST(JsonOutput, FenceWithProseAround) {
  const std::string text = "Here you go:\n```json\n{\"a\": 1}\n```\nHope this helps!";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"a\": 1}");
  EXPECT_EQ(kinds(r),
            "leading_text[0,13),code_fence[13,21),code_fence[30,33),trailing_text[33,50)");
}

TEST(JsonOutput, FenceWithoutLanguageAndUnclosed) {
  const auto r = pst::parse_json_output("```\n[1, 2]\n");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "[1, 2]");
  EXPECT_EQ(kinds(r), "code_fence[0,4)");
}

TEST(JsonOutput, FirstFenceWithoutJsonIsSkipped) {
  const std::string text = "```python\nprint(1)\n```\n```json\n{\"k\": 2}\n```";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"k\": 2}");
  EXPECT_EQ(r.repairs.front().kind, json_repair_kind::leading_text);
  EXPECT_EQ(r.repairs.front().begin, 0U);
}

TEST(JsonOutput, FenceInsideAStringValueIsContent) {
  const std::string text = "{\n  \"a\": \"```\",\n  \"b\": {\"c\": 1},\n  \"d\": \"```\"\n}";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, text);
  EXPECT_TRUE(r.repairs.empty());
}

TEST(JsonOutput, BackticksInsideFencedValue) {
  const std::string text = "```json\n{\"md\": \"use ``` fences\"}\n```\n";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"md\": \"use ``` fences\"}");
  const auto glued = pst::parse_json_output("```json\n{\"a\": 1}```");
  ASSERT_TRUE(glued.ok()) << glued.message;
  EXPECT_EQ(glued.json, "{\"a\": 1}");
}

TEST(JsonOutput, ProseAroundObject) {
  const std::string text = "Sure! The extraction is {\"x\": [1]} as requested.";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"x\": [1]}");
  EXPECT_EQ(kinds(r), "leading_text[0,24),trailing_text[34,48)");
  EXPECT_EQ(r.begin, 24U);
}

TEST(JsonOutput, ProseWithBracketsBeforeObject) {
  const std::string text = "Result [draft]: {\"a\": \"b\"}";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"a\": \"b\"}");
  EXPECT_EQ(kinds(r), "leading_text[0,16)");
}

TEST(JsonOutput, ScalarFollowedByProseIsProse) {
  const auto r = pst::parse_json_output("true story: {\"a\": 1}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.json, "{\"a\": 1}");
}

TEST(JsonOutput, ByteOrderMark) {
  const auto r = pst::parse_json_output("\xEF\xBB\xBF{\"a\":1}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.json, "{\"a\":1}");
  EXPECT_EQ(kinds(r), "byte_order_mark[0,3)");
}

TEST(JsonOutput, TrailingCommasRemovedAndReported) {
  const auto r = pst::parse_json_output("{\"a\": [1, 2,], \"b\": 3,}");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.json, "{\"a\": [1, 2], \"b\": 3}");
  EXPECT_EQ(kinds(r), "trailing_comma[11,12),trailing_comma[21,22)");
  pst::json_output_options o;
  o.allow_trailing_commas = false;
  const auto strict = pst::parse_json_output("[1,]", o);
  EXPECT_EQ(strict.error, json_error_kind::syntax);
  EXPECT_EQ(strict.message, "unexpected ']' at byte 3 (trailing comma before ']')");
}

TEST(JsonOutput, TruncatedIsReportedNotFixed) {
  const std::string text = "{\"name\": \"Ada\", \"born\": 18";
  const auto r = pst::parse_json_output(text);
  EXPECT_EQ(r.error, json_error_kind::truncated);
  EXPECT_EQ(r.error_offset, text.size());
  EXPECT_EQ(r.message, "truncated JSON at byte 26: unclosed object starting at byte 0");
  EXPECT_TRUE(r.json.empty());

  const auto s = pst::parse_json_output("[\"abc");
  EXPECT_EQ(s.message, "truncated JSON at byte 5: unterminated string starting at byte 1");
  const auto t = pst::parse_json_output("{\"a\": tr");
  EXPECT_EQ(t.message, "truncated JSON at byte 8: incomplete literal 'true'");
  const auto u = pst::parse_json_output("{\"a\":");
  EXPECT_EQ(u.message, "truncated JSON at byte 5: expected a value");
}

TEST(JsonOutput, TruncatedInsideClosedFence) {
  const std::string text = "```json\n{\"a\": [1, 2\n```";
  const auto r = pst::parse_json_output(text);
  EXPECT_EQ(r.error, json_error_kind::truncated);
  EXPECT_EQ(r.error_offset, 20U);  // where the closing fence starts
}

TEST(JsonOutput, RefusesContentChangingRepairs) {
  const auto q = pst::parse_json_output("{'a': 1}");
  EXPECT_EQ(q.error, json_error_kind::syntax);
  EXPECT_EQ(q.message,
            "unexpected ''' at byte 1 (expected a property name in double quotes) (single quotes "
            "are not JSON)");
  const auto missing = pst::parse_json_output("{\"a\": , \"b\": 2}");
  EXPECT_EQ(missing.message, "unexpected ',' at byte 6 (expected a value)");
  const auto nan = pst::parse_json_output("[NaN]");
  EXPECT_EQ(nan.error, json_error_kind::syntax);
  const auto comment = pst::parse_json_output("{\"a\": 1 // one\n}");
  EXPECT_EQ(comment.message,
            "unexpected '/' at byte 8 (expected ',' or '}') (comments are not JSON)");
  const auto raw = pst::parse_json_output("[\"a\nb\"]");
  EXPECT_EQ(raw.message, "unescaped control character U+000A in string at byte 3");
  const auto dup = pst::parse_json_output("{\"a\": 1, \"a\": 2}");
  EXPECT_EQ(dup.message, "duplicate key 'a' at byte 9");
}

TEST(JsonOutput, DuplicateKeysInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  text += "\"k7\": 0}";
  const auto r = pst::parse_json_output(text);
  EXPECT_EQ(r.error, json_error_kind::syntax);
  EXPECT_NE(r.message.find("duplicate key 'k7'"), std::string::npos);
}

TEST(JsonOutput, NoJson) {
  const auto r = pst::parse_json_output("I cannot help with that.");
  EXPECT_EQ(r.error, json_error_kind::empty);
  EXPECT_EQ(r.message, "no JSON value found");
  EXPECT_EQ(pst::parse_json_output("").error, json_error_kind::empty);
  EXPECT_EQ(pst::parse_json_output("   \n").error, json_error_kind::empty);
}

TEST(JsonOutput, InvalidUtf8WithOffset) {
  const auto r = pst::parse_json_output("{\"a\": \"x\xC3\x28\"}");
  EXPECT_EQ(r.error, json_error_kind::invalid_utf8);
  EXPECT_EQ(r.error_offset, 8U);
  EXPECT_EQ(r.message, "invalid UTF-8 at byte 8");
}

TEST(JsonOutput, EscapesAndSurrogates) {
  EXPECT_TRUE(pst::parse_json_output("[\"\\u00e9\\ud83d\\ude00\\n\"]").ok());
  const auto lone = pst::parse_json_output("[\"\\ud83d x\"]");
  EXPECT_EQ(lone.message, "unpaired surrogate escape at byte 2");
  EXPECT_EQ(pst::parse_json_output("[\"\\q\"]").message,
            "unexpected 'q' at byte 3 (invalid escape)");
}

TEST(JsonOutput, NumbersStrict) {
  EXPECT_TRUE(pst::parse_json_output("[-0, 1.5e3, 2E-2]").ok());
  EXPECT_EQ(pst::parse_json_output("[01]").error, json_error_kind::syntax);
  EXPECT_EQ(pst::parse_json_output("[1.]").message, "unexpected ']' at byte 3 (expected a digit)");
  EXPECT_EQ(pst::parse_json_output("[1e400]").message, "number out of range at byte 1");
  EXPECT_TRUE(pst::parse_json_output("[1e-400]").ok());
}

TEST(JsonOutput, Depth10000) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const auto r = pst::parse_json_output(deep);  // default max_depth 1000
  EXPECT_EQ(r.error, json_error_kind::too_deep);
  EXPECT_EQ(r.error_offset, 1000U);
  EXPECT_EQ(r.message, "nesting deeper than 1000 at byte 1000");

  pst::json_output_options o;
  o.max_depth = 10000;
  // In a thread with the default stack, as batch calls run.
  pst::json_output in_thread;
  std::thread([&] { in_thread = pst::parse_json_output(deep, o); }).join();
  EXPECT_TRUE(in_thread.ok()) << in_thread.message;
  EXPECT_EQ(in_thread.json.size(), 20000U);
  const auto deeper = pst::parse_json_output("[" + deep + "]", o);
  EXPECT_EQ(deeper.error, json_error_kind::too_deep);

  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10000, '}');
  EXPECT_TRUE(pst::parse_json_output(objects, o).ok());
  // Truncated deep input is still "truncated", not "too deep".
  EXPECT_EQ(pst::parse_json_output(std::string(500, '[')).error, json_error_kind::truncated);
}

TEST(JsonOutput, MaxDepthOption) {
  pst::json_output_options o;
  o.max_depth = 0;
  try {
    (void)pst::parse_json_output("[]", o);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_STREQ(
        e.what(),
        "[precis.invalid_argument] json_output_options.max_depth must be in 1..10000, got 0");
  }
  o.max_depth = 1;
  EXPECT_TRUE(pst::parse_json_output("[1]", o).ok());
  EXPECT_EQ(pst::parse_json_output("[[1]]", o).error, json_error_kind::too_deep);
}

TEST(JsonOutput, HugeString) {
  std::string big(50'000'000, 'x');
  const std::string text = "{\"s\": \"" + big + "\"}";
  const auto r = pst::parse_json_output(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.json.size(), text.size());
  const auto t = pst::parse_json_output("{\"s\": \"" + big);
  EXPECT_EQ(t.error, json_error_kind::truncated);
  EXPECT_EQ(t.message, "truncated JSON at byte 50000007: unterminated string starting at byte 6");
}

TEST(JsonOutput, StrictOptions) {
  pst::json_output_options o;
  o.strip_prose = false;
  EXPECT_EQ(pst::parse_json_output("x {\"a\": 1}", o).error, json_error_kind::syntax);
  const auto t = pst::parse_json_output("{\"a\": 1} thanks", o);
  EXPECT_EQ(t.message, "unexpected text at byte 9 after the JSON value");
  o.strip_code_fences = false;
  EXPECT_FALSE(pst::parse_json_output("```json\n{}\n```", o).ok());
}

TEST(JsonOutput, CheckJson) {
  EXPECT_FALSE(pst::check_json(" {\"a\": [1]} ").has_value());
  const auto bad = pst::check_json("```json\n{}\n```");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->error, json_error_kind::syntax);
  EXPECT_TRUE(pst::check_json("[1,]").has_value());
}

TEST(JsonOutput, PointerEscaping) {
  EXPECT_EQ(pst::escape_json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(pst::escape_json_pointer_token(""), "");
}

TEST(JsonOutput, NeverThrowsOnRandomBytes) {
  std::uint64_t state = 42;
  const std::string alphabet = "{}[]\":,0123456789.eE-+tfnrul \n\\abc'`/\xC3\xA9";
  for (int n = 0; n < 3000; ++n) {
    std::string s;
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::size_t len = (state >> 33) % 40;
    for (std::size_t i = 0; i < len; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      s += alphabet[(state >> 33) % alphabet.size()];
    }
    const auto r = pst::parse_json_output(s);
    if (r.ok()) {
      EXPECT_FALSE(pst::check_json(r.json).has_value()) << s;
    }
  }
}

// The strict parser agrees with nlohmann::json (the reference) on what is JSON: seeded random
// mutations of valid documents. Differences allowed by design: duplicate keys (refused here),
// numbers beyond the double range (refused here), and BOMs (nlohmann skips them).
TEST(JsonOutput, AgreesWithNlohmannOnRandomMutations) {
  std::mt19937 rng(99);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  std::function<nlohmann::json(int)> make = [&](int depth) -> nlohmann::json {
    switch (pick(depth > 3 ? 5 : 7)) {
      case 0:
        return nullptr;
      case 1:
        return pick(2) == 1;
      case 2:
        return pick(2000) - 1000;
      case 3:
        return (pick(20000) - 10000) / 64.0;
      case 4: {
        const char* words[] = {"a",  "é",    "x\"y", "tab\t",
                               "\\", "日本", "",     "emoji \xF0\x9F\x98\x80"};
        return words[pick(8)];
      }
      case 5: {
        nlohmann::json a = nlohmann::json::array();
        for (int i = pick(4); i > 0; --i) a.push_back(make(depth + 1));
        return a;
      }
      default: {
        nlohmann::json o = nlohmann::json::object();
        for (int i = pick(4); i > 0; --i) {
          std::string key = std::to_string(pick(6));
          key.insert(key.begin(), 'k');
          o[key] = make(depth + 1);
        }
        return o;
      }
    }
  };
  const std::string noise = "{}[]\",:0-.eE tfnul\\/'";
  int checked = 0;
  for (int round = 0; round < 4000; ++round) {
    const nlohmann::json doc = make(0);
    std::string text = doc.dump(pick(2) ? -1 : 2);
    ASSERT_FALSE(pst::check_json(text).has_value()) << text;
    ASSERT_EQ(nlohmann::json::parse(pst::parse_json_output(text).json), doc);
    // Mutate one to three bytes (ASCII only, so the text stays valid UTF-8).
    for (int m = 1 + pick(3); m > 0 && !text.empty(); --m) {
      const auto at = static_cast<std::size_t>(pick(static_cast<int>(text.size())));
      if (static_cast<unsigned char>(text[at]) >= 0x80) continue;
      switch (pick(3)) {
        case 0:
          text.erase(at, 1);
          break;
        case 1:
          text.insert(at, 1, noise[static_cast<std::size_t>(pick(static_cast<int>(noise.size())))]);
          break;
        default:
          text[at] = noise[static_cast<std::size_t>(pick(static_cast<int>(noise.size())))];
      }
    }
    if (!precis::text::is_valid_utf8(text)) continue;
    const auto mine = pst::check_json(text);
    const bool reference = nlohmann::json::accept(text);
    if (mine && mine->message.find("duplicate key") != std::string::npos) {
      EXPECT_TRUE(reference);
      continue;
    }
    ASSERT_EQ(!mine.has_value(), reference) << text << "\n" << (mine ? mine->message : "");
    if (reference) {
      ASSERT_EQ(nlohmann::json::parse(pst::parse_json_output(text).json),
                nlohmann::json::parse(text));
    }
    ++checked;
  }
  EXPECT_GT(checked, 3500);
}
