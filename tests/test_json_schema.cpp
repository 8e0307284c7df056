// Tests of precis/structured/json_schema.hpp: keywords, messages, pointers, partial credit, limits,
// and seeded property tests (generated valid documents validate; removing a required field fails).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>

#include "precis/error.hpp"
#include "precis/structured/json_schema.hpp"

namespace pst = precis::structured;
using nlohmann::json;

namespace {

// "pointer keyword: message" lines of a result.
std::vector<std::string> lines(const pst::schema_result& r) {
  std::vector<std::string> out;
  for (const auto& v : r.violations) out.push_back(v.pointer + " " + v.keyword + ": " + v.message);
  return out;
}

std::vector<std::string> check(const std::string& schema, const std::string& doc) {
  return lines(pst::json_schema(schema).validate(doc));
}

using L = std::vector<std::string>;

std::string compile_error(const std::string& schema) {
  try {
    pst::json_schema s(schema);
  } catch (const precis::error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(JsonSchema, Type) {
  EXPECT_EQ(check(R"({"type": "string"})", "3"), L{" type: expected string, got integer"});
  EXPECT_EQ(check(R"({"type": "integer"})", "2.5"), L{" type: expected integer, got number"});
  EXPECT_TRUE(check(R"({"type": "integer"})", "2.0").empty());  // 2020-12: zero fraction
  EXPECT_TRUE(check(R"({"type": "number"})", "2").empty());
  EXPECT_EQ(check(R"({"type": ["string", "null"]})", "true"),
            L{" type: expected string or null, got boolean"});
  EXPECT_EQ(check(R"({"type": ["string", "array", "null"]})", "{}"),
            L{" type: expected string, array or null, got object"});
  EXPECT_TRUE(check(R"({"type": ["string", "null"]})", "null").empty());
  EXPECT_EQ(check(R"({"type": "object"})", "[]"), L{" type: expected object, got array"});
}

TEST(JsonSchema, RequiredPropertiesAdditional) {
  const std::string s = R"({"type": "object", "properties": {"name": {"type": "string"},
      "age": {"type": "integer"}}, "required": ["name", "age"], "additionalProperties": false})";
  EXPECT_TRUE(check(s, R"({"name": "Ada", "age": 36})").empty());
  EXPECT_EQ(check(s, R"({"name": "Ada"})"), L{"/age required: required property 'age' is missing"});
  EXPECT_EQ(check(s, R"({"name": 1, "age": 36, "x/y": 0})"),
            (L{"/name type: expected string, got integer",
               "/x~1y additionalProperties: additional property 'x/y' is not allowed"}));
  const std::string t = R"({"additionalProperties": {"type": "number"}, "properties": {"a": {}}})";
  EXPECT_EQ(check(t, R"({"a": "s", "b": 1, "c": "no"})"),
            L{"/c type: expected number, got string"});
}

TEST(JsonSchema, ItemsAndPrefixItems) {
  EXPECT_EQ(
      check(R"({"items": {"type": "string"}, "minItems": 1, "maxItems": 2})", R"(["a", 3, "c"])"),
      (L{" maxItems: expected at most 2 items, got 3", "/1 type: expected string, got integer"}));
  EXPECT_EQ(check(R"({"minItems": 1})", "[]"), L{" minItems: expected at least 1 item, got 0"});
  const std::string p =
      R"({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})";
  EXPECT_TRUE(check(p, R"(["a", 1])").empty());
  EXPECT_EQ(check(p, R"(["a", 1, 2])"), L{"/2 false: no value is allowed here (schema false)"});
  EXPECT_EQ(check(R"({"uniqueItems": true})", R"([1, 2, 1.0])"),
            L{" uniqueItems: items 0 and 2 are equal"});
}

TEST(JsonSchema, EnumConst) {
  EXPECT_EQ(check(R"({"enum": ["nurse", "teacher", null]})", R"("pilot")"),
            L{R"( enum: "pilot" is not one of ["nurse", "teacher", null])"});
  EXPECT_TRUE(check(R"({"enum": [1, {"a": [1]}]})", R"({"a": [1.0]})").empty());
  EXPECT_EQ(check(R"({"const": "x"})", R"("y")"), L{R"( const: expected "x", got "y")"});
  EXPECT_TRUE(check(R"({"const": {"a": 1, "b": 2}})", R"({"b": 2, "a": 1})").empty());
}

