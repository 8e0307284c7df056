#include "precis/io/jsonl.hpp"

#include "precis/error.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "small_stack.hpp"

using precis::io::read_jsonl;

TEST(Jsonl, ReadsRecordsAndSourceShapes) {
  std::istringstream in(
      R"({"id": "a", "summary": "s1", "references": ["r1", "r2"], "source": "doc"})"
      "\n\n"
      R"({"id": 7, "summary": "s2", "references": "r", "source": [{"id": "p1", "text": "x"}, "y"]})"
      "\n"
      R"({"summary": "s3", "source": {"post_1": "t1", "post_2": "t2"}, "query": "q"})"
      "\n");
  const auto got = read_jsonl(in);
  ASSERT_TRUE(got.errors.empty());
  ASSERT_EQ(got.records.size(), 3U);
  EXPECT_EQ(got.lines, (std::vector<std::size_t>{1, 3, 4}));
  EXPECT_EQ(got.records[0].id, "a");
  EXPECT_EQ(got.records[0].references, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(got.records[0].sources[0].id, "1");
  EXPECT_EQ(got.records[1].id, "7");
  EXPECT_EQ(got.records[1].sources[0].id, "p1");
  EXPECT_EQ(got.records[1].sources[1].id, "2");
  EXPECT_EQ(got.records[2].id, "line 4");
  EXPECT_EQ(got.records[2].sources[1].id, "post_2");
  EXPECT_EQ(got.records[2].query, "q");
}

TEST(Jsonl, ReportsEveryBadLineWithItsNumber) {
  std::istringstream in(
      "{\"summary\": \"ok\"}\n"
      "{\"summary\": \"unterminated\n"
      "[1, 2]\n"
      "{\"id\": \"x\"}\n"
      "{\"summary\": 3}\n"
      "{\"summary\": \"bad \xFF byte\"}\n"
      "{\"summary\": \"ok\", \"references\": [\"a\", 2]}\n"
      "{\"summary\": \"last\"}\n");
  const auto got = read_jsonl(in);
  ASSERT_EQ(got.records.size(), 2U);
  EXPECT_EQ(got.lines, (std::vector<std::size_t>{1, 8}));
  ASSERT_EQ(got.errors.size(), 6U);
  EXPECT_EQ(got.errors[0].line, 2U);
  EXPECT_EQ(got.errors[0].message.rfind("[precis.parse_error] line 2: malformed JSON: ", 0), 0U);
  EXPECT_EQ(got.errors[1].message,
            "[precis.parse_error] line 3: a line must hold a JSON object, not array");
  EXPECT_EQ(got.errors[2].message, "[precis.parse_error] line 4: field 'summary' is missing");
  EXPECT_EQ(got.errors[3].message,
            "[precis.parse_error] line 5: field 'summary' must be a string, not number");
  EXPECT_EQ(got.errors[4].message,
            "[precis.invalid_utf8] line 6: invalid UTF-8 at byte 17 of the line");
  EXPECT_EQ(got.errors[5].message,
            "[precis.parse_error] line 7: field 'references[1]' must be a string, not number");
}

TEST(Jsonl, CustomAndNestedFieldNames) {
  std::istringstream in(R"({"meta": {"uid": "m1"}, "pred": "p", "gold": ["g"]})");
  precis::io::jsonl_fields fields;
  fields.id = "meta.uid";
  fields.summary = "pred";
  fields.references = "gold";
  const auto got = read_jsonl(in, fields);
  ASSERT_EQ(got.records.size(), 1U);
  EXPECT_EQ(got.records[0].id, "m1");
  EXPECT_EQ(got.records[0].summary, "p");
  EXPECT_EQ(got.records[0].references, (std::vector<std::string>{"g"}));
}

TEST(Jsonl, MissingFileIsAnIoError) {
  EXPECT_THROW(precis::io::read_jsonl_file("/nonexistent/x.jsonl"), precis::error);
}

TEST(Jsonl, StructuredSummaryObjectsAreKeptAsJsonText) {
  std::istringstream in(
      R"({"summary": {"job": {"value": "nurse", "sources": ["p1"]}}, "source": "x"})"
      "\n"
      R"({"summary": "She is a nurse [1].", "source": "x"})"
      "\n");
  const auto got = read_jsonl(in);
  ASSERT_TRUE(got.errors.empty());
  ASSERT_EQ(got.records.size(), 2U);
  EXPECT_TRUE(got.records[0].structured);
  EXPECT_EQ(got.records[0].summary, R"({"job":{"sources":["p1"],"value":"nurse"}})");
  EXPECT_FALSE(got.records[1].structured);
  EXPECT_TRUE(precis::looks_structured(" \n{\"a\": 1}"));
  EXPECT_TRUE(precis::looks_structured("```json\n{}\n```"));
  EXPECT_FALSE(precis::looks_structured("She is a nurse {sic}."));
  EXPECT_FALSE(precis::looks_structured("   "));
}

TEST(Jsonl, DeeplyNestedSummaryIsThatLinesError) {
  // 100,000 levels: nlohmann's dump() recursed once per level and the whole run died (SIGSEGV).
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string at_limit = std::string(512, '[') + std::string(512, ']');
  const std::string text = R"({"id": "a", "summary": )" + deep + "}\n" +
                           R"({"id": "b", "summary": "fine"})" + "\n" +
                           R"({"id": "c", "summary": )" + at_limit + "}\n" +
                           R"({"id": "d", "summary": "x", "other": )" + deep + "}\n" +
                           R"({"id": "e", "summary": {"k": )" + deep + "}}\n";
  precis::io::jsonl_records got;
  precis_test::run_with_stack(precis_test::small_stack, [&] {
    std::istringstream in(text);
    got = read_jsonl(in);
  });
  ASSERT_EQ(got.errors.size(), 2U);
  EXPECT_EQ(got.errors[0].line, 1U);
  EXPECT_EQ(got.errors[0].message,
            "[precis.parse_error] line 1: field 'summary' is nested deeper than 512 levels");
  EXPECT_EQ(got.errors[1].line, 5U);
  ASSERT_EQ(got.records.size(), 3U);
  EXPECT_EQ(got.lines, (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(got.records[1].summary, at_limit);
  EXPECT_TRUE(got.records[1].structured);
  EXPECT_EQ(got.records[2].summary, "x");  // depth elsewhere in the line does not matter
}

TEST(Jsonl, DirectoryIsAnIoError) {
  try {
    (void)precis::io::read_jsonl_file("/tmp");
    FAIL() << "no error";
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.io_error] '/tmp' is a directory");
  }
}

TEST(Jsonl, StructuredSummaryTextIsNlohmannsCompactDump) {
  // The summary is serialized without recursion; the text must equal nlohmann's dump().
  const std::string summary =
      R"({"b": [1, 2.5, -0.0, 1e300, 12345678901234567890, -7, "\u00e9\n\"\\", null, true,)"
      R"( {"a": {}, "z": [[]]}], "a": [], "\u2603 key": {"x": false}})";
  std::istringstream in(R"({"summary": )" + summary + "}\n" + R"({"summary": []})" + "\n");
  const auto got = read_jsonl(in);
  ASSERT_EQ(got.records.size(), 2U);
  EXPECT_EQ(got.records[0].summary, nlohmann::json::parse(summary).dump());
  EXPECT_EQ(got.records[1].summary, "[]");
}
