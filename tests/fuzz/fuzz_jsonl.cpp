// libFuzzer target: the JSONL reader and the batch engine behind `precis score`. Arbitrary bytes
// are read as JSONL; the records are scored with the reference metrics and with the
// source-grounded and citation metrics. Invariants: every bad line is reported with its line
// number and never aborts the batch; every record keeps its row; a scored row's headline scores
// are in [0, 1]; a failed row is NaN throughout with a `[precis.*]` error.

#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>

#include "fuzz_common.hpp"
#include "precis/io/jsonl.hpp"
#include "precis/score.hpp"

namespace {

// Columns on the 0..1 scale (the rest are counts, lengths and unbounded ratios).
bool unit_column(const std::string& c) {
  static const std::set<std::string> names = {
      "rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf", "chrfpp", "relevance",
      "relevance_alignment", "relevance_coverage", "relevance_diversity", "faithfulness",
      "faithfulness_support_mean", "faithfulness_support_min", "conciseness",
      "conciseness_redundancy", "conciseness_filler_ratio", "citation_score"};
  if (names.count(c)) return true;
  return c.starts_with("rouge") && (c.ends_with("_precision") || c.ends_with("_recall"));
}

void check_table(const precis::score_table& t, std::size_t records) {
  PRECIS_FUZZ_CHECK(t.rows() == records && t.errors.size() == records);
  PRECIS_FUZZ_CHECK(t.values.size() == records * t.columns.size());
  for (std::size_t r = 0; r < records; ++r) {
    if (!t.errors[r].empty()) {
      PRECIS_FUZZ_CHECK(t.errors[r].starts_with("[precis."));
      for (std::size_t c = 0; c < t.columns.size(); ++c) PRECIS_FUZZ_CHECK(std::isnan(t.at(r, c)));
      continue;
    }
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const double v = t.at(r, c);
      PRECIS_FUZZ_CHECK(!std::isinf(v));
      if (unit_column(t.columns[c])) PRECIS_FUZZ_CHECK(precis_fuzz::unit(v));
    }
  }
  for (const auto& [name, value] : t.corpus) {
    PRECIS_FUZZ_CHECK(std::isnan(value) || precis_fuzz::unit(value));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(precis_fuzz::view(data, size)));
  precis::io::jsonl_fields fields;
  if (size > 0 && data[0] == ' ') fields.sources = "sources";
  const auto read = precis::io::read_jsonl(in, fields);
  PRECIS_FUZZ_CHECK(read.lines.size() == read.records.size());
  std::size_t previous = 0;
  for (const auto line : read.lines) {
    PRECIS_FUZZ_CHECK(line > previous);
    previous = line;
  }
  for (const auto& e : read.errors) {
    PRECIS_FUZZ_CHECK(e.line >= 1);
    PRECIS_FUZZ_CHECK(e.message.starts_with("[precis."));
    // "[precis.<code>] line N: ..." or "... line N (id 'x'), field ...": the line is named.
    const std::string named = "] line " + std::to_string(e.line);
    const auto at = e.message.find(named);
    PRECIS_FUZZ_CHECK(at != std::string::npos);
    const auto after = at + named.size();
    PRECIS_FUZZ_CHECK(after == e.message.size() || e.message[after] < '0' || e.message[after] > '9');
  }
  if (read.records.empty()) return 0;

  precis::score_options reference;
  reference.metrics = {"rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf", "chrfpp"};
  reference.record_numbers = read.lines;
  reference.record_label = "line";
  check_table(precis::score_records(read.records, reference, 1), read.records.size());

  precis::score_options grounded = reference;
  grounded.metrics = {"relevance", "faithfulness", "conciseness", "citations"};
  check_table(precis::score_records(read.records, grounded, 1), read.records.size());
  return 0;
}
