// Embedding metrics: argument checks, document cosine, sentence alignment, BERTScore matching and
// the scorer that analyzes and encodes sources once. Kernels: metrics/detail/embedding_kernel.hpp.
#include "precis/metrics/embedding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/metrics/detail/embedding_kernel.hpp"

namespace precis::metrics {

namespace {

void check_pair(matrix_ref a, std::string_view a_name, matrix_ref b, std::string_view b_name) {
  embed::check_finite(a, a_name);
  embed::check_finite(b, b_name);
  if (a.cols() != b.cols()) {
    raise("invalid_argument", std::string(a_name) + " has dimension " + std::to_string(a.cols()) +
                                  " but " + std::string(b_name) + " has dimension " +
                                  std::to_string(b.cols()));
  }
}

void check_offsets(std::span<const std::size_t> offsets, Eigen::Index rows, std::string_view name) {
  if (offsets.size() < 2) {
    raise("invalid_argument", std::string(name) + " must have at least 2 values (0 and rows)");
  }
  if (offsets.front() != 0 || offsets.back() != static_cast<std::size_t>(rows)) {
    raise("invalid_argument", std::string(name) + " must start at 0 and end at " +
                                  std::to_string(rows) + " (the number of rows)");
  }
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] <= offsets[i - 1]) {
      raise("invalid_argument", std::string(name) + ": record " + std::to_string(i - 1) +
                                    " is empty or offsets decrease (" +
                                    std::to_string(offsets[i - 1]) + ", " +
                                    std::to_string(offsets[i]) + ")");
    }
  }
}

void check_weights(std::span<const float> w, Eigen::Index rows, std::string_view name) {
  if (w.empty()) return;
  if (w.size() != static_cast<std::size_t>(rows)) {
    raise("invalid_argument", std::string(name) + " has " + std::to_string(w.size()) +
                                  " values for " + std::to_string(rows) + " rows");
  }
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!std::isfinite(w[i]) || w[i] < 0.0F) {
      raise("invalid_argument",
            std::string(name) + ": value " + std::to_string(i) + " is negative or not finite");
    }
  }
}

alignment_result align_unchecked(matrix_ref summary, matrix_ref source,
                                 const alignment_options& options) {
  const row_matrix sim = detail::cosine_matrix(summary, source);
  alignment_result r;
  const auto m = static_cast<std::size_t>(sim.rows());
  const auto n = static_cast<std::size_t>(sim.cols());
  r.best_source.resize(m);
  r.best_score.resize(m);
  r.source_best.assign(n, -std::numeric_limits<float>::infinity());
  double total = 0.0;
  double worst = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < m; ++i) {
    const float* row = sim.row(static_cast<Eigen::Index>(i)).data();
    std::size_t best = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (row[j] > row[best]) best = j;
      r.source_best[j] = std::max(r.source_best[j], row[j]);
    }
    r.best_source[i] = static_cast<std::uint32_t>(best);
    r.best_score[i] = row[best];
    total += row[best];
    worst = std::min(worst, static_cast<double>(row[best]));
  }
  r.score = total / static_cast<double>(m);
  r.min_support = worst;
  double cov = 0.0;
  std::size_t covered = 0;
  for (const float v : r.source_best) {
    cov += v;
    if (v >= options.coverage_threshold) ++covered;
  }
  r.coverage = cov / static_cast<double>(n);
  r.covered_fraction = static_cast<double>(covered) / static_cast<double>(n);
  return r;
}

double rescale(double s, double b) { return (s - b) / (1.0 - b); }

// analyze() names its argument "text"; name the caller's field instead.
std::shared_ptr<const text::analyzed_text> analyze_field(std::string_view s,
                                                         const text::analyze_options& o,
                                                         const std::string& field) {
  try {
    return text::analyze(s, o);
  } catch (const error& e) {
    std::string_view m = e.message();
    if (m.starts_with("text: ")) m.remove_prefix(6);
    throw error(e.code(), field + ": " + std::string(m));
  }
}

}  // namespace

row_matrix cosine_similarity(matrix_ref a, matrix_ref b, unsigned threads) {
  check_pair(a, "a", b, "b");
  return detail::cosine_matrix(a, b, threads);
}

