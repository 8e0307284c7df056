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

#include "precis/judge/structured_citations.hpp"
#include "precis/metrics/citations.hpp"

namespace pm = precis::metrics;

namespace {

// Appends `w` to `s` with a space between (no operator+ temporaries: GCC 12 -Wrestrict).
void append_word(std::string& s, const std::string& w) {
  if (!s.empty()) s += ' ';
  s += w;
}

constexpr std::size_t k_sets = 32;
constexpr std::size_t k_summaries_per_set = 32;
constexpr std::size_t k_sources = 10;

struct data_set {
  std::vector<std::vector<precis::source_doc>> sources;  // per set
  std::vector<std::string> summaries, structured;        // set = i / k_summaries_per_set
  std::size_t bytes = 0;
};

const data_set& data() {
  static const data_set d = [] {
    data_set out;
    std::mt19937 rng(42);
    const char* syllables[] = {"ka",  "lo", "mi",  "ren", "tu",  "sa", "vor", "pe",
                               "dan", "il", "bro", "ste", "qua", "ni", "mor", "te"};
    std::vector<std::string> vocab;
    for (int i = 0; i < 3000; ++i) {
      std::string w;
      const int n = 2 + static_cast<int>(rng() % 2);
      for (int k = 0; k < n; ++k) w += syllables[rng() % 16];
      vocab.push_back(w);
    }
    const std::vector<std::string> common = {"the", "a", "of", "and", "in", "to", "was", "is"};
    auto word = [&] {
      return rng() % 3 == 0 ? common[rng() % common.size()] : vocab[rng() % vocab.size()];
    };
    for (std::size_t set = 0; set < k_sets; ++set) {
      std::vector<precis::source_doc> docs;
      std::vector<std::vector<std::string>> sentences;  // all sentences, source-major
      for (std::size_t s = 0; s < k_sources; ++s) {
        std::string text;
        for (int j = 0; j < 6; ++j) {
          std::string sentence;
          for (int w = 0; w < 15; ++w) append_word(sentence, word());
          sentence[0] = static_cast<char>(sentence[0] - 'a' + 'A');
          text += sentence + ". ";
          sentences.push_back({sentence, std::to_string(s + 1)});
        }
        docs.push_back({std::string("post_") + std::to_string(s + 1), text});
      }
      for (std::size_t k = 0; k < k_summaries_per_set; ++k) {
        std::string summary, json = "{";
        for (int c = 0; c < 10; ++c) {
          const auto& pick = sentences[rng() % sentences.size()];
          // A claim: most of a source sentence's words, some new ones.
          std::string claim;
          std::size_t begin = 0;
          int w = 0;
          while (begin < pick[0].size() && w < 16) {
            auto end = pick[0].find(' ', begin);
            if (end == std::string::npos) end = pick[0].size();
            append_word(claim, rng() % 5 != 0 ? pick[0].substr(begin, end - begin) : word());
            begin = end + 1;
            ++w;
          }
          if (c == 3) claim += std::string(" \"") + pick[0].substr(0, pick[0].find(' ', 10)) + "\"";
          std::string marker;
          const auto r = rng() % 10;
          if (r == 0) {
            marker = "";  // uncited
          } else if (r == 1) {
            marker = std::string(" [") + std::to_string(k_sources + 3) + "]";  // dangling
          } else if (r == 2) {
            marker =
                std::string(" [") + pick[1] + ", " + std::to_string(1 + rng() % k_sources) + "]";
          } else {
            marker = std::string(" [") + pick[1] + "]";
          }
          summary += claim + marker + ". ";
          if (c) json += ", ";
          json += "\"field_";
          json += std::to_string(c);
          json += "\": {\"value\": \"";
          json += c == 3 ? claim.substr(0, claim.find('"')) : claim;
          json += "\", \"sources\": [\"post_";
          json += pick[1];
          json += "\"]}";
        }
        json += "}";
        out.bytes += summary.size();
        out.summaries.push_back(std::move(summary));
        out.structured.push_back(std::move(json));
      }
      out.sources.push_back(std::move(docs));
    }
    return out;
  }();
  return d;
}

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
    const auto r = precis::judge::score_structured(*s[i / k_summaries_per_set], d.structured[i]);
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