TEST(JsonSchema, NumericBounds) {
  const std::string s = R"({"minimum": 18, "maximum": 120.5})";
  EXPECT_EQ(check(s, "12"), L{" minimum: 12 is less than the minimum of 18"});
  EXPECT_EQ(check(s, "121"), L{" maximum: 121 is greater than the maximum of 120.5"});
  EXPECT_TRUE(check(s, "18").empty());
  const std::string e = R"({"exclusiveMinimum": 0, "exclusiveMaximum": 1})";
  EXPECT_EQ(check(e, "0"),
            L{" exclusiveMinimum: 0 is not greater than the exclusive minimum of 0"});
  EXPECT_EQ(check(e, "1"), L{" exclusiveMaximum: 1 is not less than the exclusive maximum of 1"});
  EXPECT_TRUE(check(e, "0.5").empty());
  EXPECT_EQ(check(R"({"multipleOf": 0.5})", "1.25"),
            L{" multipleOf: 1.25 is not a multiple of 0.5"});
  EXPECT_TRUE(check(R"({"multipleOf": 0.1})", "0.3").empty());
  EXPECT_TRUE(check(R"({"minimum": 5})", R"("text")").empty());  // applies to numbers only
}

TEST(JsonSchema, StringLengthInCodePoints) {
  const std::string s = R"({"minLength": 2, "maxLength": 3})";
  EXPECT_TRUE(check(s, R"("été")").empty());  // 3 code points, 5 bytes
  EXPECT_EQ(check(s, R"("a")"), L{" minLength: expected at least 2 characters, got 1"});
  EXPECT_EQ(check(s, R"("abcd")"), L{" maxLength: expected at most 3 characters, got 4"});
  EXPECT_EQ(check(R"({"maxLength": 1})", R"("ab")"),
            L{" maxLength: expected at most 1 character, got 2"});
}

TEST(JsonSchema, Pattern) {
  const std::string s = R"({"pattern": "^[0-9]{4}-[0-9]{2}$"})";
  EXPECT_TRUE(check(s, R"("2021-03")").empty());
  EXPECT_EQ(check(s, R"("March 2021")"),
            L{" pattern: does not match pattern '^[0-9]{4}-[0-9]{2}$'"});
  EXPECT_TRUE(check(R"({"pattern": "b"})", R"("abc")").empty());  // unanchored search
  EXPECT_TRUE(check(R"({"pattern": "^.$"})", R"("é")").empty());  // code points, not bytes
  EXPECT_TRUE(check(R"({"pattern": "^\\p{Lu}"})", R"("Élodie")").empty());
}

TEST(JsonSchema, Combinators) {
  const std::string any = R"({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0}]})";
  EXPECT_TRUE(check(any, R"("x")").empty());
  // A failed anyOf names the closest branch and its first violation: the best credit, then a
  // branch whose type fits (here the integer one), then the fewest violations.
  EXPECT_EQ(check(any, "-1"),
            L{" anyOf: does not match any of the 2 schemas in anyOf; closest is "
              "branch 1 (credit 0.00): minimum: -1 is less than the minimum of 0"});
  const std::string one = R"({"oneOf": [{"type": "integer"}, {"minimum": 0}]})";
  EXPECT_TRUE(check(one, "-1").empty());
  EXPECT_EQ(check(one, "1"), L{" oneOf: matches 2 schemas in oneOf, expected exactly 1"});
  EXPECT_EQ(check(one, "-1.5"),
            L{" oneOf: does not match any of the 2 schemas in oneOf; closest is branch 1 (credit "
              "0.00): minimum: -1.5 is less than the minimum of 0"});
  EXPECT_EQ(
      check(R"({"allOf": [{"type": "integer"}, {"minimum": 3}]})", "2.5"),
      (L{" type: expected integer, got number", " minimum: 2.5 is less than the minimum of 3"}));
  EXPECT_EQ(check(R"({"not": {"type": "null"}})", "null"),
            L{" not: must not match the schema in 'not'"});
  EXPECT_TRUE(check(R"({"not": {"type": "null"}})", "0").empty());
}

