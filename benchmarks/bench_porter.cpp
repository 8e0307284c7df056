// Stemming throughput on fixed data: the 5,115 words of porter-nltk.tsv (every lower-cased
// alphanumeric token of the SummEval dev texts), in file order. Reports words/s.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "precis/text/porter.hpp"
#include "precis/text/snowball.hpp"

namespace {

const std::vector<std::string>& words() {
  static const std::vector<std::string> list = [] {
    const std::string path = std::string(PRECIS_DATA_DIR) + "/porter-nltk.tsv";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) out.push_back(line.substr(0, line.find('\t')));
    return out;
  }();
  return list;
}

void set_counters(benchmark::State& state, std::int64_t bytes) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(words().size()));
  state.SetBytesProcessed(state.iterations() * bytes);
}

std::int64_t total_bytes() {
  std::int64_t n = 0;
  for (const auto& w : words()) n += static_cast<std::int64_t>(w.size());
  return n;
}

// Hot-loop form: one reused output buffer, no allocation.
void bm_porter_stem_out(benchmark::State& state) {
  const auto& list = words();
  std::string out;
  out.reserve(64);
  for (auto _ : state) {
    for (const auto& w : list) {
      precis::text::porter_stem(w, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  set_counters(state, total_bytes());
}
BENCHMARK(bm_porter_stem_out);

// Convenience form: returns a new string per word.
void bm_porter_stem_return(benchmark::State& state) {
  const auto& list = words();
  for (auto _ : state) {
    for (const auto& w : list) {
      std::string s = precis::text::porter_stem(w);
      benchmark::DoNotOptimize(s.data());
    }
  }
  set_counters(state, total_bytes());
}
BENCHMARK(bm_porter_stem_return);

// Uppercased words: the same ASCII path plus lowercasing.
void bm_porter_stem_uppercase(benchmark::State& state) {
  std::vector<std::string> list = words();
  for (auto& w : list) {
    for (char& c : w) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
  }
  std::string out;
  for (auto _ : state) {
    for (const auto& w : list) {
      precis::text::porter_stem(w, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  set_counters(state, total_bytes());
}
BENCHMARK(bm_porter_stem_uppercase);

// Non-ASCII words (each word prefixed with "é"): the code-point path with ICU lowercasing.
void bm_porter_stem_non_ascii(benchmark::State& state) {
  std::vector<std::string> list;
  std::int64_t bytes = 0;
  for (const auto& w : words()) {
    list.push_back("\xC3\xA9" + w);
    bytes += static_cast<std::int64_t>(list.back().size());
  }
  std::string out;
  for (auto _ : state) {
    for (const auto& w : list) {
      precis::text::porter_stem(w, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  set_counters(state, bytes);
}
BENCHMARK(bm_porter_stem_non_ascii);

void bm_snowball(benchmark::State& state, const char* language) {
  const auto& list = words();
  precis::text::snowball_stemmer stemmer(language);
  for (auto _ : state) {
    for (const auto& w : list) benchmark::DoNotOptimize(stemmer.stem(w).data());
  }
  set_counters(state, total_bytes());
}
BENCHMARK_CAPTURE(bm_snowball, english, "english");
BENCHMARK_CAPTURE(bm_snowball, porter, "porter");

}  // namespace

BENCHMARK_MAIN();
