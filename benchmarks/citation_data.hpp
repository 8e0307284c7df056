#pragma once
// The synthetic citation records of bench_citations and citations_callgrind: seeded
// (std::mt19937(42)), so every run and every program sees the same input. 32 sets of 10 sources
// (6 sentences of 15 words each), 32 summaries per set of ~150 words in 10 claims with `[n]`
// markers (some dangling, uncited, quoted), and the same facts as JSON extraction schemas.

#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "precis/metrics/citations.hpp"

namespace precis_bench {

// Appends `w` to `s` with a space between (no operator+ temporaries: GCC 12 -Wrestrict).
inline void append_word(std::string& s, const std::string& w) {
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

inline const data_set& data() {
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

}  // namespace precis_bench