document_cosine_result document_cosine(matrix_ref summary, matrix_ref sources,
                                       source_aggregation aggregation,
                                       std::span<const std::size_t> source_offsets) {
  check_pair(summary, "summary", sources, "sources");
  std::vector<std::size_t> own;
  if (source_offsets.empty()) {
    own.resize(static_cast<std::size_t>(sources.rows()) + 1);
    for (std::size_t i = 0; i < own.size(); ++i) own[i] = i;
    source_offsets = own;
  }
  check_offsets(source_offsets, sources.rows(), "source_offsets");
  const row_matrix s = detail::normalized_rows(summary).colwise().mean();
  const row_matrix sn = detail::normalized_rows(sources);
  document_cosine_result r;
  const std::size_t k = source_offsets.size() - 1;
  r.per_source.resize(k);
  row_matrix sim;
  detail::gemm_abt(detail::normalized_rows(s), sn, sim, 1);
  for (std::size_t i = 0; i < k; ++i) {
    float best = -std::numeric_limits<float>::infinity();
    for (std::size_t c = source_offsets[i]; c < source_offsets[i + 1]; ++c) {
      best = std::max(best, sim(0, static_cast<Eigen::Index>(c)));
    }
    r.per_source[i] = best;
  }
  switch (aggregation) {
    case source_aggregation::centroid: {
      const row_matrix centroid = sn.colwise().mean();
      row_matrix c;
      detail::gemm_abt(detail::normalized_rows(s), detail::normalized_rows(centroid), c, 1);
      r.score = c(0, 0);
      break;
    }
    case source_aggregation::max:
      r.score = *std::max_element(r.per_source.begin(), r.per_source.end());
      break;
    case source_aggregation::mean: {
      double t = 0.0;
      for (const double v : r.per_source) t += v;
      r.score = t / static_cast<double>(k);
      break;
    }
  }
  return r;
}

alignment_result align_sentences(matrix_ref summary, matrix_ref source,
                                 const alignment_options& options) {
  check_pair(summary, "summary", source, "source");
  return align_unchecked(summary, source, options);
}

std::vector<alignment_result> align_sentences_batch(matrix_ref summaries,
                                                    std::span<const std::size_t> summary_offsets,
                                                    matrix_ref sources,
                                                    std::span<const std::size_t> source_offsets,
                                                    const alignment_options& options,
                                                    unsigned threads) {
  check_pair(summaries, "summaries", sources, "sources");
  check_offsets(summary_offsets, summaries.rows(), "summary_offsets");
  check_offsets(source_offsets, sources.rows(), "source_offsets");
  if (summary_offsets.size() != source_offsets.size()) {
    raise("invalid_argument",
          "summary_offsets describe " + std::to_string(summary_offsets.size() - 1) +
              " records but source_offsets " + std::to_string(source_offsets.size() - 1));
  }
  const std::size_t n = summary_offsets.size() - 1;
  std::vector<alignment_result> out(n);
  precis::detail::parallel_for(
      n, threads,
      [&](std::size_t i) {
        const auto sb = static_cast<Eigen::Index>(summary_offsets[i]);
        const auto sn = static_cast<Eigen::Index>(summary_offsets[i + 1]) - sb;
        const auto tb = static_cast<Eigen::Index>(source_offsets[i]);
        const auto tn = static_cast<Eigen::Index>(source_offsets[i + 1]) - tb;
        out[i] = align_unchecked(summaries.middleRows(sb, sn), sources.middleRows(tb, tn), options);
      },
      4);
  return out;
}

