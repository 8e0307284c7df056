// Tests of precis/structured/json_compare.hpp: field-by-field comparison with a gold object.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "precis/error.hpp"
#include "precis/structured/json_compare.hpp"

namespace pst = precis::structured;

namespace {

// "pointer method score" lines.
std::vector<std::string> lines(const pst::json_compare_result& r) {
  std::vector<std::string> out;
  for (const auto& d : r.details) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", d.score);
    out.push_back(d.pointer + " " + d.method + " " + buf);
  }
  return out;
}

using L = std::vector<std::string>;

const char* gold =
    R"({"name": "Ada Lovelace", "born": 1815, "occupation": ["mathematician", "writer"],
  "alive": false, "spouse": {"name": "William King", "married": 1835}, "notes": null})";

}  // namespace

TEST(JsonCompare, IdenticalIsOne) {
  const auto r = pst::compare_json(gold, gold);
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(r.fields, 7U);
  EXPECT_EQ(r.matched, 7U);
  EXPECT_EQ(lines(r),
            (L{"/name normalized 1", "/born numeric 1", "/occupation set 1", "/alive exact 1",
               "/spouse/name normalized 1", "/spouse/married numeric 1", "/notes exact 1"}));
}

TEST(JsonCompare, FieldByField) {
  const std::string out = R"(Here it is: ```json
{"name": "  ada   LOVELACE ", "born": 1816, "occupation": ["Writer", "poet", "translator"],
 "alive": false, "spouse": "William King", "extra": 1}
```)";
  const auto r = pst::compare_json(out, gold);
  EXPECT_TRUE(r.parse.ok());
  EXPECT_EQ(lines(r), (L{"/name normalized 1", "/born numeric 0", "/occupation set 0.4",
                         "/alive exact 1", "/spouse/name type_mismatch 0",
                         "/spouse/married type_mismatch 0", "/notes missing 0"}));
  EXPECT_EQ(r.fields, 7U);
  EXPECT_EQ(r.matched, 2U);
  EXPECT_EQ(r.missing, 1U);
  EXPECT_DOUBLE_EQ(r.score, 2.4 / 7);
  EXPECT_EQ(r.extra, std::vector<std::string>{"/extra"});
  const auto& occ = r.details[2];
  EXPECT_DOUBLE_EQ(occ.precision, 1.0 / 3);
  EXPECT_DOUBLE_EQ(occ.recall, 0.5);
  EXPECT_EQ(occ.expected, R"(["mathematician","writer"])");
  EXPECT_EQ(occ.actual, R"(["Writer","poet","translator"])");
}

TEST(JsonCompare, Tolerances) {
  pst::json_compare_options o;
  o.tolerance = 1;
  EXPECT_EQ(pst::compare_json(R"({"born": 1816})", R"({"born": 1815})", o).score, 1.0);
  o.tolerance = 0;
  o.relative_tolerance = 0.01;
  EXPECT_EQ(pst::compare_json(R"({"h": 101})", R"({"h": 100})", o).score, 1.0);
  EXPECT_EQ(pst::compare_json(R"({"h": 102})", R"({"h": 100})", o).score, 0.0);
  EXPECT_EQ(pst::compare_json(R"({"h": "100"})", R"({"h": 100})", o).details[0].method,
            "type_mismatch");
}

TEST(JsonCompare, ExactStringsAndRules) {
  pst::json_compare_options o;
  o.strings = pst::string_match::exact;
  EXPECT_EQ(pst::compare_json(R"({"a": "X"})", R"({"a": "x"})", o).score, 0.0);
  o.strings = pst::string_match::normalized;
  EXPECT_EQ(pst::compare_json(R"({"a": "STRASSE"})", R"({"a": "Straße"})", o).score, 1.0);
  EXPECT_EQ(pst::compare_json(R"({"a": "ｆｕｌｌ"})", R"({"a": "full"})", o).score, 1.0);  // NFKC
  pst::field_rule exact;
  exact.strings = pst::string_match::exact;
  o.rules = {{"/id", exact}};
  const auto r =
      pst::compare_json(R"({"id": "AB-1", "name": "ada"})", R"({"id": "ab-1", "name": "Ada"})", o);
  EXPECT_EQ(lines(r), (L{"/id exact 0", "/name normalized 1"}));
  pst::field_rule ignore;
  ignore.ignore = true;
  o.rules = {{"/spouse", ignore}};
  const auto s = pst::compare_json(gold, gold, o);
  EXPECT_EQ(s.fields, 5U);
}

TEST(JsonCompare, Lists) {
  // Multiset: duplicates count once each.
  const auto r = pst::compare_json(R"({"l": ["a", "a", "b"]})", R"({"l": ["a", "b", "b"]})");
  EXPECT_DOUBLE_EQ(r.details[0].precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.details[0].recall, 2.0 / 3);
  EXPECT_EQ(pst::compare_json(R"({"l": []})", R"({"l": []})").score, 1.0);
  EXPECT_EQ(pst::compare_json(R"({"l": ["x"]})", R"({"l": []})").score, 0.0);
  EXPECT_EQ(pst::compare_json(R"({"l": []})", R"({"l": ["x"]})").score, 0.0);
  pst::json_compare_options o;
  o.lists = pst::list_match::ordered;
  EXPECT_EQ(pst::compare_json(R"({"l": ["b", "a"]})", R"({"l": ["a", "b"]})", o).score, 0.0);
  EXPECT_EQ(pst::compare_json(R"({"l": ["A", "b"]})", R"({"l": ["a", "b"]})", o).score, 1.0);
  // Lists of objects: index by index.
  const auto objs = pst::compare_json(R"({"jobs": [{"t": "nurse"}, {"t": "pilot"}, {"t": "x"}]})",
                                     R"({"jobs": [{"t": "nurse"}, {"t": "teacher"}]})");
  EXPECT_EQ(lines(objs), (L{"/jobs/0/t normalized 1", "/jobs/1/t normalized 0"}));
  EXPECT_EQ(objs.extra, std::vector<std::string>{"/jobs/2"});
}

TEST(JsonCompare, UnparseableOutputMissesEverything) {
  const auto r = pst::compare_json("{\"name\": \"Ada", gold);
  EXPECT_EQ(r.parse.error, pst::json_error_kind::truncated);
  EXPECT_EQ(r.score, 0.0);
  EXPECT_EQ(r.missing, 7U);
}

TEST(JsonCompare, EdgeValues) {
  EXPECT_EQ(pst::compare_json("{}", "{}").score, 1.0);
  EXPECT_EQ(pst::compare_json("{}", "{}").fields, 1U);
  EXPECT_EQ(pst::compare_json("[1]", "{}").score, 0.0);
  EXPECT_EQ(pst::compare_json("\"a\"", "\"A\"").score, 1.0);  // a scalar gold is one field at ""
  EXPECT_EQ(
      pst::compare_json(R"({"a~b": {"c/d": 1}})", R"({"a~b": {"c/d": 1}})").details[0].pointer,
      "/a~0b/c~1d");
}

TEST(JsonCompare, DeepGoldInThread) {
  std::string deep;
  for (int i = 0; i < 9999; ++i) deep += "{\"a\":";
  deep += "[1]" + std::string(9999, '}');
  pst::json_compare_options o;
  o.parse.max_depth = 10000;
  pst::json_compare_result r;
  std::thread([&] { r = pst::compare_json(deep, deep, o); }).join();
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(r.fields, 1U);
  EXPECT_EQ(r.details[0].pointer.size(), 9999U * 2);
  const auto shallow = pst::compare_json(deep, deep);  // output beyond the default depth
  EXPECT_EQ(shallow.parse.error, pst::json_error_kind::too_deep);
  EXPECT_EQ(shallow.score, 0.0);
}

TEST(JsonCompare, BadGoldThrows) {
  try {
    (void)pst::compare_json("{}", "{\"a\": ");
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.parse_error] gold: truncated JSON at byte 6: expected a value");
  }
  EXPECT_THROW((void)pst::compare_json("{}", "```json\n{}\n```"), precis::error);
}