TEST(JsonSchema, RefsAndDefs) {
  const std::string s = R"({
    "$defs": {"year": {"type": "integer", "minimum": 1900}},
    "definitions": {"name": {"type": "string", "minLength": 1}},
    "properties": {"born": {"$ref": "#/$defs/year"}, "name": {"$ref": "#/definitions/name"},
                   "a~b": {"$ref": "#/properties/born"}}})";
  EXPECT_TRUE(check(s, R"({"born": 1950, "name": "Ada"})").empty());
  EXPECT_EQ(check(s, R"({"born": 1850, "name": "", "a~b": "x"})"),
            (L{"/born minimum: 1850 is less than the minimum of 1900",
               "/name minLength: expected at least 1 character, got 0",
               "/a~0b type: expected integer, got string"}));
  // Recursion through "#".
  const std::string tree = R"({"type": "object", "properties": {"children": {"type": "array",
      "items": {"$ref": "#"}}, "name": {"type": "string"}}, "required": ["name"]})";
  EXPECT_TRUE(check(tree, R"({"name": "a", "children": [{"name": "b", "children": []}]})").empty());
  EXPECT_EQ(check(tree, R"({"name": "a", "children": [{"children": [{"name": 1}]}]})"),
            (L{"/children/0/name required: required property 'name' is missing",
               "/children/0/children/0/name type: expected string, got integer"}));
  // $ref with siblings: both apply (2020-12).
  EXPECT_EQ(
      check(R"({"$defs": {"i": {"type": "integer"}}, "$ref": "#/$defs/i", "minimum": 5})", "3"),
      L{" minimum: 3 is less than the minimum of 5"});
  // Percent-encoded pointer.
  EXPECT_TRUE(
      check(R"({"$defs": {"a b": {"type": "null"}}, "$ref": "#/$defs/a%20b"})", "null").empty());
}

TEST(JsonSchema, RefCycleIsBounded) {
  // A $ref loop that never consumes the document: a violation, not a stack overflow.
  const auto r = pst::json_schema(R"({"$ref": "#"})").validate("1");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(lines(r), L{" $ref: schema evaluation deeper than 6000 levels"});
}

TEST(JsonSchema, UnknownKeywordsIgnored) {
  EXPECT_TRUE(check(R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "t",
      "format": "x-unknown", "x-custom": {"type": "nonsense"}, "type": "string"})",
                    R"("anything")")
                  .empty());
}

TEST(JsonSchema, AnyOfNamesTheClosestBranchAsPydanticWritesOptional) {
  // Optional[Person] as Pydantic v2 writes it: anyOf [$ref, null].
  const std::string optional = R"({"$defs": {"P": {"type": "object", "properties": {"name":
      {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]}},
      "anyOf": [{"$ref": "#/$defs/P"}, {"type": "null"}]})";
  EXPECT_EQ(check(optional, R"({"name": "Ann", "age": "x"})"),
            L{" anyOf: does not match any of the 2 schemas in anyOf; closest is branch 0 (credit "
              "0.50): at /age, type: expected integer, got string"});
  EXPECT_EQ(check(optional, "3"),
            L{" anyOf: does not match any of the 2 schemas in anyOf; closest is branch 0 (credit "
              "0.00): type: expected object, got integer"});
  EXPECT_TRUE(check(optional, "null").empty());
}

