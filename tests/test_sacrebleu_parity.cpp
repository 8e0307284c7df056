// Parity with sacrebleu 2.6: every sentence score in tests/data/sacrebleu-parity.jsonl (BLEU with 1
// and 2 references, chrF with 1 and 2, chrF++ with 1) and every corpus score and signature in
// sacrebleu-corpus.json must agree within 1e-9 on sacrebleu's 0..100 scale. The texts are the
// repository's own (tests/data/make_fixtures.py); the Python suite compares with sacrebleu live.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "precis/metrics/bleu.hpp"
#include "precis/metrics/chrf.hpp"

namespace {

using precis::metrics::bleu_options;
using precis::metrics::chrf_options;

constexpr double tolerance = 1e-9;

struct record {
  std::string id;
  std::string hypothesis;
  std::vector<std::string> references;
  double bleu_1ref, bleu_nref, chrf_1ref, chrf_nref, chrfpp_1ref;
};

const std::vector<record>& records() {
  static const std::vector<record> all = [] {
    std::vector<record> out;
    std::ifstream in(std::string(PRECIS_DATA_DIR) + "/sacrebleu-parity.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line);
      out.push_back(record{j.at("id").get<std::string>(), j.at("hypothesis").get<std::string>(),
                           j.at("references").get<std::vector<std::string>>(),
                           j.at("bleu_1ref").get<double>(), j.at("bleu_nref").get<double>(),
                           j.at("chrf_1ref").get<double>(), j.at("chrf_nref").get<double>(),
                           j.at("chrfpp_1ref").get<double>()});
    }
    return out;
  }();
  return all;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

// Tracks how many values matched and the largest difference, printed at the end of each test.
struct tally {
  std::string name;
  std::size_t checked = 0;
  double max_diff = 0.0;
  void add(double ours100, double theirs, const std::string& id) {
    const double d = std::fabs(ours100 - theirs);
    max_diff = std::max(max_diff, d);
    ++checked;
    EXPECT_LE(d, tolerance) << name << " " << id << ": precis " << ours100 << " sacrebleu "
                            << theirs;
  }
  ~tally() {
    std::printf("[parity] %-12s %5zu values, max |diff| = %.3g\n", name.c_str(), checked, max_diff);
  }
};

TEST(SacrebleuParity, FixtureIsComplete) { EXPECT_GE(records().size(), 700U); }

TEST(SacrebleuParity, SentenceBleuOneReference) {
  tally t{"bleu_1ref"};
  for (const auto& r : records()) {
    t.add(100 * precis::metrics::bleu(r.hypothesis, r.references.at(0)).score, r.bleu_1ref, r.id);
  }
  EXPECT_EQ(t.checked, records().size());
}

TEST(SacrebleuParity, SentenceBleuTwoReferences) {
  tally t{"bleu_nref"};
  for (const auto& r : records()) {
    const auto refs = views(r.references);
    ASSERT_GE(refs.size(), 1U);
    t.add(100 * precis::metrics::bleu(r.hypothesis, refs).score, r.bleu_nref, r.id);
  }
  EXPECT_EQ(t.checked, records().size());
}

TEST(SacrebleuParity, SentenceChrfOneReference) {
  tally t{"chrf_1ref"};
  for (const auto& r : records()) {
    t.add(100 * precis::metrics::chrf(r.hypothesis, r.references.at(0)).score, r.chrf_1ref, r.id);
  }
  EXPECT_EQ(t.checked, records().size());
}

TEST(SacrebleuParity, SentenceChrfTwoReferences) {
  tally t{"chrf_nref"};
  for (const auto& r : records()) {
    const auto refs = views(r.references);
    t.add(100 * precis::metrics::chrf(r.hypothesis, refs).score, r.chrf_nref, r.id);
  }
  EXPECT_EQ(t.checked, records().size());
}

TEST(SacrebleuParity, SentenceChrfPlusPlusOneReference) {
  tally t{"chrfpp_1ref"};
  chrf_options o;
  o.word_order = 2;
  for (const auto& r : records()) {
    t.add(100 * precis::metrics::chrf(r.hypothesis, r.references.at(0), o).score, r.chrfpp_1ref,
          r.id);
  }
  EXPECT_EQ(t.checked, records().size());
}

TEST(SacrebleuParity, BatchAndScorerAgreeWithFixture) {
  // The same values through the batch entry points (2 threads) and cached scorers.
  std::vector<std::string_view> hyps;
  std::vector<std::vector<std::string_view>> refs;
  for (const auto& r : records()) {
    hyps.push_back(r.hypothesis);
    refs.push_back(views(r.references));
  }
  const auto b = precis::metrics::bleu_batch(hyps, refs, {}, 2);
  const auto c = precis::metrics::chrf_batch(hyps, refs, {}, 2);
  tally tb{"bleu_n batch"}, tc{"chrf_n batch"};
  for (std::size_t i = 0; i < hyps.size(); ++i) {
    tb.add(100 * b[i].score, records()[i].bleu_nref, records()[i].id);
    tc.add(100 * c[i].score, records()[i].chrf_nref, records()[i].id);
    const precis::metrics::bleu_scorer bs(refs[i]);
    const precis::metrics::chrf_scorer cs(refs[i]);
    EXPECT_EQ(bs.score(hyps[i]).score, b[i].score);
    EXPECT_EQ(cs.score(hyps[i]).score, c[i].score);
  }
}

TEST(SacrebleuParity, CorpusScoresAndSignatures) {
  std::ifstream in(std::string(PRECIS_DATA_DIR) + "/sacrebleu-corpus.json");
  const auto j = nlohmann::json::parse(in);
  std::map<std::string, const record*> by_id;
  for (const auto& r : records()) by_id[r.id] = &r;
  tally tb{"corpus bleu"}, tc{"corpus chrf"};
  for (const auto& [system, v] : j.at("systems").items()) {
    std::vector<std::string_view> hyps, refs;
    for (const auto& id : v.at("ids")) {
      const auto it = by_id.find(id.get<std::string>());
      ASSERT_NE(it, by_id.end()) << system << " " << id;
      hyps.push_back(it->second->hypothesis);
      refs.push_back(it->second->references.at(0));
    }
    tb.add(100 * precis::metrics::corpus_bleu(hyps, refs).score, v.at("bleu").get<double>(),
           system);
    tc.add(100 * precis::metrics::corpus_chrf(hyps, refs).score, v.at("chrf").get<double>(),
           system);
  }
  EXPECT_EQ(tb.checked, j.at("systems").size());
  EXPECT_GE(tb.checked, 30U);
  EXPECT_EQ(precis::metrics::bleu_signature(bleu_options{}, 1, true),
            j.at("signature_bleu").get<std::string>());
  EXPECT_EQ(precis::metrics::chrf_signature(chrf_options{}, 1),
            j.at("signature_chrf").get<std::string>());
}

}  // namespace
