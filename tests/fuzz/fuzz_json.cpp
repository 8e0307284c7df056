// libFuzzer target: tolerant JSON extraction from LLM output (`parse_json_output`), strict
// checking, JSON Schema compilation and validation, and `compare_json`. The input is cut at a
// byte 0xFF into a schema and a document. Invariants: repairs and offsets lie in the input, a
// value that came out is strict JSON, scores are in [0, 1], a document compared with itself
// scores 1, and only `[precis.*]` errors are raised (for a bad schema or gold).

#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "precis/structured/json_compare.hpp"
#include "precis/structured/json_output.hpp"
#include "precis/structured/json_schema.hpp"

namespace {

namespace ps = precis::structured;
using precis_fuzz::unit;

void check_output(const ps::json_output& out, std::string_view input) {
  PRECIS_FUZZ_CHECK(out.begin <= out.end && out.end <= input.size());
  for (const auto& r : out.repairs) PRECIS_FUZZ_CHECK(r.begin <= r.end && r.end <= input.size());
  if (out.ok()) {
    PRECIS_FUZZ_CHECK(!ps::check_json(out.json).has_value());
  } else {
    PRECIS_FUZZ_CHECK(out.error_offset <= input.size() && !out.message.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = precis_fuzz::fields(precis_fuzz::view(data, size), 2);
  const std::string_view document = parts.back();
  const std::string_view schema_text = parts.size() == 2 ? parts[0] : std::string_view("{}");

  ps::json_output_options shallow;
  shallow.max_depth = 8;
  check_output(ps::parse_json_output(document), document);
  check_output(ps::parse_json_output(document, shallow), document);
  if (const auto strict = ps::check_json(document)) {
    PRECIS_FUZZ_CHECK(!strict->ok());
  } else {
    // Strict JSON also passes the tolerant parser unchanged.
    const auto tolerant = ps::parse_json_output(document);
    PRECIS_FUZZ_CHECK(tolerant.ok());
  }

  try {
    const ps::json_schema schema(schema_text);
    for (const auto& r : {schema.validate(document), schema.validate_output(document)}) {
      PRECIS_FUZZ_CHECK(unit(r.score));
      PRECIS_FUZZ_CHECK(r.valid == r.violations.empty());
      PRECIS_FUZZ_CHECK(!r.valid || r.score == 1.0);
    }
  } catch (const precis::error& e) {
    PRECIS_FUZZ_CHECK(e.code() == "parse_error" || e.code() == "invalid_argument" ||
                      e.code() == "invalid_utf8");
  }

  // compare_json: the document against the schema text as gold, and a strict document against
  // itself (every field matches).
  try {
    const auto r = ps::compare_json(document, schema_text);
    PRECIS_FUZZ_CHECK(unit(r.score) && r.matched <= r.fields && r.missing <= r.fields);
    for (const auto& d : r.details) PRECIS_FUZZ_CHECK(unit(d.score));
  } catch (const precis::error& e) {
    PRECIS_FUZZ_CHECK(e.code() == "parse_error" || e.code() == "invalid_utf8" ||
                      e.code() == "invalid_argument");
  }
  if (!ps::check_json(document)) {
    const auto self = ps::compare_json(document, document);
    PRECIS_FUZZ_CHECK(self.score == 1.0 && self.matched == self.fields && self.extra.empty());
  }
  return 0;
}
