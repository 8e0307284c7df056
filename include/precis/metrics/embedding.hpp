#pragma once
/// @file embedding.hpp
/// Embedding similarity of a summary and its sources: document cosine, sentence alignment and
/// BERTScore-style greedy matching, on float32 vectors from any `precis::embed::encoder` or
/// given directly as matrices (one vector per row). Scores are cosines, in [-1, 1] (in [0, 1] for
/// encoders with non-negative features). See docs/metrics/embedding.md.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/text/analyzed_text.hpp"

namespace precis::metrics {

using embed::matrix_ref;
using embed::row_matrix;

/// Cosine similarity of every row of `a` with every row of `b` (a.rows() x b.rows(), one GEMM
/// on row-normalized copies; a zero row has similarity 0 with everything).
/// @throws precis::error `[precis.invalid_argument]` for an empty matrix, different column
///   counts, or a NaN / infinite value (naming the matrix, row and column).
/// @remarks O((a.rows() + b.rows()) * d) + one GEMM O(a.rows() * b.rows() * d); `threads` cuts
///   the rows of `a` into blocks (0 = all cores).
[[nodiscard]] row_matrix cosine_similarity(matrix_ref a, matrix_ref b, unsigned threads = 1);

/// How the per-source similarities of `document_cosine` are combined.
enum class source_aggregation : std::uint8_t {
  centroid,  ///< cosine of the summary with the mean of all (normalized) source rows
  max,       ///< best source (default)
  mean,      ///< mean over sources
};

/// Result of `document_cosine`.
struct document_cosine_result {
  double score = 0.0;              ///< the aggregated cosine
  std::vector<double> per_source;  ///< cosine per source (max over its chunks)
};

/// Document cosine: the summary vector is the mean of the normalized rows of `summary` (one row
/// for a whole-text encoding); `sources` holds one row per source chunk and `source_offsets`
/// (size sources + 1, from 0 to sources.rows()) groups the chunks into sources; empty offsets =
/// every row is its own source. A source's cosine is the max over its chunks.
/// @throws precis::error `[precis.invalid_argument]` for empty / non-finite matrices, different
///   dimensions or bad offsets.
[[nodiscard]] document_cosine_result document_cosine(
    matrix_ref summary, matrix_ref sources,
    source_aggregation aggregation = source_aggregation::max,
    std::span<const std::size_t> source_offsets = {});

/// Options of `align_sentences`.
struct alignment_options {
  float coverage_threshold = 0.5F;  ///< a source sentence counts as covered at this similarity
};

/// Result of `align_sentences` (summary sentences x source sentences).
struct alignment_result {
  double score = 0.0;             ///< mean over summary sentences of their best similarity
  double min_support = 0.0;       ///< the least-supported summary sentence's best similarity
  double coverage = 0.0;          ///< mean over source sentences of their best similarity
  double covered_fraction = 0.0;  ///< share of source sentences with best >= coverage_threshold
  std::vector<std::uint32_t> best_source;  ///< per summary sentence: its best source sentence
  std::vector<float> best_score;           ///< per summary sentence: that similarity
  std::vector<float> source_best;          ///< per source sentence: its best summary similarity
};

/// Sentence alignment: one GEMM of the normalized summary sentence vectors by the source
/// sentence vectors; ties go to the first source sentence.
/// @throws precis::error as `cosine_similarity` (names `summary` and `source`).
[[nodiscard]] alignment_result align_sentences(matrix_ref summary, matrix_ref source,
                                               const alignment_options& options = {});

/// `align_sentences` of many records given as ragged blocks of rows: record i is summary rows
/// [summary_offsets[i], summary_offsets[i+1]) against source rows [source_offsets[i],
/// source_offsets[i+1]). Records run on `threads` threads (0 = all cores).
/// @throws precis::error `[precis.invalid_argument]` for offsets that are not non-decreasing
///   from 0 to rows, of different lengths, or an empty block (naming the record), and as
///   `cosine_similarity`.
[[nodiscard]] std::vector<alignment_result> align_sentences_batch(
    matrix_ref summaries, std::span<const std::size_t> summary_offsets, matrix_ref sources,
    std::span<const std::size_t> source_offsets, const alignment_options& options = {},
    unsigned threads = 1);

/// BERTScore baseline values b used for rescaling: s' = (s - b) / (1 - b), per score.
struct bertscore_baseline {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
};

/// Result of `bertscore`.
struct bertscore_result {
  double f1 = 0.0;
  double precision = 0.0;  ///< summary tokens matched greedily to source tokens
  double recall = 0.0;     ///< source tokens matched greedily to summary tokens
};

/// BERTScore greedy matching (Zhang et al., ICLR 2020): with cosine similarities s(i, j) of
/// summary token i and source token j, P = sum_i w_i max_j s(i, j) / sum_i w_i, R = sum_j v_j
/// max_i s(i, j) / sum_j v_j, F1 = 2PR / (P + R) (0 when P + R <= 0). Empty weights = uniform;
/// weights that sum to 0 fall back to uniform. With a baseline, each of P, R, F1 is rescaled.
/// @throws precis::error `[precis.invalid_argument]` for empty / non-finite matrices, different
///   dimensions, weights of the wrong size, negative or non-finite weights, a baseline >= 1.
[[nodiscard]] bertscore_result bertscore(matrix_ref summary_tokens, matrix_ref source_tokens,
                                         std::span<const float> summary_weights = {},
                                         std::span<const float> source_weights = {},
                                         const std::optional<bertscore_baseline>& baseline = {});

/// `bertscore` of many records given as ragged blocks of token rows (as
/// `align_sentences_batch`); `summary_weights` / `source_weights` are empty or one weight per
/// row of `summaries` / `sources`. Records run on `threads` threads (0 = all cores).
/// @throws precis::error as `bertscore` and `align_sentences_batch`.
[[nodiscard]] std::vector<bertscore_result> bertscore_batch(
    matrix_ref summaries, std::span<const std::size_t> summary_offsets, matrix_ref sources,
    std::span<const std::size_t> source_offsets, std::span<const float> summary_weights = {},
    std::span<const float> source_weights = {},
    const std::optional<bertscore_baseline>& baseline = {}, unsigned threads = 1);

/// Result of `relaxed_wmd`.
struct relaxed_wmd_result {
  double distance = 0.0;           ///< max of the two one-sided bounds (the RWMD)
  double summary_to_source = 0.0;  ///< sum_i w_i min_j |x_i - y_j| / sum_i w_i
  double source_to_summary = 0.0;  ///< sum_j v_j min_i |x_i - y_j| / sum_j v_j
};

/// Relaxed Word Mover's Distance (Kusner et al., ICML 2015, "From Word Embeddings To Document
/// Distances"): a lower bound of the Word Mover's Distance between the normalized bag-of-words
/// of the summary (rows `summary_words`, weights w) and of the source (rows `source_words`,
/// weights v), with Euclidean costs. Empty weights = uniform. A distance, >= 0 (0 for identical
/// bags), not a similarity; not used by `embedding_scorer`.
/// @throws precis::error as `bertscore`.
/// @remarks One GEMM, O(m n d).
[[nodiscard]] relaxed_wmd_result relaxed_wmd(matrix_ref summary_words, matrix_ref source_words,
                                             std::span<const float> summary_weights = {},
                                             std::span<const float> source_weights = {});

/// Options of `embedding_scorer`.
struct embedding_options {
  source_aggregation aggregation = source_aggregation::max;
  /// Chunking of long sources for `document_cosine`: windows of this many sentences (0 = each
  /// source whole). A source's cosine is the max over its windows.
  std::size_t chunk_sentences = 0;
  /// Step between windows in sentences (0 = chunk_sentences, no overlap).
  std::size_t chunk_stride = 0;
  alignment_options alignment{};
  bool idf = true;  ///< BERTScore IDF weights from the source sentences (else uniform)
  /// BERTScore on the encoder's contextual token vectors when it has them (`encoder::tokens()`,
  /// e.g. `bert_encoder`: each piece's last-layer vector in the context of its sentences, as
  /// bert_score does); false, or an encoder without them: each distinct word encoded alone.
  bool contextual_tokens = true;
  std::optional<bertscore_baseline> baseline{};  ///< BERTScore rescaling
  std::size_t batch_size = 256;                  ///< texts per encoder call
  text::analyze_options analyze{};               ///< tokens and sentences of every text
};

/// All embedding scores of one summary.
struct embedding_result {
  document_cosine_result document;  ///< whole summary vs sources (or their chunks)
  alignment_result alignment;       ///< summary sentences vs all source sentences
  bertscore_result bertscore;       ///< summary tokens vs all source tokens
};

/// A source sentence of an `embedding_scorer`: which source and its byte range there.
struct source_sentence {
  std::uint32_t source;
  std::uint32_t begin;
  std::uint32_t end;
};

/// One record of a batch: a result, or the error message of a record that failed.
struct embedding_record_result {
  std::optional<embedding_result> result;
  std::string error;
};

/// Sources analyzed and encoded once (whole texts or chunks, sentences, token types, IDF);
/// `score` then encodes only the summary. Immutable; `score` is thread-safe when the encoder is.
class embedding_scorer {
 public:
  /// @throws precis::error `[precis.invalid_argument]` for no sources, an empty encoder pointer
  ///   or a source without sentences; `[precis.invalid_utf8] sources[i]: ...`.
  embedding_scorer(std::shared_ptr<const embed::encoder> encoder,
                   std::span<const std::string> sources, const embedding_options& options = {});

