// Parity with Google's rouge-score 0.1.2: every precision/recall/F1 triple of
// tests/data/rouge-parity.jsonl (the repository's own texts: example articles, biographies and
// documentation paragraphs, with and without stemming; written by tests/data/make_fixtures.py,
// which calls score(target, prediction), so target is the reference and prediction the summary)
// must match within 1e-12, through the free function, the cached scorer and the batch call. The
// Python suite compares with rouge-score live (tests/python/test_parity_live.py).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "precis/metrics/rouge.hpp"

namespace pm = precis::metrics;

namespace {

struct parity_record {
  std::string id;
  std::string prediction;
  std::string target;
  nlohmann::json scores;
};

std::vector<parity_record> load() {
  std::ifstream in(std::string(PRECIS_DATA_DIR) + "/rouge-parity.jsonl");
  std::vector<parity_record> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    out.push_back({j.at("id").get<std::string>(), j.at("prediction").get<std::string>(),
                   j.at("target").get<std::string>(), j.at("scores")});
  }
  return out;
}

pm::rouge_options parity_options(bool stem) {
  pm::rouge_options o;
  o.tokenizer = pm::rouge_tokenizer::rouge_score;
  o.use_stemmer = stem;
  o.types = {"rouge1", "rouge2", "rougeL", "rougeLsum"};
  return o;
}

}  // namespace

TEST(RougeParity, EveryTripleMatchesRougeScore) {
  const auto records = load();
  ASSERT_GE(records.size(), 700U) << "fixture " << PRECIS_DATA_DIR << "/rouge-parity.jsonl";
  double max_diff = 0.0;
  std::size_t compared = 0, records_ok = 0;
  for (const bool stem : {false, true}) {
    const auto options = parity_options(stem);
    const char* key = stem ? "stem" : "nostem";
    std::vector<std::string> summaries;
    std::vector<std::vector<std::string>> references;
    for (const auto& r : records) {
      summaries.push_back(r.prediction);
      references.push_back({r.target});
    }
    const auto batch = pm::rouge_batch(summaries, references, options, 2);
    ASSERT_EQ(batch.size(), records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& r = records[i];
      const pm::rouge_result free = pm::rouge(r.prediction, r.target, options);
      const pm::rouge_scorer scorer(r.target, options);
      EXPECT_EQ(free, scorer.score(r.prediction)) << r.id;
      ASSERT_TRUE(batch[i].result.has_value()) << batch[i].error;
      EXPECT_EQ(free, *batch[i].result) << r.id;
      bool ok = true;
      for (const char* type : {"rouge1", "rouge2", "rougeL", "rougeLsum"}) {
        const auto& expected = r.scores.at(key).at(type);
        const pm::rouge_prf& got = free[type];
        const double diffs[3] = {std::abs(got.precision - expected.at(0).get<double>()),
                                 std::abs(got.recall - expected.at(1).get<double>()),
                                 std::abs(got.f1 - expected.at(2).get<double>())};
        for (const double d : diffs) {
          max_diff = std::max(max_diff, d);
          ++compared;
          if (!(d <= 1e-12)) ok = false;
        }
        EXPECT_LE(diffs[0], 1e-12) << r.id << " " << key << " " << type << " precision";
        EXPECT_LE(diffs[1], 1e-12) << r.id << " " << key << " " << type << " recall";
        EXPECT_LE(diffs[2], 1e-12) << r.id << " " << key << " " << type << " f1";
      }
      if (ok) ++records_ok;
    }
  }
  EXPECT_EQ(compared, records.size() * 2 * 4 * 3);
  EXPECT_EQ(records_ok, records.size() * 2);
  std::cout << "[ parity ] " << records_ok << " of " << records.size() * 2
            << " (record, stem setting) pairs matched; " << compared
            << " numbers compared; max abs diff " << max_diff << "\n";
  RecordProperty("max_abs_diff", std::to_string(max_diff));
}
