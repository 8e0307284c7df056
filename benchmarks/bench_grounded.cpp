// Throughput of the source-grounded metrics (relevance + faithfulness + conciseness in one
// grounded_scorer::score call) on the real SummEval dev records of
// $PRECIS_DATA_DIR/summeval-dev.jsonl (848 summaries of 53 articles; ~700-word articles,
// ~60-word summaries). Reported as pairs/s (items_per_second), one thread.
//   BM_grounded_cached:    one scorer per article built outside the timing; score(summary) timed
//   BM_grounded_uncached:  grounded_scorer(source) + score(summary) per pair
//   BM_grounded_batch/N:   score_records (the `precis score` engine) over all 848 records on N
//                          threads; scorers are shared by records with the same source
// Deterministic input, no randomness.

#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "precis/metrics/grounded.hpp"
#include "precis/score.hpp"

namespace pm = precis::metrics;

namespace {

struct data_set {
  std::vector<precis::record> records;
  std::vector<std::size_t> article;  // index into articles
  std::vector<std::string> articles;
};

const data_set& data() {
  static const data_set d = [] {
    data_set out;
    std::ifstream in(std::string(PRECIS_DATA_DIR) + "/summeval-dev.jsonl");
    std::map<std::string, std::size_t> ids;
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      precis::record r;
      r.id = j["doc_id"].get<std::string>() + "/" + j["system_id"].get<std::string>();
      r.summary = j["summary"].get<std::string>();
      r.sources = {{"1", j["source"].get<std::string>()}};
      const auto [it, added] = ids.emplace(j["doc_id"].get<std::string>(), out.articles.size());
      if (added) out.articles.push_back(r.sources[0].text);
      out.article.push_back(it->second);
      out.records.push_back(std::move(r));
    }
    return out;
  }();
  return d;
}

void BM_grounded_cached(benchmark::State& state) {
  const auto& d = data();
  std::vector<std::unique_ptr<pm::grounded_scorer>> scorers;
  for (const auto& a : d.articles) scorers.push_back(std::make_unique<pm::grounded_scorer>(a));
  std::size_t i = 0;
  for (auto _ : state) {
    const auto r = scorers[d.article[i]]->score(d.records[i].summary);
    benchmark::DoNotOptimize(r.faithfulness.score);
    i = (i + 1) % d.records.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_grounded_cached);

void BM_grounded_uncached(benchmark::State& state) {
  const auto& d = data();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto r = pm::grounded(d.records[i].summary, d.records[i].sources);
    benchmark::DoNotOptimize(r.faithfulness.score);
    i = (i + 1) % d.records.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_grounded_uncached);

void BM_grounded_batch(benchmark::State& state) {
  const auto& d = data();
  precis::score_options options;
  options.metrics = {"relevance", "faithfulness", "conciseness"};
  for (auto _ : state) {
    const auto table =
        precis::score_records(d.records, options, static_cast<unsigned>(state.range(0)));
    benchmark::DoNotOptimize(table.values.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.records.size()));
}
BENCHMARK(BM_grounded_batch)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
