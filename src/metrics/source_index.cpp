/// @file source_index.cpp
/// Building the multi-source index of precis/metrics/detail/source_index.hpp and its support
/// kernel.

#include "precis/metrics/detail/source_index.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "precis/error.hpp"
#include "precis/text/utf8.hpp"

namespace precis::metrics::detail {
namespace {

std::vector<std::uint32_t> lookup(const text::vocabulary& ids, const text::vocabulary& vocabulary) {
  std::vector<std::uint32_t> out(vocabulary.size(), text::no_id);
  for (std::uint32_t i = 0; i < vocabulary.size(); ++i) {
    out[i] = ids.find(vocabulary[i]).value_or(text::no_id);
  }
  return out;
}

}  // namespace

source_index::source_index(std::span<const std::string> ids,
                           std::span<const std::string_view> texts, std::string_view query,
                           const text::analyze_options& analysis, bool position_prior)
    : analysis_(analysis), ids_(ids.begin(), ids.end()) {
  texts_.reserve(texts.size());
  for (std::size_t s = 0; s < texts.size(); ++s) {
    text::validate_utf8(texts[s], "source '" + ids_[s] + "'");
    auto analyzed = text::analyze(texts[s], analysis_);
    std::vector<std::uint32_t> type_map(analyzed->types().size());
    for (std::uint32_t t = 0; t < type_map.size(); ++t) {
      type_map[t] = types_.intern(analyzed->types()[t]);
    }
    std::vector<std::uint32_t> stem_map(analyzed->stems().size());
    for (std::uint32_t t = 0; t < stem_map.size(); ++t) {
      stem_map[t] = stems_.intern(analyzed->stems()[t]);
    }
    const auto offset = static_cast<std::uint32_t>(token_types_.size());
    for (const auto id : analyzed->ids()) token_types_.push_back(type_map[id]);
    for (const auto id : analyzed->stem_ids()) token_stems_.push_back(stem_map[id]);
    const auto spans = analyzed->sentences();
    for (std::uint32_t k = 0; k < spans.size(); ++k) {
      if (spans[k].first_token == spans[k].end_token) continue;  // punctuation only
      sentences_.push_back({static_cast<std::uint32_t>(s), k, spans[k].begin, spans[k].end,
                            offset + spans[k].first_token, offset + spans[k].end_token, 0.0});
    }
    automaton_.add_sequence(std::span<const std::uint32_t>(token_types_).subspan(offset));
    texts_.push_back(std::move(analyzed));
  }

  // Inverted index stem -> distinct sentences (CSR), document frequencies over sentences.
  const std::size_t n_stems = stems_.size();
  const std::size_t n_sent = sentences_.size();
  std::vector<std::uint32_t> last(n_stems, text::no_id);
  posting_start_.assign(n_stems + 1, 0);
  for (std::uint32_t j = 0; j < n_sent; ++j) {
    for (std::uint32_t p = sentences_[j].first; p < sentences_[j].last; ++p) {
      const auto t = token_stems_[p];
      if (last[t] != j) {
        last[t] = j;
        ++posting_start_[t + 1];
      }
    }
  }
  for (std::size_t t = 0; t < n_stems; ++t) posting_start_[t + 1] += posting_start_[t];
  postings_.resize(posting_start_[n_stems]);
  {
    std::vector<std::uint32_t> fill(posting_start_.begin(), posting_start_.end() - 1);
    std::fill(last.begin(), last.end(), text::no_id);
    for (std::uint32_t j = 0; j < n_sent; ++j) {
      for (std::uint32_t p = sentences_[j].first; p < sentences_[j].last; ++p) {
        const auto t = token_stems_[p];
        if (last[t] != j) {
          last[t] = j;
          postings_[fill[t]++] = j;
        }
      }
    }
  }
  // idf as BM25/Lucene: ln(1 + (N - df + 0.5) / (df + 0.5)), always > 0.
  const double n = static_cast<double>(n_sent);
  idf_.resize(n_stems);
  for (std::size_t t = 0; t < n_stems; ++t) {
    const double df = static_cast<double>(posting_start_[t + 1] - posting_start_[t]);
    idf_[t] = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  }
  unseen_idf_ = std::log(1.0 + (n + 0.5) / 0.5);

  // Sentence salience: cosine of the sentence's tf-idf vector with the sources' (centrality),
  // times a position prior, mixed with query relevance when there is a query.
  stem_frequency_.assign(n_stems, 0U);
  for (const auto t : token_stems_) ++stem_frequency_[t];
  std::vector<double> total_tf(n_stems, 0.0);
  for (std::size_t t = 0; t < n_stems; ++t) total_tf[t] = stem_frequency_[t];
  double norm_all = 0.0;
  for (std::size_t t = 0; t < n_stems; ++t)
    norm_all += total_tf[t] * total_tf[t] * idf_[t] * idf_[t];
  norm_all = std::sqrt(norm_all);
  std::vector<double> tf(n_stems, 0.0);
  std::vector<std::uint32_t> touched;
  for (auto& sentence : sentences_) {
    touched.clear();
    for (std::uint32_t p = sentence.first; p < sentence.last; ++p) {
      const auto t = token_stems_[p];
      if (tf[t] == 0.0) touched.push_back(t);
      tf[t] += 1.0;
    }
    double dot = 0.0, norm = 0.0;
    for (const auto t : touched) {
      const double w = tf[t] * idf_[t];
      dot += w * total_tf[t] * idf_[t];
      norm += w * w;
      tf[t] = 0.0;
    }
    double centrality = (norm > 0.0 && norm_all > 0.0) ? dot / (std::sqrt(norm) * norm_all) : 0.0;
    if (position_prior) centrality /= std::sqrt(1.0 + static_cast<double>(sentence.index));
    sentence.salience = centrality;
  }
  auto normalize_max = [&](auto get, auto set) {
    double best = 0.0;
    for (const auto& sentence : sentences_) best = std::max(best, get(sentence));
    for (auto& sentence : sentences_) set(sentence, best > 0.0 ? get(sentence) / best : 0.0);
  };
  normalize_max([](const indexed_sentence& x) { return x.salience; },
                [](indexed_sentence& x, double v) { x.salience = v; });

  if (!query.empty()) {
    text::validate_utf8(query, "query");
    const auto q = text::analyze(query, analysis_);
    has_query_ = q->tokens().size() > 0;
    const auto map = map_stems(*q);
    std::vector<bool> seen(q->stems().size(), false);
    for (const auto id : q->stem_ids()) {
      if (seen[id]) continue;
      seen[id] = true;
      query_stems_.push_back(map[id]);
    }
    if (has_query_) {
      std::vector<double> scratch;
      std::vector<double> relevance(n_sent, 0.0);
      double denominator = 0.0;
      for (const auto t : query_stems_) denominator += idf(t);
      for (const auto t : query_stems_) {
        if (t == text::no_id) continue;
        for (auto p = posting_start_[t]; p < posting_start_[t + 1]; ++p) {
          relevance[postings_[p]] += idf(t) / denominator;
        }
      }
      double best = 0.0;
      for (const double r : relevance) best = std::max(best, r);
      for (std::size_t j = 0; j < n_sent; ++j) {
        const double r = best > 0.0 ? relevance[j] / best : 0.0;
        sentences_[j].salience = 0.5 * sentences_[j].salience + 0.5 * r;
      }
      normalize_max([](const indexed_sentence& x) { return x.salience; },
                    [](indexed_sentence& x, double v) { x.salience = v; });
    }
  }

  // Stem salience and the prefix sums of the largest ones.
  stem_salience_.assign(n_stems, 0.0);
  for (std::size_t t = 0; t < n_stems; ++t) {
    double mass = 0.0;
    for (auto p = posting_start_[t]; p < posting_start_[t + 1]; ++p) {
      mass += sentences_[postings_[p]].salience;
    }
    stem_salience_[t] = idf_[t] * mass;
  }
  std::vector<double> sorted = stem_salience_;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  salience_prefix_.assign(sorted.size() + 1, 0.0);
  for (std::size_t k = 0; k < sorted.size(); ++k)
    salience_prefix_[k + 1] = salience_prefix_[k] + sorted[k];
}

std::vector<std::uint32_t> source_index::map_types(const text::analyzed_text& t) const {
  return lookup(types_, t.types());
}

std::vector<std::uint32_t> source_index::map_stems(const text::analyzed_text& t) const {
  return lookup(stems_, t.stems());
}

support_match source_index::best_support(std::span<const std::uint32_t> stems,
                                         support_scratch& scratch) const {
  // Only what the previous call wrote is cleared, so a call costs the postings of its stems, not
  // a pass over every source sentence; unless the postings reach a large share of the sentences,
  // where one dense pass beats keeping a list.
  if (scratch.dense) {
    std::fill(scratch.overlap.begin(), scratch.overlap.end(), 0.0);
  } else {
    for (const auto j : scratch.touched) scratch.overlap[j] = 0.0;
  }
  scratch.touched.clear();
  scratch.dense = false;
  support_match best;
  double denominator = 0.0;
  for (const auto t : stems) denominator += idf(t);
  if (denominator <= 0.0 || sentences_.empty()) return best;
  if (scratch.overlap.size() != sentences_.size()) scratch.overlap.assign(sentences_.size(), 0.0);
  std::size_t postings = 0;
  for (const auto t : stems) {
    if (t != text::no_id && t < idf_.size()) postings += posting_start_[t + 1] - posting_start_[t];
  }
  double top = 0.0;
  if (postings * 4 >= sentences_.size()) {
    scratch.dense = true;
    for (const auto t : stems) {
      if (t == text::no_id || t >= idf_.size()) continue;
      const double w = idf_[t];
      for (auto p = posting_start_[t]; p < posting_start_[t + 1]; ++p) {
        scratch.overlap[postings_[p]] += w;
      }
    }
    for (std::uint32_t j = 0; j < scratch.overlap.size(); ++j) {
      if (scratch.overlap[j] > top) {
        top = scratch.overlap[j];
        best.sentence = j;
      }
    }
  } else {
    for (const auto t : stems) {
      if (t == text::no_id || t >= idf_.size()) continue;
      const double w = idf_[t];  // > 0, so an overlap of 0 means "not touched yet"
      for (auto p = posting_start_[t]; p < posting_start_[t + 1]; ++p) {
        auto& o = scratch.overlap[postings_[p]];
        if (o == 0.0) scratch.touched.push_back(postings_[p]);
        o += w;
      }
    }
    // The largest overlap, ties to the earliest sentence (as the dense scan in order).
    for (const auto j : scratch.touched) {
      const double v = scratch.overlap[j];
      if (v > top || (v == top && j < best.sentence)) {
        top = v;
        best.sentence = j;
      }
    }
  }
  best.score = std::min(1.0, top / denominator);
  return best;
}

support_match source_index::best_support(std::span<const std::uint32_t> stems,
                                         std::vector<double>& scratch) const {
  support_scratch s;
  const auto best = best_support(stems, s);
  if (s.dense) {
    scratch = std::move(s.overlap);
  } else {
    scratch.assign(sentences_.size(), 0.0);
    for (const auto j : s.touched) scratch[j] = s.overlap[j];
  }
  return best;
}

}  // namespace precis::metrics::detail
