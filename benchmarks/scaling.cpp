// How the cost of the source-grounded metrics and of citation scoring grows with the input
// (docs/performance.md, "Scaling"). Seeded synthetic text (std::mt19937(7)): a vocabulary of
// 4,000 made-up words drawn Zipf-like, sentences of 8-24 words; summaries take most words of a
// source sentence and add new ones, with `[n]` markers for the citation metric.
//
//   grounded  / words:   one cached grounded_scorer over a 10,000-character source; score() of
//                        summaries of 60 .. 40,000 words
//   grounded-novel:      the same with summaries of new sentences (words drawn from the same
//                        vocabulary, no source sentence behind them: few redundant pairs)
//   citations / words:   one cached citation_scorer over 20 sources; score() of the same lengths
//   citations / sources: cached citation_scorers over 1 .. 500 source chunks (~60 words each);
//                        score() of one 60-word summary citing some of them
//   grounded  / sources: the same chunks, one cached grounded_scorer each, the same summary
//
// Each case: median of 5 rounds, a round repeats the call until 50 ms have passed. Output: one
// Markdown table per sweep with the time per call and its ratio to the row before.
//   build/benchmarks/scaling                     all sweeps
//   build/benchmarks/scaling grounded 40000      one call of one case (for callgrind:
//     valgrind --tool=callgrind --toggle-collect='*measured_call*' build/benchmarks/scaling ...)
// Prints a checksum of the scores per case, which an optimization must not change.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "precis/metrics/citations.hpp"
#include "precis/metrics/grounded.hpp"

namespace pm = precis::metrics;

namespace {

class text_maker {
 public:
  explicit text_maker(unsigned seed) : rng_(seed) {
    const char* syllables[] = {"ka",  "lo", "mi",  "ren", "tu",  "sa", "vor", "pe",
                               "dan", "il", "bro", "ste", "qua", "ni", "mor", "te"};
    for (int i = 0; i < 4000; ++i) {
      std::string w;
      const int n = 1 + static_cast<int>(rng_() % 3);
      for (int k = 0; k < n; ++k) w += syllables[rng_() % 16];
      vocab_.push_back(w);
    }
    // Zipf-like: P(rank r) ~ 1 / (r + 1).
    double total = 0.0;
    for (std::size_t r = 0; r < vocab_.size(); ++r) {
      total += 1.0 / static_cast<double>(r + 1);
      cumulative_.push_back(total);
    }
    for (auto& c : cumulative_) c /= total;
  }

  std::string word() {
    if (rng_() % 40 == 0) return std::to_string(rng_() % 2000);
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u);
    return vocab_[static_cast<std::size_t>(std::min<std::ptrdiff_t>(
        it - cumulative_.begin(), static_cast<std::ptrdiff_t>(vocab_.size()) - 1))];
  }

  std::vector<std::string> sentence_words() {
    std::vector<std::string> words;
    const auto n = 8 + rng_() % 17;
    for (std::size_t i = 0; i < n; ++i) words.push_back(word());
    return words;
  }

  static std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (const auto& w : words) {
      if (!s.empty()) s += ' ';
      s += w;
    }
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s + ".";
  }

  // Sentences until `chars` characters.
  std::vector<std::vector<std::string>> sentences(std::size_t chars) {
    std::vector<std::vector<std::string>> out;
    std::size_t n = 0;
    while (n < chars) {
      out.push_back(sentence_words());
      n += join(out.back()).size() + 1;
    }
    return out;
  }

  // A summary of `words` words: sentences that take most words of a random source sentence and
  // replace the others; with `sources` > 0, each ends with a marker [k], k in 1..sources.
  // With `from` empty, every sentence is new (no source sentence behind it).
  std::string summary(const std::vector<std::vector<std::string>>& from, std::size_t words,
                      std::size_t sources) {
    std::string s;
    std::size_t n = 0;
    while (n < words) {
      auto w = from.empty() ? sentence_words() : from[rng_() % from.size()];
      for (auto& x : w) {
        if (rng_() % 4 == 0) x = word();
      }
      if (w.size() > words - n) w.resize(words - n);
      n += w.size();
      std::string sentence = join(w);
      if (sources > 0) {
        sentence.pop_back();
        sentence += " [" + std::to_string(1 + rng_() % sources) + "].";
      }
      if (!s.empty()) s += ' ';
      s += sentence;
    }
    return s;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
  std::vector<std::string> vocab_;
  std::vector<double> cumulative_;
};