bertscore_result bertscore(matrix_ref summary_tokens, matrix_ref source_tokens,
                           std::span<const float> summary_weights,
                           std::span<const float> source_weights,
                           const std::optional<bertscore_baseline>& baseline) {
  check_pair(summary_tokens, "summary_tokens", source_tokens, "source_tokens");
  check_weights(summary_weights, summary_tokens.rows(), "summary_weights");
  check_weights(source_weights, source_tokens.rows(), "source_weights");
  if (baseline && !(baseline->precision < 1.0 && baseline->recall < 1.0 && baseline->f1 < 1.0)) {
    raise("invalid_argument", "bertscore: baseline values must be < 1");
  }
  auto weights_or_uniform = [](std::span<const float> w) {
    double total = 0.0;
    for (const float v : w) total += v;
    return total > 0.0 ? w : std::span<const float>();
  };
  const row_matrix sim = detail::cosine_matrix(summary_tokens, source_tokens);
  bertscore_result r;
  r.precision = detail::weighted_row_max_mean(sim, weights_or_uniform(summary_weights));
  const row_matrix sim_t = sim.transpose();
  r.recall = detail::weighted_row_max_mean(sim_t, weights_or_uniform(source_weights));
  r.f1 =
      r.precision + r.recall > 0.0 ? 2.0 * r.precision * r.recall / (r.precision + r.recall) : 0.0;
  if (baseline) {
    r.precision = rescale(r.precision, baseline->precision);
    r.recall = rescale(r.recall, baseline->recall);
    r.f1 = rescale(r.f1, baseline->f1);
  }
  return r;
}

std::vector<bertscore_result> bertscore_batch(
    matrix_ref summaries, std::span<const std::size_t> summary_offsets, matrix_ref sources,
    std::span<const std::size_t> source_offsets, std::span<const float> summary_weights,
    std::span<const float> source_weights, const std::optional<bertscore_baseline>& baseline,
    unsigned threads) {
  check_pair(summaries, "summaries", sources, "sources");
  check_offsets(summary_offsets, summaries.rows(), "summary_offsets");
  check_offsets(source_offsets, sources.rows(), "source_offsets");
  if (summary_offsets.size() != source_offsets.size()) {
    raise("invalid_argument",
          "summary_offsets describe " + std::to_string(summary_offsets.size() - 1) +
              " records but source_offsets " + std::to_string(source_offsets.size() - 1));
  }
  check_weights(summary_weights, summaries.rows(), "summary_weights");
  check_weights(source_weights, sources.rows(), "source_weights");
  const std::size_t n = summary_offsets.size() - 1;
  std::vector<bertscore_result> out(n);
  precis::detail::parallel_for(
      n, threads,
      [&](std::size_t i) {
        const std::size_t sb = summary_offsets[i], se = summary_offsets[i + 1];
        const std::size_t tb = source_offsets[i], te = source_offsets[i + 1];
        out[i] = bertscore(
            summaries.middleRows(static_cast<Eigen::Index>(sb), static_cast<Eigen::Index>(se - sb)),
            sources.middleRows(static_cast<Eigen::Index>(tb), static_cast<Eigen::Index>(te - tb)),
            summary_weights.empty() ? summary_weights : summary_weights.subspan(sb, se - sb),
            source_weights.empty() ? source_weights : source_weights.subspan(tb, te - tb),
            baseline);
      },
      4);
  return out;
}

relaxed_wmd_result relaxed_wmd(matrix_ref summary_words, matrix_ref source_words,
                               std::span<const float> summary_weights,
                               std::span<const float> source_weights) {
  check_pair(summary_words, "summary_words", source_words, "source_words");
  check_weights(summary_weights, summary_words.rows(), "summary_weights");
  check_weights(source_weights, source_words.rows(), "source_weights");
  // |x - y|^2 = |x|^2 + |y|^2 - 2 x.y from one GEMM, in double per entry, clamped at 0.
  row_matrix dots;
  detail::gemm_abt(summary_words, source_words, dots, 1);
  const Eigen::VectorXd xn = summary_words.cast<double>().rowwise().squaredNorm();
  const Eigen::VectorXd yn = source_words.cast<double>().rowwise().squaredNorm();
  const auto m = summary_words.rows();
  const auto n = source_words.rows();
  std::vector<double> row_min(static_cast<std::size_t>(m), std::numeric_limits<double>::infinity());
  std::vector<double> col_min(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity());
  for (Eigen::Index i = 0; i < m; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const double d2 = std::max(0.0, xn(i) + yn(j) - 2.0 * static_cast<double>(dots(i, j)));
      const double d = std::sqrt(d2);
      auto& rm = row_min[static_cast<std::size_t>(i)];
      auto& cm = col_min[static_cast<std::size_t>(j)];
      rm = std::min(rm, d);
      cm = std::min(cm, d);
    }
  }
  auto weighted = [](const std::vector<double>& v, std::span<const float> w) {
    double num = 0.0, den = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double wi = w.empty() ? 1.0 : static_cast<double>(w[i]);
      num += wi * v[i];
      den += wi;
    }
    if (den > 0.0) return num / den;
    double t = 0.0;  // weights summing to 0: uniform
    for (const double x : v) t += x;
    return t / static_cast<double>(v.size());
  };
  relaxed_wmd_result r;
  r.summary_to_source = weighted(row_min, summary_weights);
  r.source_to_summary = weighted(col_min, source_weights);
  r.distance = std::max(r.summary_to_source, r.source_to_summary);
  return r;
}

