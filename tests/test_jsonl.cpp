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
  EXPECT_EQ(got.errors[0].message.rfind("[precis.parse_error] line 2: malformed JSON at byte ", 0),
            0U);
  EXPECT_EQ(got.errors[0].message.find("json.exception"), std::string::npos);  // no internals
  EXPECT_EQ(got.errors[0].message.find("last read"), std::string::npos);
  EXPECT_EQ(got.errors[0].id, "");
  EXPECT_EQ(got.errors[1].message,
            "[precis.parse_error] line 3: a line must hold a JSON object, not array");
  EXPECT_EQ(got.errors[2].message,
            "[precis.invalid_argument] line 4 (id 'x'), field 'summary' is missing: every record "
            "needs a summary");
  EXPECT_EQ(got.errors[2].id, "x");
  EXPECT_EQ(got.errors[3].message,
            "[precis.invalid_argument] line 5 (id 'line 5'), field 'summary' must be a string, "
            "not number");
  EXPECT_EQ(got.errors[4].message,
            "[precis.invalid_utf8] line 6 (id 'line 6'), field 'summary': invalid UTF-8 at byte "
            "17 of the line");
  EXPECT_EQ(got.errors[5].message,
            "[precis.invalid_argument] line 7 (id 'line 7'), field 'references[1]' must be a "
            "string, not number");
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
            "[precis.parse_error] line 1 (id 'a'), field 'summary' is nested deeper than 512 "
            "levels");
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

TEST(Jsonl, NullSummaryIsThatRecordsErrorWithItsId) {
  const auto got = precis::io::parse_jsonl_line(R"({"id": "bio_7", "summary": null})", 3);
  ASSERT_FALSE(got.value);
  EXPECT_EQ(got.error.message,
            "[precis.invalid_argument] line 3 (id 'bio_7'), field 'summary' is null: every record "
            "needs a summary");
  EXPECT_EQ(got.error.id, "bio_7");
  const auto source = precis::io::parse_jsonl_line(
      R"({"id": 4, "summary": "s", "sources": [{"id": "a", "text": null}]})", 1);
  EXPECT_EQ(source.error.message,
            "[precis.invalid_argument] line 1 (id '4'), field 'sources[0].text' is null: it must "
            "be a string");
}

TEST(Jsonl, InvalidUtf8NamesTheFieldOrIsIgnoredInFieldsNotRead) {
  const auto in_source = precis::io::parse_jsonl_line(
      "{\"id\": \"a\", \"summary\": \"ok\", \"sources\": [\"fine\", \"bad \xC3\"]}", 2);
  ASSERT_FALSE(in_source.value);
  EXPECT_EQ(in_source.error.message.rfind(
                "[precis.invalid_utf8] line 2 (id 'a'), field 'sources[1]': invalid UTF-8", 0),
            0U);
  const auto in_note = precis::io::parse_jsonl_line(
      "{\"id\": \"b\", \"summary\": \"ok\", \"note\": \"\xFF\"}", 3);
  ASSERT_TRUE(in_note.value);
  EXPECT_EQ(in_note.value->summary, "ok");
  const auto in_id = precis::io::parse_jsonl_line("{\"id\": \"\xFF\", \"summary\": \"ok\"}", 4);
  ASSERT_FALSE(in_id.value);
  EXPECT_EQ(in_id.error.message.rfind(
                "[precis.invalid_utf8] line 4 (id 'line 4'), field 'id': invalid UTF-8", 0),
            0U);
}

TEST(Jsonl, SourcesFieldFirstThenSource) {
  const auto both =
      precis::io::parse_jsonl_line(R"({"summary": "s", "sources": "new", "source": "old"})", 1);
  ASSERT_TRUE(both.value);
  EXPECT_EQ(both.value->sources[0].text, "new");
  const auto old = precis::io::parse_jsonl_line(R"({"summary": "s", "source": "old"})", 1);
  EXPECT_EQ(old.value->sources[0].text, "old");
  precis::io::jsonl_fields fields;
  fields.sources_fallback.clear();
  EXPECT_TRUE(
      precis::io::parse_jsonl_line(R"({"summary": "s", "source": "old"})", 1, fields)
          .value->sources.empty());
}

TEST(Jsonl, LineReaderBoundsLinesAndResumesWithTheSameHashes) {
  const std::string long_line(100, 'x');
  const std::string text = "a\n\n  \n" + long_line + "\r\nb\r\nlast";
  std::istringstream in(text);
  precis::io::jsonl_line_reader reader(in, 10);
  std::vector<precis::io::jsonl_raw_line> lines;
  precis::io::jsonl_raw_line raw;
  while (reader.next(raw)) lines.push_back(raw);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(lines[0].number, 1U);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].number, 4U);
  EXPECT_TRUE(lines[1].too_long);
  EXPECT_EQ(lines[1].length, 101U);  // with its "\r"
  EXPECT_TRUE(lines[1].text.empty());
  EXPECT_EQ(lines[2].text, "b");
  EXPECT_EQ(lines[3].text, "last");
  EXPECT_EQ(lines[3].end_offset, text.size());
  EXPECT_EQ(reader.offset(), text.size());
  // Started again after line 4, a reader gives the same lines, offsets and hashes.
  std::istringstream rest(text.substr(lines[1].end_offset));
  precis::io::jsonl_line_reader resumed(rest, 10, 5, lines[1].end_offset, lines[1].end_hash);
  ASSERT_TRUE(resumed.next(raw));
  EXPECT_EQ(raw.number, 5U);
  EXPECT_EQ(raw.end_hash, lines[2].end_hash);
  ASSERT_TRUE(resumed.next(raw));
  EXPECT_EQ(raw.end_hash, lines[3].end_hash);
  EXPECT_FALSE(resumed.next(raw));
  // One changed byte before a line changes its hash.
  std::string changed = text;
  changed[0] = 'c';
  std::istringstream other(changed);
  precis::io::jsonl_line_reader other_reader(other, 10);
  while (other_reader.next(raw)) {
  }
  EXPECT_NE(other_reader.hash(), reader.hash());
}
