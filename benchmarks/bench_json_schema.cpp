// Validations per second of a realistic biography extraction schema (15 fields, nested objects,
// lists, enums, patterns, a $ref), on seeded generated LLM outputs: 70% valid, 30% with one or two
// faults; half of them wrapped in a ```json fence with a sentence of prose.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "precis/structured/json_compare.hpp"
#include "precis/structured/json_output.hpp"
#include "precis/structured/json_schema.hpp"

namespace pst = precis::structured;

namespace {

const char* biography_schema = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["name", "birth_year", "birth_place", "occupation", "nationality", "education",
               "employers", "spouse", "children", "languages", "awards", "residence",
               "summary", "confidence", "sources"],
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 120},
    "birth_year": {"type": ["integer", "null"], "minimum": 1800, "maximum": 2025},
    "birth_place": {"$ref": "#/$defs/place"},
    "occupation": {"type": "string", "enum": ["nurse", "teacher", "engineer", "writer", "chef",
                                              "pilot", "doctor", "farmer", "artist", "lawyer"]},
    "nationality": {"type": "string", "pattern": "^[A-Z][a-z]+$"},
    "education": {"type": "array", "maxItems": 5, "items": {"type": "object",
        "required": ["institution", "degree"], "additionalProperties": false,
        "properties": {"institution": {"type": "string"}, "degree": {"type": "string"},
                       "year": {"type": "integer"}}}},
    "employers": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true},
    "spouse": {"type": ["string", "null"]},
    "children": {"type": "integer", "minimum": 0, "maximum": 20},
    "languages": {"type": "array", "minItems": 1, "items": {"type": "string",
                  "pattern": "^[a-z]{2}$"}},
    "awards": {"type": "array", "items": {"type": "string"}},
    "residence": {"$ref": "#/$defs/place"},
    "summary": {"type": "string", "maxLength": 600},
    "confidence": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "sources": {"type": "array", "minItems": 1, "items": {"type": "string",
                "pattern": "^post_[0-9]+$"}}
  },
  "$defs": {"place": {"type": "object", "required": ["city", "country"],
            "properties": {"city": {"type": "string"}, "country": {"type": "string"}}}}
})";

std::vector<std::string> make_outputs(std::size_t n) {
  std::mt19937 rng(12345);
  auto pick = [&](int k) { return std::uniform_int_distribution<int>(0, k - 1)(rng); };
  const char* jobs[] = {"nurse", "teacher", "engineer", "writer", "chef", "pilot"};
  const char* cities[] = {"Lisbon", "Porto", "Lyon", "Osaka", "Quito"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const bool faulty = pick(10) < 3;
    std::string d = "{\"name\": \"Person " + std::to_string(i) + "\", ";
    d += "\"birth_year\": " + std::to_string(1930 + pick(80)) + ", ";
    d += "\"birth_place\": {\"city\": \"" + std::string(cities[pick(5)]) +
         "\", \"country\": \"PT\"}, ";
    d += "\"occupation\": \"" + std::string(faulty && pick(2) ? "astronaut" : jobs[pick(6)]) +
         "\", ";
    d += "\"nationality\": \"Portuguese\", ";
    d += "\"education\": [{\"institution\": \"University of Lisbon\", \"degree\": \"BSc\", "
         "\"year\": 1990}], ";
    d += "\"employers\": [\"Hospital Santa Maria\", \"Clinic " + std::to_string(pick(50)) + "\"], ";
    d += "\"spouse\": null, ";
    d += "\"children\": " + std::to_string(faulty && pick(2) ? -1 : pick(4)) + ", ";
    d += "\"languages\": [\"pt\", \"en\"], \"awards\": [], ";
    d += "\"residence\": {\"city\": \"Lisbon\", \"country\": \"PT\"}, ";
    d += "\"summary\": \"A nurse from Lisbon who moved to Porto in 2021 and works nights at a "
         "public hospital; she writes about shift work and patient care.\", ";
    d += "\"confidence\": 0." + std::to_string(1 + pick(9));
    if (!(faulty && pick(3) == 0))
      d += ", \"sources\": [\"post_" + std::to_string(pick(15)) + "\"]";
    d += "}";
    if (pick(2)) d = "Here is the extracted profile:\n```json\n" + d + "\n```";
    out.push_back(std::move(d));
  }
  return out;
}

const std::vector<std::string>& outputs() {
  static const std::vector<std::string> v = make_outputs(1000);
  return v;
}

std::size_t total_bytes() {
  std::size_t b = 0;
  for (const auto& s : outputs()) b += s.size();
  return b;
}

void BM_parse_json_output(benchmark::State& state) {
  const auto& docs = outputs();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pst::parse_json_output(docs[i]));
    i = (i + 1) % docs.size();
  }
  state.counters["docs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(total_bytes() / docs.size()));
}

void BM_validate_output(benchmark::State& state) {
  const pst::json_schema schema(biography_schema);
  const auto& docs = outputs();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(schema.validate_output(docs[i]));
    i = (i + 1) % docs.size();
  }
  state.counters["validations/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(total_bytes() / docs.size()));
}

void BM_compile_schema(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(pst::json_schema(biography_schema));
}

void BM_validate_batch(benchmark::State& state) {
  const pst::json_schema schema(biography_schema);
  const auto& docs = outputs();
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(schema.validate_batch(docs, true, threads));
  state.counters["validations/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * docs.size()), benchmark::Counter::kIsRate);
}

void BM_compare_json(benchmark::State& state) {
  const auto& docs = outputs();
  const std::string gold = pst::parse_json_output(docs[0]).json;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pst::compare_json(docs[i], gold));
    i = (i + 1) % docs.size();
  }
  state.counters["comparisons/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_parse_json_output);
BENCHMARK(BM_validate_output);
BENCHMARK(BM_compile_schema);
BENCHMARK(BM_validate_batch)->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(BM_compare_json);
BENCHMARK_MAIN();