std::string text_of(const std::vector<std::vector<std::string>>& sentences) {
  std::string s;
  for (const auto& w : sentences) {
    if (!s.empty()) s += ' ';
    s += text_maker::join(w);
  }
  return s;
}

// Everything one sweep needs, built from the seed, so a single case sees the same input as the
// full sweep.
struct inputs {
  std::vector<std::vector<std::string>> source_sentences;  // the 10k-character source
  std::string source;
  std::vector<precis::source_doc> sources20;
  std::vector<std::vector<std::string>> sources20_sentences;
  std::vector<precis::source_doc> chunks;  // 500 chunks of ~60 words
  std::vector<std::vector<std::string>> chunk_sentences;
};

const inputs& data() {
  static const inputs d = [] {
    inputs in;
    text_maker make(7);
    in.source_sentences = make.sentences(10000);
    in.source = text_of(in.source_sentences);
    for (int i = 0; i < 20; ++i) {
      auto s = make.sentences(2000);
      in.sources20.push_back({"doc" + std::to_string(i + 1), text_of(s)});
      in.sources20_sentences.insert(in.sources20_sentences.end(), s.begin(), s.end());
    }
    for (int i = 0; i < 500; ++i) {
      auto s = make.sentences(360);
      in.chunks.push_back({"chunk" + std::to_string(i + 1), text_of(s)});
      in.chunk_sentences.insert(in.chunk_sentences.end(), s.begin(), s.end());
    }
    return in;
  }();
  return d;
}

const std::vector<std::size_t> k_lengths = {60,   78,   156,   312,   625,  1250,
                                            2500, 5000, 10000, 20000, 40000};
const std::vector<std::size_t> k_counts = {1, 2, 4, 8, 16, 32, 64, 128, 256, 500};

std::string summary_words(std::size_t words, std::size_t sources, unsigned salt,
                          bool novel = false) {
  text_maker make(1000 + salt);
  const auto& d = data();
  if (novel) return make.summary({}, words, sources);
  return make.summary(sources == 20 ? d.sources20_sentences : d.source_sentences, words, sources);
}

// The 60-word summary of the source-count sweep: sentences of the first `count` chunks, citing
// them.
std::string chunk_summary(std::size_t count) {
  text_maker make(99);
  const auto& d = data();
  std::vector<std::vector<std::string>> from;
  // ~6 sentences per chunk; take those of the cited chunks.
  const std::size_t per = d.chunk_sentences.size() / d.chunks.size();
  from.assign(d.chunk_sentences.begin(),
              d.chunk_sentences.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(
                                              1, std::min(count * per, d.chunk_sentences.size()))));
  return make.summary(from, 60, count);
}

struct one_case {
  std::string name;
  std::function<void()> prepare;  // builds the scorer (untimed)
  std::function<double()> call;   // the timed call; returns a score for the checksum
};

__attribute__((noinline)) double measured_call(const one_case& c) { return c.call(); }