// ---- scorer -------------------------------------------------------------------------------

namespace {

// Consecutive sentences' pieces packed into sequences of at most `max_pieces` (a longer sentence
// is cut), so that every piece is encoded with as much of its context as the model takes.
std::vector<std::vector<std::int32_t>> pack_sentences(
    const std::vector<std::vector<std::int32_t>>& sentence_pieces, std::size_t max_pieces) {
  std::vector<std::vector<std::int32_t>> out;
  std::vector<std::int32_t> current;
  auto flush = [&] {
    if (!current.empty()) out.push_back(std::move(current));
    current.clear();
  };
  for (const auto& p : sentence_pieces) {
    if (current.size() + p.size() > max_pieces) flush();
    for (std::size_t b = 0; b < p.size(); b += max_pieces) {
      const std::size_t e = std::min(b + max_pieces, p.size());
      if (current.size() + (e - b) > max_pieces) flush();
      current.insert(current.end(), p.begin() + static_cast<std::ptrdiff_t>(b),
                     p.begin() + static_cast<std::ptrdiff_t>(e));
    }
  }
  flush();
  return out;
}

}  // namespace

embedding_scorer::embedding_scorer(std::shared_ptr<const embed::encoder> encoder,
                                   std::span<const std::string> sources,
                                   const embedding_options& options)
    : encoder_(std::move(encoder)), options_(options) {
  if (!encoder_) raise("invalid_argument", "embedding scorer: no encoder");
  if (sources.empty())
    raise("invalid_argument", "embedding scorer: at least one source is required");
  if (options_.batch_size == 0)
    raise("invalid_argument", "embedding scorer: batch_size must be >= 1");
  const std::size_t window = options_.chunk_sentences;
  const std::size_t stride = options_.chunk_stride == 0 ? window : options_.chunk_stride;
  std::vector<std::string_view> chunk_texts;
  std::vector<std::string_view> sentence_texts;
  std::vector<std::shared_ptr<const text::analyzed_text>> analyzed;
  auto& type_row = type_index_;
  std::vector<std::uint32_t> counts;
  chunk_offsets_.push_back(0);
  for (std::size_t s = 0; s < sources.size(); ++s) {
    auto a = analyze_field(sources[s], options_.analyze, "sources[" + std::to_string(s) + "]");
    const auto sents = a->sentences();
    if (sents.empty()) {
      raise("invalid_argument",
            "embedding scorer: sources[" + std::to_string(s) + "] has no sentences");
    }
    for (const auto& sp : sents) {
      sentences_.push_back({static_cast<std::uint32_t>(s), sp.begin, sp.end});
      sentence_texts.push_back(a->text().substr(sp.begin, sp.end - sp.begin));
      // IDF documents are source sentences: count each type once per sentence.
      std::vector<std::uint32_t> seen;
      for (std::uint32_t t = sp.first_token; t < sp.end_token; ++t) {
        const std::string key(a->token_type(t));
        auto [it, fresh] =
            type_row.try_emplace(key, static_cast<std::uint32_t>(token_types_.size()));
        if (fresh) {
          token_types_.push_back(key);
          type_df_.push_back(0);
          counts.push_back(0);
        }
        ++counts[it->second];
        if (std::find(seen.begin(), seen.end(), it->second) == seen.end()) {
          seen.push_back(it->second);
          ++type_df_[it->second];
        }
      }
    }
    if (window == 0 || sents.size() <= window) {
      chunk_texts.push_back(a->text());
    } else {
      for (std::size_t b = 0;; b += stride) {
        const std::size_t e = std::min(b + window, sents.size());
        chunk_texts.push_back(a->text().substr(sents[b].begin, sents[e - 1].end - sents[b].begin));
        if (e == sents.size()) break;
      }
    }
    chunk_offsets_.push_back(chunk_texts.size());
    analyzed.push_back(std::move(a));
  }
  idf_documents_ = sentences_.size();
  chunk_vectors_ = embed::encode_batched(*encoder_, chunk_texts, options_.batch_size);
  sentence_vectors_ = embed::encode_batched(*encoder_, sentence_texts, options_.batch_size);
  if (options_.contextual_tokens) token_encoder_ = encoder_->tokens();
  if (token_encoder_ != nullptr) {
    // Contextual BERTScore: each source's sentences packed into model-length sequences; IDF
    // documents are the source sentences, keyed by piece id.
    std::vector<std::int32_t> ids;
    std::vector<std::vector<std::int32_t>> sequences;
    std::size_t k = 0;
    for (std::size_t src = 0; src < sources.size(); ++src) {
      std::vector<std::vector<std::int32_t>> sentence_pieces;
      for (; k < sentences_.size() && sentences_[k].source == src; ++k) {
        auto p = token_encoder_->pieces(sentence_texts[k]);
        std::vector<std::int32_t> distinct(p);
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        for (const auto id : distinct) ++piece_df_[id];
        ids.insert(ids.end(), p.begin(), p.end());
        sentence_pieces.push_back(std::move(p));
      }
      for (auto& q : pack_sentences(sentence_pieces, token_encoder_->max_pieces())) {
        sequences.push_back(std::move(q));
      }
    }
    piece_vectors_ = token_encoder_->embed_pieces(sequences);
    piece_weights_.resize(ids.size());
    const double m1 = static_cast<double>(idf_documents_) + 1.0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      piece_weights_[i] = options_.idf ? static_cast<float>(std::log(
                                             m1 / (static_cast<double>(piece_df_[ids[i]]) + 1.0)))
                                       : 1.0F;
    }
    return;
  }
  const std::vector<std::string_view> type_views(token_types_.begin(), token_types_.end());
  if (!type_views.empty()) {
    token_vectors_ = embed::encode_batched(*encoder_, type_views, options_.batch_size);
  }
  token_weights_.resize(token_types_.size());
  for (std::size_t t = 0; t < token_types_.size(); ++t) {
    const double idf = options_.idf ? std::log((static_cast<double>(idf_documents_) + 1.0) /
                                               (static_cast<double>(type_df_[t]) + 1.0))
                                    : 1.0;
    token_weights_[t] = static_cast<float>(idf * counts[t]);
  }
}