  /// Scores of `summary`. A summary without tokens scores 0 everywhere (documented edge value).
  /// @throws precis::error `[precis.invalid_utf8] summary: ...`, or an encoder's error.
  [[nodiscard]] embedding_result score(std::string_view summary) const;
  /// Every summary on `threads` threads; a summary that fails gets its error message.
  [[nodiscard]] std::vector<embedding_record_result> score_batch(
      std::span<const std::string> summaries, unsigned threads = 1) const;

  /// The source sentences (alignment indices refer to these).
  [[nodiscard]] std::span<const source_sentence> source_sentences() const noexcept {
    return sentences_;
  }

 private:
  std::shared_ptr<const embed::encoder> encoder_;
  embedding_options options_;
  row_matrix chunk_vectors_;                // one row per chunk
  std::vector<std::size_t> chunk_offsets_;  // per source
  row_matrix sentence_vectors_;             // one row per source sentence
  std::vector<source_sentence> sentences_;
  std::vector<std::string> token_types_;   // distinct source tokens
  row_matrix token_vectors_;               // one row per distinct source token type
  std::vector<std::uint32_t> token_rows_;  // per source token occurrence: its type row
  std::vector<float> token_weights_;       // per source token occurrence
  std::size_t idf_documents_ = 0;          // M of the IDF
  std::vector<std::uint32_t> type_df_;     // per type row: source sentences containing it
  std::unordered_map<std::string, std::uint32_t> type_index_;  // type -> row
  // Contextual BERTScore (encoder_->tokens() and options_.contextual_tokens):
  const embed::token_encoder* token_encoder_ = nullptr;
  row_matrix piece_vectors_;                               // one row per source piece
  std::vector<float> piece_weights_;                       // per source piece: its IDF
  std::unordered_map<std::int32_t, std::uint32_t> piece_df_;  // piece id -> source sentences
};

/// `embedding_scorer(encoder, sources[i], options).score(summaries[i])` for every i on `threads`
/// threads; no record is lost (a failed record has `error` set, prefixed with its index).
/// @throws precis::error `[precis.invalid_argument]` when the sizes differ.
[[nodiscard]] std::vector<embedding_record_result> embedding_batch(
    std::shared_ptr<const embed::encoder> encoder, std::span<const std::string> summaries,
    std::span<const std::vector<std::string>> sources, const embedding_options& options = {},
    unsigned threads = 1);

}  // namespace precis::metrics
