// Benchmarks of precis/embed and precis/metrics/embedding.hpp: the similarity matrix
// (4096 x 384 by 4096 x 384 float32, as in issue 5), sentence alignment of summary-sized blocks,
// BERTScore matching, and the hashed encoder's throughput on the SummEval dev texts (MB/s).
// Fixed seeds.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/embed/word_vectors.hpp"
#include "precis/metrics/embedding.hpp"

namespace pe = precis::embed;
namespace pm = precis::metrics;

namespace {

pe::row_matrix random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0F, 1.0F);
  pe::row_matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = g(rng);
  return m;
}

const std::vector<std::string>& texts() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out;
    std::ifstream in(std::string(PRECIS_DATA_DIR) + "/summeval-dev.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      out.push_back(j["source"].get<std::string>());
      out.push_back(j["summary"].get<std::string>());
    }
    return out;
  }();
  return all;
}

void BM_SimilarityMatrix(benchmark::State& state) {
  const auto a = random_matrix(4096, 384, 1);
  const auto b = random_matrix(4096, 384, 2);
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    auto s = pm::cosine_similarity(a, b, threads);
    benchmark::DoNotOptimize(s.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * 4096 * 4096 * 384 * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SimilarityMatrix)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AlignSentences(benchmark::State& state) {
  const auto s = random_matrix(4, 384, 3);
  const auto t = random_matrix(40, 384, 4);
  for (auto _ : state) {
    auto r = pm::align_sentences(s, t);
    benchmark::DoNotOptimize(r.score);
  }
  state.counters["pairs/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AlignSentences);

void BM_BertScore(benchmark::State& state) {
  const auto s = random_matrix(60, 384, 5);
  const auto t = random_matrix(700, 384, 6);
  for (auto _ : state) {
    auto r = pm::bertscore(s, t);
    benchmark::DoNotOptimize(r.f1);
  }
  state.counters["pairs/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BertScore);

void BM_HashedEncoder(benchmark::State& state) {
  pe::hashed_options o;
  o.dimension = static_cast<std::size_t>(state.range(0));
  const pe::hashed_encoder enc(o);
  const auto& t = texts();
  std::vector<float> row(o.dimension);
  std::size_t bytes = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& s = t[i++ % t.size()];
    enc.encode_into(s, row);
    benchmark::DoNotOptimize(row.data());
    bytes += s.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_HashedEncoder)->Arg(384)->Arg(1024);

void BM_EmbeddingScorer(benchmark::State& state) {
  const auto enc = std::make_shared<pe::hashed_encoder>();
  const auto& t = texts();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::vector<std::string> src = {t[(2 * i) % t.size()]};
    const pm::embedding_scorer scorer(enc, src);
    auto r = scorer.score(t[(2 * i + 1) % t.size()]);
    benchmark::DoNotOptimize(r.bertscore.f1);
    ++i;
  }
  state.counters["records/s"] =
      benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_EmbeddingScorer);

// A synthetic GloVe-format file (seeded random values printed like GloVe's, 6 decimals), 20,000
// words x 300: ~50 MB of text. Written once to the temp folder.
const std::string& glove_file() {
  static const std::string path = [] {
    const auto p = (std::filesystem::temp_directory_path() / "precis_bench_glove.txt").string();
    std::mt19937 rng(7);
    std::normal_distribution<float> g(0.0F, 0.4F);
    std::FILE* f = std::fopen(p.c_str(), "w");
    for (int w = 0; w < 20000; ++w) {
      std::fprintf(f, "word%d", w);
      for (int k = 0; k < 300; ++k) std::fprintf(f, " %.6f", static_cast<double>(g(rng)));
      std::fputc('\n', f);
    }
    std::fclose(f);
    return p;
  }();
  return path;
}

void BM_LoadWordVectorsText(benchmark::State& state) {
  const auto& p = glove_file();
  const auto bytes = std::filesystem::file_size(p);
  for (auto _ : state) {
    auto wv = pe::word_vectors::load(p, pe::word_vector_format::text);
    benchmark::DoNotOptimize(wv.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}
BENCHMARK(BM_LoadWordVectorsText)->Unit(benchmark::kMillisecond);

void BM_LoadWordVectorsCache(benchmark::State& state) {
  const auto cache = glove_file() + ".pwv";
  pe::word_vectors::load(glove_file()).save(cache);
  const auto bytes = std::filesystem::file_size(glove_file());
  for (auto _ : state) {
    auto wv = pe::word_vectors::load(cache);
    benchmark::DoNotOptimize(wv.size());
  }
  // Counted against the text file's size, to compare with the text loader.
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}
BENCHMARK(BM_LoadWordVectorsCache)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