embedding_result embedding_scorer::score(std::string_view summary) const {
  const auto a = analyze_field(summary, options_.analyze, "summary");
  embedding_result r;
  if (a->tokens().empty() || a->sentences().empty()) {
    r.document.per_source.assign(chunk_offsets_.size() - 1, 0.0);
    return r;
  }
  // document
  const std::string_view whole[] = {a->text()};
  const row_matrix sv = embed::encode_batched(*encoder_, whole, 1);
  r.document = document_cosine(sv, chunk_vectors_, options_.aggregation, chunk_offsets_);
  // sentences
  std::vector<std::string_view> sents;
  for (const auto& sp : a->sentences())
    sents.push_back(a->text().substr(sp.begin, sp.end - sp.begin));
  const row_matrix ss = embed::encode_batched(*encoder_, sents, options_.batch_size);
  r.alignment = align_sentences(ss, sentence_vectors_, options_.alignment);
  if (token_encoder_ != nullptr) {
    // contextual tokens: the summary's sentences packed as the sources' were
    std::vector<std::vector<std::int32_t>> sentence_pieces;
    std::vector<float> weights;
    const double m1 = static_cast<double>(idf_documents_) + 1.0;
    for (const auto& text : sents) {
      sentence_pieces.push_back(token_encoder_->pieces(text));
      for (const auto id : sentence_pieces.back()) {
        const auto it = piece_df_.find(id);
        const double df = it == piece_df_.end() ? 0.0 : static_cast<double>(it->second);
        weights.push_back(options_.idf ? static_cast<float>(std::log(m1 / (df + 1.0))) : 1.0F);
      }
    }
    if (!weights.empty() && piece_vectors_.rows() > 0) {
      const row_matrix tv = token_encoder_->embed_pieces(
          pack_sentences(sentence_pieces, token_encoder_->max_pieces()));
      r.bertscore = bertscore(tv, piece_vectors_, weights, piece_weights_, options_.baseline);
    }
    return r;
  }
  // tokens: distinct summary types, weighted by count * idf
  std::unordered_map<std::string_view, std::uint32_t> rows;
  std::vector<std::string_view> types;
  std::vector<float> counts;
  for (std::size_t t = 0; t < a->tokens().size(); ++t) {
    auto [it, fresh] = rows.try_emplace(a->token_type(t), static_cast<std::uint32_t>(types.size()));
    if (fresh) {
      types.push_back(it->first);
      counts.push_back(0.0F);
    }
    counts[it->second] += 1.0F;
  }
  // Types the sources have reuse their vectors; only new ones are encoded.
  row_matrix tv(static_cast<Eigen::Index>(types.size()), token_vectors_.cols());
  std::vector<float> weights(types.size());
  std::vector<std::string_view> missing;
  std::vector<std::size_t> missing_rows;
  const double m1 = static_cast<double>(idf_documents_) + 1.0;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const auto it = type_index_.find(std::string(types[i]));
    double idf = std::log(m1);  // a type no source sentence has: df = 0
    if (it != type_index_.end()) {
      tv.row(static_cast<Eigen::Index>(i)) = token_vectors_.row(it->second);
      idf = std::log(m1 / (static_cast<double>(type_df_[it->second]) + 1.0));
    } else {
      missing.push_back(types[i]);
      missing_rows.push_back(i);
    }
    weights[i] = static_cast<float>((options_.idf ? idf : 1.0) * counts[i]);
  }
  if (!missing.empty() && token_vectors_.rows() > 0) {
    const row_matrix mv = embed::encode_batched(*encoder_, missing, options_.batch_size);
    for (std::size_t k = 0; k < missing.size(); ++k) {
      tv.row(static_cast<Eigen::Index>(missing_rows[k])) = mv.row(static_cast<Eigen::Index>(k));
    }
  }
  if (token_vectors_.rows() > 0) {
    r.bertscore = bertscore(tv, token_vectors_, weights, token_weights_, options_.baseline);
  }
  return r;
}

