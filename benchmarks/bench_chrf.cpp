// Sentence chrF throughput on the real SummEval pairs of sacrebleu-parity.jsonl (the `/ptb`
// records: a ~60-word summary against references[0], or against all 11 references). Reports
// pairs/s through items_per_second. sacrebleu 2.6 does about 1,400 pairs/s (chrF) on this data.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "precis/metrics/chrf.hpp"

namespace {

struct pairs {
  std::vector<std::string> hyps;
  std::vector<std::vector<std::string>> refs;
  std::vector<std::string_view> hv, rv;
  std::vector<std::vector<std::string_view>> rv11;
};

const pairs& data() {
  static const pairs p = [] {
    pairs out;
    std::ifstream in(std::string(PRECIS_DATA_DIR) + "/sacrebleu-parity.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      if (!j.at("id").get<std::string>().ends_with("/ptb")) continue;
      out.hyps.push_back(j.at("hypothesis").get<std::string>());
      out.refs.push_back(j.at("references").get<std::vector<std::string>>());
    }
    for (std::size_t i = 0; i < out.hyps.size(); ++i) {
      out.hv.emplace_back(out.hyps[i]);
      out.rv.emplace_back(out.refs[i][0]);
      out.rv11.emplace_back(out.refs[i].begin(), out.refs[i].end());
    }
    return out;
  }();
  return p;
}

void BM_chrf_pair(benchmark::State& state) {
  const auto& d = data();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(precis::metrics::chrf(d.hv[i], d.rv[i]));
    if (++i == d.hv.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_chrf_pair);

void BM_chrf_pair_11refs(benchmark::State& state) {
  const auto& d = data();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(precis::metrics::chrf(d.hv[i], d.rv11[i]));
    if (++i == d.hv.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_chrf_pair_11refs);

// The cached path as SummEval uses it: one scorer per article (built outside the timing),
// reused for the 16 system summaries that share its reference.
void BM_chrf_cached_scorer(benchmark::State& state) {
  const auto& d = data();
  std::vector<std::size_t> order(d.hv.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return d.rv[a] < d.rv[b]; });
  std::vector<precis::metrics::chrf_scorer> scorers;
  std::vector<std::size_t> scorer_of(d.hv.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || d.rv[order[k]] != d.rv[order[k - 1]]) scorers.emplace_back(d.rv[order[k]]);
    scorer_of[k] = scorers.size() - 1;
  }
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(scorers[scorer_of[k]].score(d.hv[order[k]]));
    if (++k == order.size()) k = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["scorers"] = static_cast<double>(scorers.size());
}
BENCHMARK(BM_chrf_cached_scorer);

void BM_chrf_batch(benchmark::State& state) {
  const auto& d = data();
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(precis::metrics::chrf_batch(d.hv, d.rv, {}, threads));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.hv.size()));
}
BENCHMARK(BM_chrf_batch)->Arg(1)->Arg(2)->UseRealTime();

void BM_chrfpp_pair(benchmark::State& state) {
  const auto& d = data();
  precis::metrics::chrf_options o;
  o.word_order = 2;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(precis::metrics::chrf(d.hv[i], d.rv[i], o));
    if (++i == d.hv.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_chrfpp_pair);

}  // namespace

BENCHMARK_MAIN();
