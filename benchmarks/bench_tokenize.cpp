// Throughput of the text core: tokenize (ASCII fast path, ICU path, mixed scripts),
// split_sentences, normalize, and analyze() of a ~700-word English article.
// English text: the unique `source` fields of PRECIS_DATA_DIR/summeval-dev.jsonl.
// Mixed text: a fixed-seed shuffle of sentences in eight scripts.

#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "precis/text/analyzed_text.hpp"

namespace pt = precis::text;

namespace {

const std::vector<std::string>& english_articles() {
  static const std::vector<std::string> articles = [] {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::ifstream in(std::string(PRECIS_DATA_DIR) + "/summeval-dev.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      auto src = j.at("source").get<std::string>();
      if (seen.insert(src).second) out.push_back(std::move(src));
    }
    return out;
  }();
  return articles;
}

// About `bytes` of English, articles repeated.
std::string english_text(std::size_t bytes) {
  std::string out;
  const auto& a = english_articles();
  for (std::size_t i = 0; out.size() < bytes && !a.empty(); ++i) {
    out += a[i % a.size()];
    out += '\n';
  }
  return out;
}

std::string mixed_text(std::size_t bytes) {
  const std::vector<std::string> sentences = {
      "The whale swam nearly 14,000 miles, according to a release from Oregon State University. ",
      "\xD0\x9A\xD0\xB8\xD1\x82 \xD0\xBF\xD1\x80\xD0\xBE\xD0\xBF\xD0\xBB\xD1\x8B\xD0\xBB \xD0\xBF"
      "\xD0\xBE\xD1\x87\xD1\x82\xD0\xB8 22 500 \xD0\xBA\xD0\xB8\xD0\xBB\xD0\xBE\xD0\xBC\xD0\xB5"
      "\xD1\x82\xD1\x80\xD0\xBE\xD0\xB2 \xD0\xB2 2015 \xD0\xB3\xD0\xBE\xD0\xB4\xD1\x83. ",
      "\xCE\x97 \xCF\x86\xCE\xAC\xCE\xBB\xCE\xB1\xCE\xB9\xCE\xBD\xCE\xB1 \xCE\xBA\xCE\xBF\xCE\xBB"
      "\xCF\x8D\xCE\xBC\xCF\x80\xCE\xB7\xCF\x83\xCE\xB5 \xCF\x83\xCF\x84\xCE\xBF\xCE\xBD \xCE\xB5"
      "\xCE\xB9\xCF\x81\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCF\x8C. ",
      "\xE9\xB2\xB8\xE9\xB1\xBC\xE6\xB8\xB8\xE4\xBA\x86\xE5\xB0\x86\xE8\xBF\x91\xE4\xB8\x80\xE4"
      "\xB8\x87\xE5\x9B\x9B\xE5\x8D\x83\xE8\x8B\xB1\xE9\x87\x8C\xEF\xBC\x8C\xE5\x88\x9B\xE4\xB8"
      "\x8B\xE4\xBA\x86\xE7\xBA\xAA\xE5\xBD\x95\xE3\x80\x82",
      "\xD8\xB3\xD8\xA8\xD8\xAD\xD8\xAA \xD8\xA7\xD9\x84\xD8\xAD\xD9\x88\xD8\xAA \xD9\x85\xD8\xB3"
      "\xD8\xA7\xD9\x81\xD8\xA9 \xD8\xB7\xD9\x88\xD9\x8A\xD9\x84\xD8\xA9 \xD8\xAC\xD8\xAF\xD8\xA7"
      "\xD9\x8B. ",
      "\xE0\xA4\xB5\xE0\xA5\x8D\xE0\xA4\xB9\xE0\xA5\x87\xE0\xA4\xB2 \xE0\xA4\xA8\xE0\xA5\x87 "
      "\xE0\xA4\xB2\xE0\xA4\x82\xE0\xA4\xAC\xE0\xA5\x80 \xE0\xA4\xAF\xE0\xA4\xBE\xE0\xA4\xA4\xE0"
      "\xA5\x8D\xE0\xA4\xB0\xE0\xA4\xBE \xE0\xA4\x95\xE0\xA5\x80\xE0\xA5\xA4 ",
      "\xD7\x94\xD7\x9C\xD7\x95\xD7\x95\xD7\x99\xD7\xAA\xD7\x9F \xD7\xA9\xD7\x97\xD7\x94 "
      "\xD7\xA8\xD7\x97\xD7\x95\xD7\xA7 \xD7\x9E\xD7\x90\xD7\x95\xD7\x93. ",
      "\xE0\xB8\xA7\xE0\xB8\xB2\xE0\xB8\xAC\xE0\xB8\x9F\xE0\xB8\xA7\xE0\xB9\x88\xE0\xB8\xB2\xE0"
      "\xB8\xA2\xE0\xB8\x99\xE0\xB9\x89\xE0\xB8\xB3\xE0\xB9\x84\xE0\xB8\x81\xE0\xB8\xA5 ",
  };
  std::mt19937 rng(42);
  std::string out;
  while (out.size() < bytes) out += sentences[rng() % sentences.size()];
  return out;
}

void run_tokenize(benchmark::State& state, const std::string& text, bool icu_only) {
  std::vector<pt::token> tokens;
  tokens.reserve(text.size() / 4);
  for (auto _ : state) {
    tokens.clear();
    if (icu_only) {
      pt::detail::tokenize_icu(text, {}, tokens);
    } else {
      pt::tokenize_into(text, {}, tokens);
    }
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["tokens/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * tokens.size()), benchmark::Counter::kIsRate);
}

void BM_tokenize_ascii(benchmark::State& state) {
  static const std::string text = english_text(4 << 20);
  run_tokenize(state, text, false);
}
BENCHMARK(BM_tokenize_ascii);

void BM_tokenize_ascii_icu_only(benchmark::State& state) {
  static const std::string text = english_text(4 << 20);
  run_tokenize(state, text, true);
}
BENCHMARK(BM_tokenize_ascii_icu_only);

void BM_tokenize_mixed(benchmark::State& state) {
  static const std::string text = mixed_text(4 << 20);
  run_tokenize(state, text, false);
}
BENCHMARK(BM_tokenize_mixed);

void BM_split_sentences_ascii(benchmark::State& state) {
  static const std::string text = english_text(4 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(pt::split_sentences(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_split_sentences_ascii);

// The rule scan alone (before the abbreviation pass), precis' own against ICU's iterator, on
// English articles (SummEval: ASCII with a few non-ASCII characters) and on mixed scripts.
void run_breaks(benchmark::State& state, const std::string& text, bool own) {
  for (auto _ : state) benchmark::DoNotOptimize(pt::detail::icu_sentence_breaks(text, own));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
void BM_sentence_breaks_english_own(benchmark::State& state) {
  static const std::string text = english_text(4 << 20);
  run_breaks(state, text, true);
}
BENCHMARK(BM_sentence_breaks_english_own);
void BM_sentence_breaks_english_icu(benchmark::State& state) {
  static const std::string text = english_text(4 << 20);
  run_breaks(state, text, false);
}
BENCHMARK(BM_sentence_breaks_english_icu);
void BM_sentence_breaks_mixed_own(benchmark::State& state) {
  static const std::string text = mixed_text(4 << 20);
  run_breaks(state, text, true);
}
BENCHMARK(BM_sentence_breaks_mixed_own);
void BM_sentence_breaks_mixed_icu(benchmark::State& state) {
  static const std::string text = mixed_text(4 << 20);
  run_breaks(state, text, false);
}
BENCHMARK(BM_sentence_breaks_mixed_icu);

void BM_normalize_mixed_word(benchmark::State& state) {
  const std::string word = "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82";  // Привет
  std::string out;
  for (auto _ : state) {
    pt::normalize_into(word, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_normalize_mixed_word);

// About 700 words of English news: the SummEval sources (each shorter than that) one after the
// other, cut after the 700th token.
const std::string& article_700() {
  static const std::string text = [] {
    const std::string s = english_text(20000);
    const auto tokens = pt::tokenize(s);
    return tokens.size() >= 700 ? s.substr(0, tokens[699].end) : s;
  }();
  return text;
}

void run_analyze(benchmark::State& state, const pt::analyze_options& options) {
  const std::string& text = article_700();
  std::size_t tokens = 0;
  for (auto _ : state) {
    auto a = pt::analyze(text, options);
    tokens = a->tokens().size();
    benchmark::DoNotOptimize(a.get());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["tokens"] = static_cast<double>(tokens);
}

void BM_analyze_700_words(benchmark::State& state) { run_analyze(state, {}); }
BENCHMARK(BM_analyze_700_words)->Unit(benchmark::kMicrosecond);

void BM_analyze_700_words_porter(benchmark::State& state) {
  pt::analyze_options o;
  o.stemmer = pt::stemmer_kind::porter_nltk;
  run_analyze(state, o);
}
BENCHMARK(BM_analyze_700_words_porter)->Unit(benchmark::kMicrosecond);

void BM_analyze_700_words_ngrams_1_to_4(benchmark::State& state) {
  const std::string& text = article_700();
  for (auto _ : state) {
    auto a = pt::analyze(text);
    for (std::size_t n = 1; n <= 4; ++n) benchmark::DoNotOptimize(a->ngrams(n).size());
  }
}
BENCHMARK(BM_analyze_700_words_ngrams_1_to_4)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
