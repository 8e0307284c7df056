// libFuzzer target: citation parsing and scoring, and the source-grounded metrics, on arbitrary
// text. The input is cut at bytes 0xFF into a summary and up to 8 sources (the first byte picks
// options). Invariants: every span lies in its text, the masked summary keeps every offset, every
// score and ratio of the 0..1 scale is in [0, 1], counts are consistent; invalid UTF-8 raises
// `[precis.invalid_utf8]` and nothing else.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "precis/metrics/citations.hpp"
#include "precis/metrics/grounded.hpp"

namespace {

namespace pm = precis::metrics;
using precis_fuzz::unit;

void check_span(const pm::text_span& s, std::size_t size) {
  PRECIS_FUZZ_CHECK(s.begin <= s.end && s.end <= size);
}

void check_citations(const pm::citation_result& r, std::string_view summary,
                     std::size_t n_sources) {
  // A summary without claims has nothing to judge: these four are NaN then, and only then
  // (docs/metrics/citations.md, edge cases).
  for (const double v : {r.score, r.coverage, r.support_recall, r.mean_support}) {
    PRECIS_FUZZ_CHECK(r.claims == 0 ? std::isnan(v) : unit(v));
  }
  for (const double v : {r.validity, r.precision, r.f1, r.misattribution, r.utilization,
                         r.quote_accuracy}) {
    PRECIS_FUZZ_CHECK(unit(v));
  }
  PRECIS_FUZZ_CHECK(r.sources == n_sources && r.used_sources <= r.sources);
  PRECIS_FUZZ_CHECK(r.cited_claims <= r.claims && r.supported_claims <= r.claims);
  PRECIS_FUZZ_CHECK(r.valid_citations <= r.citations && r.relevant_citations <= r.citations);
  PRECIS_FUZZ_CHECK(r.misattributed_claims <= r.attributed_claims);
  PRECIS_FUZZ_CHECK(r.quotes_found <= r.quotes && r.quote_details.size() == r.quotes);
  PRECIS_FUZZ_CHECK(r.claim_details.size() == r.claims);
  for (const auto& c : r.claim_details) {
    check_span(c.span, summary.size());
    PRECIS_FUZZ_CHECK(unit(c.support) && unit(c.better_support));
    PRECIS_FUZZ_CHECK(precis::text::is_valid_utf8(c.text));
    for (const auto& ref : c.citations) check_span(ref.span, summary.size());
  }
  for (const auto& q : r.quote_details) {
    check_span(q.span, summary.size());
    PRECIS_FUZZ_CHECK(q.claim >= 0 && static_cast<std::size_t>(q.claim) < r.claims);
  }
}

void check_grounded(const pm::grounded_result& g, std::string_view summary,
                    const std::vector<precis::source_doc>& sources) {
  const auto& rel = g.relevance;
  const auto& fai = g.faithfulness;
  const auto& con = g.conciseness;
  // A summary without word tokens has nothing to judge: the three scores are NaN together
  // (docs/metrics/faithfulness.md, edge cases), every other ratio stays on the 0..1 scale.
  const bool nothing_to_judge = std::isnan(rel.score);
  for (const double v : {rel.score, fai.score, con.score}) {
    PRECIS_FUZZ_CHECK(nothing_to_judge ? std::isnan(v) : unit(v));
  }
  if (nothing_to_judge) PRECIS_FUZZ_CHECK(fai.sentences.empty());
  for (const double v : {rel.alignment, rel.coverage, rel.redundancy, rel.diversity,
                         rel.query_coverage, fai.support_mean, fai.support_min,
                         fai.unigram_precision, fai.clipped_precision, fai.coverage,
                         con.redundancy, con.repeated_ngram_ratio, con.filler_ratio,
                         con.information_density, con.length_penalty}) {
    PRECIS_FUZZ_CHECK(unit(v));
  }
  for (const double v : fai.novel_ngram_ratio) PRECIS_FUZZ_CHECK(unit(v));
  PRECIS_FUZZ_CHECK(fai.density >= 0.0 && fai.compression >= 0.0 && con.compression_ratio >= 0.0);
  for (const auto& d : fai.sentences) {
    check_span(d.span, summary.size());
    PRECIS_FUZZ_CHECK(unit(d.support) && unit(d.lexical_support) && unit(d.salience) &&
                      unit(d.precision) && unit(d.novel_bigram_ratio));
    if (d.best_source >= 0) {
      PRECIS_FUZZ_CHECK(static_cast<std::size_t>(d.best_source) < sources.size());
      check_span(d.source_span, sources[static_cast<std::size_t>(d.best_source)].text.size());
    }
    for (const auto* list : {&d.over_repeated, &d.unsupported_numbers, &d.novel_names,
                             &d.fillers}) {
      // A flag is a token's span; a token belongs to the sentence it begins in. Where the
      // sentence splitter cuts a token (".@" in "ZA.@", one token), the token, and so the flag,
      // ends past its sentence (docs/reliability.md, "Fuzzing").
      for (const auto& s : *list) {
        check_span(s, summary.size());
        PRECIS_FUZZ_CHECK(s.begin >= d.span.begin && s.begin < d.span.end);
      }
    }
  }
  for (const auto& f : fai.fragments) check_span(f.span, summary.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const auto parts = precis_fuzz::fields(precis_fuzz::view(data + 1, size - 1), 9);
  const std::string summary = precis::text::repair_utf8(parts[0]);
  std::vector<precis::source_doc> sources;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    // Ids: empty (its position), numbered or named, so that markers can resolve either way.
    std::string id = flags & 1 ? "" : (flags & 2 ? "post_" : "") + std::to_string(i);
    sources.push_back({std::move(id), precis::text::repair_utf8(parts[i])});
  }

  pm::citation_options options;
  options.unit = flags & 4 ? pm::claim_unit::clause : pm::claim_unit::sentence;
  options.word_order = (flags & 8) != 0;
  options.footnotes = (flags & 16) == 0;
  options.min_claim_words = flags & 32 ? 3 : 1;
  const auto parsed = pm::parse_citations(summary, options);
  PRECIS_FUZZ_CHECK(parsed.masked.size() == summary.size() && parsed.body_end <= summary.size());
  for (const auto& m : parsed.markers) {
    check_span(m.span, parsed.body_end);
    PRECIS_FUZZ_CHECK(!m.key.empty());
  }
  for (const auto& f : parsed.footnotes) check_span(f.span, summary.size());

  try {
    const pm::citation_scorer scorer(sources, options);
    check_citations(scorer.score(summary), summary, sources.size());
  } catch (const precis::error& e) {
    // Only duplicate source ids are a caller mistake here.
    PRECIS_FUZZ_CHECK(e.code() == "invalid_argument");
  }

  pm::grounded_options g;
  g.ignore_citations = (flags & 64) == 0;
  if (flags & 128) g.budget = 1.0 + static_cast<double>(summary.size() % 50);
  const pm::grounded_scorer grounded(sources, sources.empty() ? "" : sources[0].text, g);
  check_grounded(grounded.score(summary), summary, sources);

  // Raw bytes: valid ones score, invalid ones raise the UTF-8 error and nothing else.
  const std::string raw(parts[0]);
  try {
    (void)grounded.score(raw);
    PRECIS_FUZZ_CHECK(precis::text::is_valid_utf8(raw));
  } catch (const precis::error& e) {
    PRECIS_FUZZ_CHECK(e.code() == "invalid_utf8" && !precis::text::is_valid_utf8(raw));
  }
  return 0;
}