TEST(JsonSchema, FormatsAreCheckedOrListed) {
  const auto bad = [](const std::string& format, const std::string& text) {
    return !check(R"({"format": ")" + format + R"("})", "\"" + text + "\"").empty();
  };
  for (const char* ok : {"2024-02-29", "2000-02-29", "1999-12-31"}) EXPECT_FALSE(bad("date", ok));
  for (const char* no : {"2023-02-29", "1900-02-29", "2024-13-01", "2024-1-01", "24-01-01",
                         "2024-01-32", "2024/01/01"})
    EXPECT_TRUE(bad("date", no)) << no;
  for (const char* ok : {"23:59:60Z", "08:30:00+02:00", "08:30:00.125-05:30", "00:00:00z"})
    EXPECT_FALSE(bad("time", ok)) << ok;
  for (const char* no : {"24:00:00Z", "08:30:00", "08:60:00Z", "08:30:00+2:00", "8:30:00Z"})
    EXPECT_TRUE(bad("time", no)) << no;
  EXPECT_FALSE(bad("date-time", "2024-05-01T08:30:00Z"));
  EXPECT_FALSE(bad("date-time", "2024-05-01t08:30:00.5+01:00"));
  EXPECT_TRUE(bad("date-time", "2024-05-01 08:30:00Z"));
  EXPECT_TRUE(bad("date-time", "2024-05-01"));
  for (const char* ok : {"ann@example.com", "a.b+c@mail.example.org", "x@[192.168.0.1]",
                         "x@[IPv6:::1]", "o'brien@example.ie"})
    EXPECT_FALSE(bad("email", ok)) << ok;
  for (const char* no : {"ann", "@example.com", "ann@", "a..b@example.com", ".a@example.com",
                         "ann@-example.com", "a b@example.com"})
    EXPECT_TRUE(bad("email", no)) << no;
  for (const char* ok : {"example.com", "a-b.c", "localhost", "example.com."})
    EXPECT_FALSE(bad("hostname", ok)) << ok;
  for (const char* no : {"-a.com", "a-.com", "a..com", "a_b.com", ""})
    EXPECT_TRUE(bad("hostname", no));
  EXPECT_TRUE(bad("hostname", std::string(64, 'a') + ".com"));
  for (const char* ok : {"0.0.0.0", "192.168.1.255"}) EXPECT_FALSE(bad("ipv4", ok));
  for (const char* no : {"256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "1.2.3.4 "})
    EXPECT_TRUE(bad("ipv4", no)) << no;
  for (const char* ok :
       {"::", "::1", "2001:db8::8a2e:370:7334", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.128", "fe80::"})
    EXPECT_FALSE(bad("ipv6", ok)) << ok;
  for (const char* no :
       {"1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":1", "1:", "g::1", "1:2:3:4:5:6:7::8:9"})
    EXPECT_TRUE(bad("ipv6", no)) << no;
  for (const char* ok :
       {"https://example.com/a?b=c#d", "urn:isbn:0451450523", "mailto:a@b.c", "http://x/%20y"})
    EXPECT_FALSE(bad("uri", ok)) << ok;
  for (const char* no : {"example.com/a", "/relative", "http://x/a b", "1http://x", "http://x/%2"})
    EXPECT_TRUE(bad("uri", no)) << no;
  EXPECT_FALSE(bad("uri-reference", "../a/b?c"));
  EXPECT_TRUE(bad("uri-reference", "a b"));
  EXPECT_FALSE(bad("uuid", "123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(bad("uuid", "123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(bad("json-pointer", "/a~0b/c~1d"));
  EXPECT_TRUE(bad("json-pointer", "a/b"));
  EXPECT_TRUE(bad("json-pointer", "/a~2"));
  // Formats apply to strings only; the message says what was expected.
  EXPECT_TRUE(check(R"({"format": "date"})", "20240101").empty());
  EXPECT_EQ(check(R"({"properties": {"d": {"format": "date"}}})", R"({"d": "May 1"})"),
            L{"/d format: is not a valid date (expected a date YYYY-MM-DD (RFC 3339))"});

  // Unknown formats, and every format when checking is off, are listed, never silently dropped.
  const pst::json_schema mixed(R"({"properties": {"a": {"format": "duration"}, "b": {"$ref":
      "#/$defs/b"}, "c": {"format": "email"}}, "$defs": {"b": {"format": "iri"}}})");
  EXPECT_EQ(mixed.unchecked_formats(), (std::vector<pst::unchecked_format>{
                                           {"/$defs/b", "iri"}, {"/properties/a", "duration"}}));
  pst::json_schema_options off;
  off.check_formats = false;
  const pst::json_schema lax(R"({"format": "email"})", off);
  EXPECT_TRUE(lax.validate(R"("nope")").valid);
  EXPECT_EQ(lax.unchecked_formats(), (std::vector<pst::unchecked_format>{{"", "email"}}));
  EXPECT_EQ(compile_error(R"({"format": 3})"),
            "[precis.invalid_argument] schema: at /format: expected a string");
}

TEST(JsonSchema, SchemaErrors) {
  EXPECT_EQ(compile_error(R"({"type": "str"})"),
            "[precis.invalid_argument] schema: at /type: unknown type 'str'");
  EXPECT_EQ(compile_error(R"({"properties": {"a": {"minimum": "3"}}})"),
            "[precis.invalid_argument] schema: at /properties/a/minimum: expected a number");
  EXPECT_EQ(compile_error(R"({"minLength": -1})"),
            "[precis.invalid_argument] schema: at /minLength: expected a non-negative integer");
  EXPECT_EQ(compile_error(R"({"pattern": "(" })"),
            "[precis.invalid_argument] schema: at /pattern: invalid regular expression '(' "
            "(U_REGEX_MISMATCHED_PAREN)");
  EXPECT_EQ(
      compile_error(R"({"$ref": "other.json#/a"})"),
      "[precis.invalid_argument] schema: at /$ref: $ref 'other.json#/a' is not supported (only "
      "references within the document, such as '#/$defs/name', '#/definitions/name' or '#')");
  EXPECT_EQ(compile_error(R"({"$ref": "#/$defs/missing"})"),
            "[precis.invalid_argument] schema: at /$ref: $ref '#/$defs/missing' points to nothing");
  EXPECT_EQ(compile_error(R"({"anyOf": []})"),
            "[precis.invalid_argument] schema: at /anyOf: expected a non-empty array of schemas");
  EXPECT_EQ(compile_error("{\"type\": "),
            "[precis.parse_error] schema: truncated JSON at byte 9: expected a value");
  EXPECT_EQ(compile_error("3"),
            "[precis.invalid_argument] schema: at (root): a schema must be an object or a boolean");
  EXPECT_EQ(compile_error("{} x"),
            "[precis.parse_error] schema: unexpected 'x' at byte 3 (expected end of input)");
}

TEST(JsonSchema, DeepSchemaRefused) {
  std::string s;
  for (int i = 0; i < 9999; ++i) s += "{\"items\":";
  s += "{}" + std::string(9999, '}');
  std::string error;
  std::thread([&] { error = compile_error(s); }).join();
  EXPECT_EQ(error, "[precis.parse_error] schema: nesting deeper than 1000 at byte 9000");
  std::string n;
  for (int i = 0; i < 999; ++i) n += "{\"not\":";
  n += "{}" + std::string(999, '}');
  pst::schema_result r;
  std::thread([&] { r = pst::json_schema(n).validate("1"); }).join();
  EXPECT_FALSE(r.valid);  // an odd number of nots around {}
  EXPECT_EQ(r.violations.size(), 1U);
}

TEST(JsonSchema, BooleanSchemas) {
  EXPECT_TRUE(check("true", "[1]").empty());
  EXPECT_EQ(check("false", "1"), L{" false: no value is allowed here (schema false)"});
}

TEST(JsonSchema, ParseFailures) {
  const pst::json_schema s(R"({"type": "object"})");
  const auto r = s.validate("{\"a\": ");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.score, 0.0);
  EXPECT_EQ(lines(r), L{" parse: truncated JSON at byte 6: expected a value"});
  EXPECT_EQ(r.parse.error, pst::json_error_kind::truncated);
  // validate() is strict, validate_output() tolerant.
  EXPECT_FALSE(s.validate("```json\n{}\n```").valid);
  const auto t = s.validate_output("```json\n{}\n```");
  EXPECT_TRUE(t.valid);
  EXPECT_EQ(t.parse.repairs.size(), 2U);
  EXPECT_EQ(t.parse.json, "{}");
}

TEST(JsonSchema, PartialCredit) {
  const std::string s = R"({"type": "object", "required": ["a", "b", "c", "d"],
      "properties": {"a": {"type": "string"}, "b": {"type": "integer"},
                     "c": {"type": "object", "required": ["x", "y"],
                           "properties": {"x": {"type": "string"}, "y": {"type": "string"}}},
                     "d": {"type": "array", "items": {"type": "string"}},
                     "opt": {"type": "string"}},
      "additionalProperties": false})";
  const pst::json_schema v(s);
  const std::string base = R"("a": "s", "b": 1, "c": {"x": "1", "y": "2"}, "d": ["p", "q"])";
  EXPECT_EQ(v.validate("{" + base + "}").score, 1.0);
  // d missing: 3/4.
  EXPECT_DOUBLE_EQ(v.validate(R"({"a": "s", "b": 1, "c": {"x": "1", "y": "2"}})").score, 0.75);
  // b invalid: 3/4.
  EXPECT_DOUBLE_EQ(v.validate(R"({"a": "s", "b": "1", "c": {"x": "1", "y": "2"}, "d": []})").score,
                   0.75);
  // c.y missing: c gets 1/2, total (1 + 1 + 0.5 + 1) / 4.
  EXPECT_DOUBLE_EQ(v.validate(R"({"a": "s", "b": 1, "c": {"x": "1"}, "d": []})").score, 0.875);
  // one of two list items invalid: d gets 1/2.
  EXPECT_DOUBLE_EQ(
      v.validate(R"({"a": "s", "b": 1, "c": {"x": "1", "y": "2"}, "d": ["p", 3]})").score, 0.875);
  // all required fine, an extra property: one more part that failed, 4/5.
  EXPECT_DOUBLE_EQ(v.validate("{" + base + R"(, "z": 1})").score, 0.8);
  // optional field invalid: also 4/5.
  EXPECT_DOUBLE_EQ(v.validate("{" + base + R"(, "opt": 1})").score, 0.8);
  // not an object at all: 0.
  EXPECT_EQ(v.validate("[]").score, 0.0);
  EXPECT_EQ(v.validate("{}").score, 0.0);
  // Scalar schema: all or nothing.
  EXPECT_EQ(pst::json_schema(R"({"type": "string"})").validate("1").score, 0.0);
  // Credit passes through $ref and allOf (the minimum of the schemas that apply).
  const pst::json_schema r(R"({"$defs": {"p": {"required": ["a", "b"]}}, "$ref": "#/$defs/p"})");
  EXPECT_DOUBLE_EQ(r.validate(R"({"a": 1})").score, 0.5);
  // anyOf: the best branch's credit.
  const pst::json_schema any(
      R"({"anyOf": [{"required": ["a", "b"]}, {"required": ["c", "d", "e", "f"]}]})");
  EXPECT_DOUBLE_EQ(any.validate(R"({"a": 1, "d": 1, "e": 1, "f": 1})").score, 0.75);
}

TEST(JsonSchema, MaxViolations) {
  pst::json_schema_options o;
  o.max_violations = 2;
  const pst::json_schema s(R"({"items": {"type": "string"}})", o);
  const auto r = s.validate("[1, 2, 3, 4]");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.violations.size(), 2U);
  EXPECT_EQ(r.score, 0.0);
}

TEST(JsonSchema, DeepAndHugeDocuments) {
  const pst::json_schema tree(R"({"type": "array", "items": {"$ref": "#"}})");
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const auto r = tree.validate(deep);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(lines(r), L{" parse: nesting deeper than 1000 at byte 1000"});
  pst::json_schema_options o;
  o.max_depth = 10000;
  const pst::json_schema deep_tree(R"({"type": "array", "items": {"$ref": "#"}})", o);
  pst::schema_result in_thread;
  std::thread([&] { in_thread = deep_tree.validate(deep); }).join();
  ASSERT_FALSE(in_thread.valid);
  EXPECT_EQ(in_thread.violations.size(), 1U);
  EXPECT_EQ(in_thread.violations[0].keyword, "$ref");
  EXPECT_TRUE(deep_tree.validate(std::string(900, '[') + std::string(900, ']')).valid);
  // validate_output uses the schema's max_depth unless parse options are given.
  const std::string d2000 = std::string(2000, '[') + std::string(2000, ']');
  EXPECT_TRUE(deep_tree.validate_output(d2000).valid);
  EXPECT_EQ(deep_tree.validate_output(d2000, pst::json_output_options{}).parse.error,
            pst::json_error_kind::too_deep);

  std::string big(10'000'002, 'a');
  big.front() = big.back() = '"';
  const pst::json_schema p(R"({"type": "string", "pattern": "^(a|b)*$", "maxLength": 5})");
  const auto h = p.validate(big);
  // ICU's backtracking stack is capped (8 MB on the heap): a documented violation, not a crash.
  EXPECT_EQ(lines(h),
            (L{" maxLength: expected at most 5 characters, got 10000000",
               " pattern: pattern '^(a|b)*$' could not be evaluated (ICU limit reached)"}));
  const pst::json_schema simple(R"({"pattern": "^a+$"})");
  std::string long_text(100'002, 'a');
  long_text.front() = long_text.back() = '"';
  EXPECT_TRUE(simple.validate(long_text).valid);
  // Catastrophic backtracking stops at ICU's time limit (about 1 s) with the same violation.
  const pst::json_schema evil(R"({"pattern": "^(a+)+$"})");
  std::string evil_text(40, 'a');
  evil_text = "\"" + evil_text + "b\"";
  EXPECT_EQ(lines(evil.validate(evil_text)),
            L{" pattern: pattern '^(a+)+$' could not be evaluated (ICU limit reached)"});
}

TEST(JsonSchema, BatchMatchesSingleAndIsThreadSafe) {
  const pst::json_schema s(
      R"({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}})");
  std::vector<std::string> texts;
  for (int i = 0; i < 500; ++i) {
    texts.push_back(i % 3 == 0   ? "{\"a\": " + std::to_string(i) + "}"
                    : i % 3 == 1 ? "```json\n{\"a\": \"x\"}\n```"
                                 : "{\"b\": 1");
  }
  const auto batch = s.validate_batch(texts, true, 4);
  ASSERT_EQ(batch.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto one = s.validate_output(texts[i]);
    EXPECT_EQ(batch[i].valid, one.valid);
    EXPECT_EQ(batch[i].score, one.score);
    EXPECT_EQ(batch[i].violations, one.violations);
  }
  EXPECT_TRUE(batch[0].valid);
  EXPECT_FALSE(s.validate_batch(texts, false, 2)[1].valid);  // strict: the fence is an error
}

// ---- property tests ------------------------------------------------------------------------

namespace {

class generator {
 public:
  explicit generator(std::uint32_t seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  json schema(int depth) {
    const int k = pick(depth > 2 ? 6 : 9);
    switch (k) {
      case 0: {
        json s = {{"type", "string"}};
        if (pick(2)) s["minLength"] = pick(3);
        if (pick(2)) s["maxLength"] = 3 + pick(5);
        if (pick(3) == 0) s["pattern"] = "^[a-z]*$";
        return s;
      }
      case 1: {
        json s = {{"type", "integer"}};
        if (pick(2)) s["minimum"] = -pick(10);
        if (pick(2)) s["maximum"] = pick(10);
        return s;
      }
      case 2:
        return {{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 1}};
      case 3:
        return {{"type", "boolean"}};
      case 4:
        return {{"enum", json::array({"a", 1, nullptr})}};
      case 5:
        return {{"anyOf", json::array({{{"type", "null"}}, {{"type", "string"}}})}};
      case 6: {
        json s = {{"type", "array"}, {"items", schema(depth + 1)}};
        if (pick(2)) s["minItems"] = 1;
        s["maxItems"] = 4;
        return s;
      }
      default: {
        json s = {{"type", "object"}, {"properties", json::object()}, {"required", json::array()}};
        const int n = 1 + pick(5);
        for (int i = 0; i < n; ++i) {
          std::string name(1, static_cast<char>('a' + i));
          if (pick(4) == 0) name += "/~";
          s["properties"][name] = schema(depth + 1);
          if (pick(3) != 0) s["required"].push_back(name);
        }
        if (pick(2)) s["additionalProperties"] = false;
        return s;
      }
    }
  }

  json instance(const json& s) {
    if (s.contains("enum")) return s["enum"][static_cast<std::size_t>(pick(3))];
    if (s.contains("anyOf")) return pick(2) ? json(nullptr) : json("x");
    const std::string t = s["type"];
    if (t == "string") {
      const int lo = s.value("minLength", 0), hi = s.value("maxLength", 8);
      std::string out;
      const int len = lo + pick(hi - lo + 1);
      for (int i = 0; i < len; ++i) out += static_cast<char>('a' + pick(26));
      return out;
    }
    if (t == "integer") {
      const int lo = s.value("minimum", -20), hi = s.value("maximum", 20);
      return lo + pick(hi - lo + 1);
    }
    if (t == "number") return 0.001 + 0.998 * pick(1000) / 999.0;
    if (t == "boolean") return pick(2) == 1;
    if (t == "array") {
      json a = json::array();
      const int n = s.value("minItems", 0) + pick(4 - s.value("minItems", 0) + 1);
      for (int i = 0; i < n; ++i) a.push_back(instance(s["items"]));
      return a;
    }
    json o = json::object();
    for (const auto& [name, sub] : s["properties"].items()) {
      const bool required =
          std::find(s["required"].begin(), s["required"].end(), name) != s["required"].end();
      if (required || pick(2)) o[name] = instance(sub);
    }
    return o;
  }

 private:
  std::mt19937 rng_;
};

// Pointers (and the removed key) of every object in `doc` that has a required field present.
void required_sites(const json& s, const json& doc, const std::string& ptr,
                    std::vector<std::pair<std::string, std::string>>& out) {
  if (!s.contains("type")) return;
  if (s["type"] == "object") {
    for (const auto& r : s["required"]) out.emplace_back(ptr, r.get<std::string>());
    for (const auto& [name, sub] : s["properties"].items())
      if (doc.contains(name))
        required_sites(sub, doc[name], ptr + "/" + pst::escape_json_pointer_token(name), out);
  } else if (s["type"] == "array") {
    for (std::size_t i = 0; i < doc.size(); ++i)
      required_sites(s["items"], doc[i], ptr + "/" + std::to_string(i), out);
  }
}

json::json_pointer to_nlohmann(const std::string& p) { return json::json_pointer(p); }

}  // namespace

TEST(JsonSchemaProperty, GeneratedDocumentsValidateAndMutationsFail) {
  generator g(20261125);
  int mutated = 0;
  for (int round = 0; round < 300; ++round) {
    json s = g.schema(0);
    if (s.value("type", "") != "object")
      s = {{"type", "object"}, {"properties", {{"a", s}}}, {"required", {"a"}}};
    const pst::json_schema v(s.dump());
    for (int k = 0; k < 10; ++k) {
      const json doc = g.instance(s);
      const auto r = v.validate(doc.dump());
      ASSERT_TRUE(r.valid) << s.dump() << "\n"
                           << doc.dump() << "\n"
                           << (lines(r).empty() ? "" : lines(r)[0]);
      ASSERT_EQ(r.score, 1.0);
      // The same document, pretty-printed and fenced, through the tolerant path.
      ASSERT_TRUE(v.validate_output("Output:\n```json\n" + doc.dump(2) + "\n```").valid);

      std::vector<std::pair<std::string, std::string>> sites;
      required_sites(s, doc, "", sites);
      if (sites.empty()) continue;
      const auto& [where, key] =
          sites[static_cast<std::size_t>(g.pick(static_cast<int>(sites.size())))];
      json broken = doc;
      broken[to_nlohmann(where)].erase(key);
      const auto b = v.validate(broken.dump());
      ASSERT_FALSE(b.valid) << broken.dump();
      ASSERT_LT(b.score, 1.0);
      ASSERT_GE(b.score, 0.0);
      const std::string missing = where + "/" + pst::escape_json_pointer_token(key);
      bool found = false;
      for (const auto& x : b.violations)
        found = found || (x.pointer == missing && x.keyword == "required" &&
                          x.message == "required property '" + key + "' is missing");
      ASSERT_TRUE(found) << s.dump() << "\n" << broken.dump();
      ++mutated;
    }
  }
  EXPECT_GT(mutated, 1000);
}

TEST(JsonSchemaProperty, ScoreAlwaysInRange) {
  generator g(7);
  for (int round = 0; round < 200; ++round) {
    const json s = g.schema(0);
    const json other = g.instance(g.schema(0));  // a document of some other schema
    const auto r = pst::json_schema(s.dump()).validate(other.dump());
    ASSERT_GE(r.score, 0.0);
    ASSERT_LE(r.score, 1.0);
    ASSERT_EQ(r.valid, r.violations.empty());
    ASSERT_EQ(r.valid, r.score == 1.0);
  }
}
