// Throughput of the citation metrics (parsing + coverage, validity, support, precision,
// misattribution, utilization, quotes; lexical support through the shared cached kernel) on
// seeded synthetic records: 10 sources of 6 sentences of 15 words each, summaries of ~150 words
// in 10 sentences with `[n]` markers (some dangling, some uncited, some quotes). Reported as
// summaries/s (items_per_second) and MB/s of summary text.
//   BM_citations_cached:      one citation_scorer per source set built outside the timing
//   BM_citations_structured:  the same facts as a JSON extraction schema (score_structured)
//   BM_citations_uncached:    citations(summary, sources): index + score per summary
//   BM_citations_parse:       parse_citations only
//   BM_citations_claims:      claims(summary): parse, analyze, split into claims (no scoring)
//   BM_citations_batch/N:     score_batch on N threads
// Fixed seed (std::mt19937(42)); the same input on every run.

#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "citation_data.hpp"
#include "precis/structured/structured_citations.hpp"
#include "precis/metrics/citations.hpp"

namespace pm = precis::metrics;

namespace {

using namespace precis_bench;

std::vector<std::unique_ptr<pm::citation_scorer>> scorers() {
  std::vector<std::unique_ptr<pm::citation_scorer>> out;
  for (const auto& s : data().sources) out.push_back(std::make_unique<pm::citation_scorer>(s));
  return out;
}

void finish(benchmark::State& state) {
  const auto& d = data();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(static_cast<double>(state.iterations()) *
                                                    static_cast<double>(d.bytes) /
                                                    static_cast<double>(d.summaries.size())));
}

void BM_citations_cached(benchmark::State& state) {
  const auto& d = data();
  const auto s = scorers();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto r = s[i / k_summaries_per_set]->score(d.summaries[i]);
    benchmark::DoNotOptimize(r.score);
    i = (i + 1) % d.summaries.size();
  }
  finish(state);
}
BENCHMARK(BM_citations_cached);

void BM_citations_structured(benchmark::State& state) {
  const auto& d = data();
  const auto s = scorers();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto r =
        precis::structured::score_structured(*s[i / k_summaries_per_set], d.structured[i]);
    benchmark::DoNotOptimize(r.score);
    i = (i + 1) % d.structured.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_citations_structured);

void BM_citations_uncached(benchmark::State& state) {
  const auto& d = data();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto r = pm::citations(d.summaries[i], d.sources[i / k_summaries_per_set]);
    benchmark::DoNotOptimize(r.score);
    i = (i + 1) % d.summaries.size();
  }
  finish(state);
}
BENCHMARK(BM_citations_uncached);

void BM_citations_parse(benchmark::State& state) {
  const auto& d = data();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto p = pm::parse_citations(d.summaries[i]);
    benchmark::DoNotOptimize(p.markers.data());
    i = (i + 1) % d.summaries.size();
  }
  finish(state);
}
BENCHMARK(BM_citations_parse);

void BM_citations_claims(benchmark::State& state) {
  const auto& d = data();
  const auto s = scorers();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto c = s[i / k_summaries_per_set]->claims(d.summaries[i]);
    benchmark::DoNotOptimize(c.data());
    i = (i + 1) % d.summaries.size();
  }
  finish(state);
}
BENCHMARK(BM_citations_claims);

void BM_citations_batch(benchmark::State& state) {
  const auto& d = data();
  const pm::citation_scorer scorer(d.sources[0]);
  const std::vector<std::string> batch(d.summaries.begin(),
                                       d.summaries.begin() + k_summaries_per_set * 8);
  for (auto _ : state) {
    const auto r = scorer.score_batch(batch, static_cast<unsigned>(state.range(0)));
    benchmark::DoNotOptimize(r.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_citations_batch)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
