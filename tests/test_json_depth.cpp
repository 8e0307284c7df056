// Deep JSON on small stacks (docs/reliability.md): parsing, validation, comparison, dumping,
// copying and freeing of documents nested up to json_max_depth_limit (10,000) levels never use
// stack in proportion to the depth. Every case runs on a thread with a 256 KB stack; before the
// parser, dump, equality, value copy/destruction, schema compilation/evaluation and the
// comparison walk were made iterative, these crashed on 1-2 MB stacks.

#include <gtest/gtest.h>

#include <string>

#include "precis/error.hpp"
#include "precis/structured/json_compare.hpp"
#include "precis/structured/json_output.hpp"
#include "precis/structured/json_schema.hpp"
#include "precis/structured/structured_citations.hpp"
#include "small_stack.hpp"

namespace pst = precis::structured;
using precis_test::run_with_stack;
using precis_test::small_stack;

namespace {

std::string arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string objects(std::size_t depth, const std::string& leaf = "1") {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "{\"a\":";
  return s + leaf + std::string(depth, '}');
}

pst::json_output_options deep_options() {
  pst::json_output_options o;
  o.max_depth = pst::json_max_depth_limit;
  return o;
}

}  // namespace

TEST(JsonDepth, ParseOnSmallStack) {
  run_with_stack(small_stack, [] {
    const auto ok = pst::parse_json_output(arrays(10000), deep_options());
    EXPECT_TRUE(ok.ok()) << ok.message;
    EXPECT_EQ(ok.json.size(), 20000U);
    EXPECT_TRUE(pst::parse_json_output(objects(10000), deep_options()).ok());
    // Deeper than the limit: too_deep at the first bracket past it, whatever the input's depth.
    const auto deep = pst::parse_json_output(arrays(200000), deep_options());
    EXPECT_EQ(deep.error, pst::json_error_kind::too_deep);
    EXPECT_EQ(deep.error_offset, 10000U);
    const auto dflt = pst::parse_json_output(arrays(10000));
    EXPECT_EQ(dflt.message, "nesting deeper than 1000 at byte 1000");
    // Truncated and malformed deep input keeps its precise error.
    EXPECT_EQ(pst::parse_json_output(std::string(9000, '['), deep_options()).message,
              "truncated JSON at byte 9000: unclosed array starting at byte 8999");
    EXPECT_EQ(pst::parse_json_output(std::string(9000, '[') + "1,]" + std::string(8999, ']'),
                                    deep_options())
                  .repairs.size(),
              1U);
    EXPECT_EQ(pst::check_json(arrays(10000), 10000), std::nullopt);
  });
}

TEST(JsonDepth, SchemaOnSmallStack) {
  run_with_stack(small_stack, [] {
    pst::json_schema_options o;
    o.max_depth = pst::json_max_depth_limit;
    const pst::json_schema tree(R"({"type": "array", "items": {"$ref": "#"}})", o);
    // Each array level takes two evaluation levels (the items schema, then its $ref).
    EXPECT_TRUE(tree.validate(arrays(2999)).valid);
    const auto r = tree.validate(arrays(10000));  // deeper than schema evaluation goes
    ASSERT_EQ(r.violations.size(), 1U);
    EXPECT_EQ(r.violations[0].keyword, "$ref");
    EXPECT_EQ(r.violations[0].message, "schema evaluation deeper than 6000 levels");
    EXPECT_EQ(r.violations[0].pointer.size(), 3000U * 2);
    EXPECT_EQ(tree.validate_output(objects(10000)).violations[0].message,
              "expected array, got object");
    // A $ref loop that never consumes the document.
    EXPECT_FALSE(pst::json_schema(R"({"$ref": "#"})").validate("1").valid);
    // Deep const / enum values: compiled (copied), compared and dumped into messages.
    const std::string c900 = objects(900);
    const pst::json_schema konst("{\"const\": " + c900 + "}");
    EXPECT_TRUE(konst.validate(c900).valid);
    const auto bad = konst.validate(objects(900, "2"));
    ASSERT_EQ(bad.violations.size(), 1U);
    EXPECT_EQ(bad.violations[0].message.substr(0, 20), "expected {\"a\":{\"a\":{");
    const pst::json_schema one_of("{\"enum\": [1, " + c900 + "]}");
    EXPECT_TRUE(one_of.validate(c900).valid);
    const pst::json_schema unique(R"({"uniqueItems": true})", o);
    EXPECT_FALSE(unique.validate("[" + arrays(9000) + "," + arrays(9000) + "]").valid);
    // A schema nested to its own limit (1000) compiles; deeper is refused, not a crash.
    std::string nested = "{\"type\": \"integer\"}";
    for (int i = 0; i < 999; ++i) nested = "{\"not\": " + nested + "}";  // odd: "x" passes
    EXPECT_TRUE(pst::json_schema(nested).validate("\"x\"").valid);
    EXPECT_THROW(pst::json_schema("{\"not\": " + arrays(5000) + "}"), precis::error);
  });
}

TEST(JsonDepth, CompareAndStructuredClaimsOnSmallStack) {
  run_with_stack(small_stack, [] {
    pst::json_compare_options o;
    o.parse.max_depth = pst::json_max_depth_limit;
    const std::string gold = objects(9999, "[1]");
    const auto same = pst::compare_json(gold, gold, o);
    EXPECT_EQ(same.score, 1.0);
    EXPECT_EQ(same.details[0].pointer.size(), 9999U * 2);
    const auto scalar = pst::compare_json(objects(5000, "1"), objects(9000, "1"), o);
    EXPECT_EQ(scalar.score, 0.0);
    EXPECT_EQ(scalar.details[0].method, "type_mismatch");
    pst::structured_citation_options so;
    so.json.max_depth = pst::json_max_depth_limit;
    EXPECT_TRUE(pst::structured_claims(arrays(10000), so).claims.empty());
    const auto leaf = pst::structured_claims(objects(9999, "\"deep claim\""), so);
    ASSERT_EQ(leaf.claims.size(), 1U);
    EXPECT_EQ(leaf.claims[0].text, "deep claim");
  });
}