std::vector<embedding_record_result> embedding_scorer::score_batch(
    std::span<const std::string> summaries, unsigned threads) const {
  std::vector<embedding_record_result> out(summaries.size());
  precis::detail::parallel_for(
      summaries.size(), threads,
      [&](std::size_t i) {
        try {
          out[i].result = score(summaries[i]);
        } catch (const error& e) {
          out[i].error = "[precis." + e.code() + "] record " + std::to_string(i) + ": " +
                         std::string(e.message());
        } catch (const std::exception& e) {
          out[i].error = "record " + std::to_string(i) + ": " + e.what();
        }
      },
      1);
  return out;
}

std::vector<embedding_record_result> embedding_batch(
    std::shared_ptr<const embed::encoder> encoder, std::span<const std::string> summaries,
    std::span<const std::vector<std::string>> sources, const embedding_options& options,
    unsigned threads) {
  if (summaries.size() != sources.size()) {
    raise("invalid_argument", "embedding_batch: " + std::to_string(summaries.size()) +
                                  " summaries but " + std::to_string(sources.size()) +
                                  " source lists");
  }
  if (!encoder) raise("invalid_argument", "embedding_batch: no encoder");
  std::vector<embedding_record_result> out(summaries.size());
  precis::detail::parallel_for(
      summaries.size(), threads,
      [&](std::size_t i) {
        try {
          const embedding_scorer scorer(encoder, sources[i], options);
          out[i].result = scorer.score(summaries[i]);
        } catch (const error& e) {
          out[i].error = "[precis." + e.code() + "] record " + std::to_string(i) + ": " +
                         std::string(e.message());
        } catch (const std::exception& e) {
          out[i].error = "record " + std::to_string(i) + ": " + e.what();
        }
      },
      1);
  return out;
}

}  // namespace precis::metrics
