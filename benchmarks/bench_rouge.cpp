// ROUGE throughput on the real SummEval pairs of $PRECIS_DATA_DIR/rouge-parity.jsonl (1,696
// summary/reference pairs, ~60-word summaries, one reference each), all four types
// (rouge1, rouge2, rougeL, rougeLsum). Reported as pairs/s (items_per_second).
//   BM_rouge_scorer/*: references prepared once (rouge_scorer), only score(summary) timed
//   BM_rouge_free/*:   rouge(summary, reference) per pair (reference prepared every call)
//   BM_rouge_batch/*:  rouge_batch over all pairs on N threads
// Arguments: /0 = rouge_score tokenizer without stemming, /1 = rouge_score with NLTK Porter,
// /2 = unicode tokenizer, /3 = unicode with NLTK Porter. Deterministic input, no randomness.

#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "precis/metrics/rouge.hpp"

namespace pm = precis::metrics;

namespace {

struct pairs_data {
  std::vector<std::string> summaries;
  std::vector<std::string> references;
};

const pairs_data& pairs() {
  static const pairs_data data = [] {
    pairs_data d;
    std::ifstream in(std::string(PRECIS_DATA_DIR) + "/rouge-parity.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line);
      d.summaries.push_back(j.at("prediction").get<std::string>());
      d.references.push_back(j.at("target").get<std::string>());
    }
    return d;
  }();
  return data;
}

pm::rouge_options options_for(std::int64_t mode) {
  pm::rouge_options o;
  o.types = {"rouge1", "rouge2", "rougeL", "rougeLsum"};
  o.tokenizer = mode < 2 ? pm::rouge_tokenizer::rouge_score : pm::rouge_tokenizer::unicode;
  o.use_stemmer = mode % 2 == 1;
  return o;
}

const char* label(std::int64_t mode) {
  static const char* names[] = {"rouge_score", "rouge_score+stem", "unicode", "unicode+stem"};
  return names[mode];
}

void BM_rouge_scorer(benchmark::State& state) {
  const auto& d = pairs();
  const auto options = options_for(state.range(0));
  std::vector<pm::rouge_scorer> scorers;
  scorers.reserve(d.references.size());
  for (const auto& r : d.references) scorers.emplace_back(r, options);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(scorers[i].score(d.summaries[i]));
    if (++i == scorers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(label(state.range(0)));
}
BENCHMARK(BM_rouge_scorer)->DenseRange(0, 3);

void BM_rouge_free(benchmark::State& state) {
  const auto& d = pairs();
  const auto options = options_for(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pm::rouge(d.summaries[i], d.references[i], options));
    if (++i == d.summaries.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(label(state.range(0)));
}
BENCHMARK(BM_rouge_free)->DenseRange(0, 3);

void BM_rouge_batch(benchmark::State& state) {
  const auto& d = pairs();
  const auto options = options_for(1);
  std::vector<std::vector<std::string>> refs;
  for (const auto& r : d.references) refs.push_back({r});
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(pm::rouge_batch(d.summaries, refs, options, threads));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.summaries.size()));
  state.SetLabel("rouge_score+stem, threads=" + std::to_string(threads));
}
BENCHMARK(BM_rouge_batch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