double seconds_per_call(const one_case& c, double& checksum) {
  using clock = std::chrono::steady_clock;
  std::vector<double> rounds;
  for (int r = 0; r < 5; ++r) {
    const auto start = clock::now();
    std::size_t n = 0;
    double elapsed = 0.0;
    do {
      checksum = measured_call(c);
      ++n;
      elapsed = std::chrono::duration<double>(clock::now() - start).count();
    } while (elapsed < 0.05);
    rounds.push_back(elapsed / static_cast<double>(n));
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[2];
}

// The cases of one sweep; `x` is the swept value.
std::vector<one_case> cases(const std::string& sweep, const std::vector<std::size_t>& xs) {
  std::vector<one_case> out;
  for (const auto x : xs) {
    one_case c;
    c.name = sweep + " " + std::to_string(x);
    if (sweep == "grounded" || sweep == "grounded-novel") {
      auto scorer = std::make_shared<std::unique_ptr<pm::grounded_scorer>>();
      auto summary = std::make_shared<std::string>();
      const bool novel = sweep == "grounded-novel";
      c.prepare = [=] {
        *scorer = std::make_unique<pm::grounded_scorer>(data().source);
        *summary = summary_words(x, 0, 1, novel);
      };
      c.call = [=] { return (*scorer)->score(*summary).faithfulness.score; };
    } else if (sweep == "citations") {
      auto scorer = std::make_shared<std::unique_ptr<pm::citation_scorer>>();
      auto summary = std::make_shared<std::string>();
      c.prepare = [=] {
        *scorer = std::make_unique<pm::citation_scorer>(data().sources20);
        *summary = summary_words(x, 20, 2);
      };
      c.call = [=] { return (*scorer)->score(*summary).mean_support; };
    } else if (sweep == "citation-sources" || sweep == "grounded-sources") {
      const bool citing = sweep == "citation-sources";
      auto cite = std::make_shared<std::unique_ptr<pm::citation_scorer>>();
      auto ground = std::make_shared<std::unique_ptr<pm::grounded_scorer>>();
      auto summary = std::make_shared<std::string>();
      c.prepare = [=] {
        const auto& chunks = data().chunks;
        const std::vector<precis::source_doc> docs(chunks.begin(),
                                                   chunks.begin() + static_cast<std::ptrdiff_t>(x));
        if (citing) {
          *cite = std::make_unique<pm::citation_scorer>(docs);
        } else {
          *ground = std::make_unique<pm::grounded_scorer>(docs);
        }
        *summary = chunk_summary(x);
      };
      c.call = [=] {
        return citing ? (*cite)->score(*summary).mean_support
                      : (*ground)->score(*summary).faithfulness.score;
      };
    }
    out.push_back(std::move(c));
  }
  return out;
}

void sweep(const std::string& name, const std::string& what, const std::vector<std::size_t>& xs) {
  std::printf(
      "\n%s\n\n| %s | time per call | x previous | checksum |\n| ---: | ---: | ---: | ---: |\n",
      name.c_str(), what.c_str());
  double previous = 0.0;
  std::size_t i = 0;
  for (auto& c : cases(name, xs)) {
    c.prepare();
    double checksum = 0.0;
    const double t = seconds_per_call(c, checksum);
    char ratio[32] = "";
    if (previous > 0.0) std::snprintf(ratio, sizeof ratio, "%.2fx", t / previous);
    std::printf("| %zu | %.1f us | %s | %.6f |\n", xs[i], t * 1e6, ratio, checksum);
    std::fflush(stdout);
    previous = t;
    ++i;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3) {  // one call of one case
    const std::size_t x = std::strtoul(argv[2], nullptr, 10);
    auto c = cases(argv[1], {x});
    if (c.empty() || !c[0].prepare) {
      std::fprintf(stderr, "unknown sweep '%s'\n", argv[1]);
      return 2;
    }
    c[0].prepare();
    std::printf("%s: %.9f\n", c[0].name.c_str(), measured_call(c[0]));
    return 0;
  }
  const auto& d = data();
  std::printf("source: %zu characters; 20 sources of %zu..%zu characters; 500 chunks\n",
              d.source.size(), d.sources20.front().text.size(), d.sources20.back().text.size());
  sweep("grounded", "summary words", k_lengths);
  sweep("grounded-novel", "summary words", k_lengths);
  sweep("citations", "summary words", k_lengths);
  sweep("citation-sources", "source chunks", k_counts);
  sweep("grounded-sources", "source chunks", k_counts);
  return 0;
}
