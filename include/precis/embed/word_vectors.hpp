#pragma once
/// @file word_vectors.hpp
/// Pretrained word vectors from a file (GloVe text, word2vec text and binary, fastText `.vec`),
/// a binary cache of precis' own that loads at memory speed, and an encoder that pools them into
/// sentence vectors (mean or SIF weighting), counting out-of-vocabulary tokens. See docs/embed.md.

#include <atomic>
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

namespace precis::embed {

/// File formats of `word_vectors::load`.
enum class word_vector_format : std::uint8_t {
  detect,           ///< by content: precis cache magic, word2vec binary (header then raw floats),
                    ///< else text (with a "count dim" header line or without, as GloVe)
  text,             ///< GloVe / word2vec text / fastText .vec: "word v1 ... vd" per line; an
                    ///< optional first line "count dim" is skipped
  word2vec_binary,  ///< "count dim\n" then per word: "word " + dim little-endian float32 (+ "\n")
  precis_cache,     ///< `word_vectors::save`'s format
};

/// An immutable table of word vectors (row i = vector of word(i)); words in file order, which
/// for GloVe/word2vec/fastText is descending corpus frequency.
class word_vectors {
 public:
  word_vectors() = default;
  /// Reads `path`. `max_words` > 0 keeps only the first max_words words. A repeated word keeps
  /// its first vector.
  /// @throws precis::error `[precis.io_error] word vectors '<path>': cannot open`,
  ///   `[precis.parse_error] word vectors '<path>' line N: <what>` (wrong number of values, a
  ///   value that is not a number, NaN/Inf, a truncated binary file).
  /// @remarks Text: one pass, std::from_chars; binary formats: one read.
  [[nodiscard]] static word_vectors load(const std::string& path,
                                         word_vector_format format = word_vector_format::detect,
                                         std::size_t max_words = 0);
  /// Writes the precis cache format (magic, counts, float32 matrix, words).
  /// @throws precis::error `[precis.io_error]`.
  void save(const std::string& path) const;
  /// Builds a table from words and their vectors (rows).
  /// @throws precis::error `[precis.invalid_argument]` on a size mismatch or non-finite value.
  word_vectors(std::vector<std::string> words, row_matrix vectors);
  word_vectors(const word_vectors& other) : words_(other.words_), vectors_(other.vectors_) {
    index();
  }
  word_vectors& operator=(const word_vectors& other) {
    if (this != &other) {
      words_ = other.words_;
      vectors_ = other.vectors_;
      index();
    }
    return *this;
  }
  word_vectors(word_vectors&&) noexcept = default;  // strings keep their addresses
  word_vectors& operator=(word_vectors&&) noexcept = default;
  ~word_vectors() = default;

  [[nodiscard]] std::size_t size() const noexcept { return words_.size(); }
  [[nodiscard]] std::size_t dimension() const noexcept {
    return static_cast<std::size_t>(vectors_.cols());
  }
  [[nodiscard]] const std::string& word(std::size_t i) const { return words_[i]; }
  /// Row of `w`, or std::nullopt.
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view w) const;
  [[nodiscard]] const row_matrix& vectors() const noexcept { return vectors_; }

 private:
  void index();
  std::vector<std::string> words_;
  row_matrix vectors_;
  std::unordered_map<std::string_view, std::uint32_t> index_;
};

/// How `word_vector_encoder` pools word vectors into a sentence vector.
enum class pooling : std::uint8_t {
  mean,  ///< plain mean of the in-vocabulary token vectors
  sif,   ///< smooth inverse frequency weights a / (a + p(w)) (Arora et al., ICLR 2017)
};

/// Options of `word_vector_encoder`.
struct word_vector_options {
  pooling pool = pooling::mean;
  double sif_a = 1e-3;     ///< SIF's a
  bool lowercase = true;   ///< ASCII-lowercase tokens before lookup (GloVe is lower-case)
  bool normalize = false;  ///< L2-normalize each sentence vector
};

/// Sentence vectors from word vectors. Tokens: runs of ASCII letters/digits/apostrophes and
/// non-ASCII bytes. A text without in-vocabulary tokens gets a zero vector. p(w) for SIF comes
/// from `set_frequencies` (counts over a corpus) or, by default, from the vocabulary rank with
/// Zipf's law, p(rank r) = 1 / ((r + 1) H_n) (files list words by descending frequency).
/// Out-of-vocabulary tokens are counted (thread-safe counters).
class word_vector_encoder final : public encoder {
 public:
  /// `name` identifies the vector file in `id()` (e.g. "glove.6B.300d").
  word_vector_encoder(std::shared_ptr<const word_vectors> vectors, std::string name,
                      const word_vector_options& options = {});
  [[nodiscard]] std::string id() const override;
  [[nodiscard]] std::size_t dimension() const override { return vectors_->dimension(); }
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts) const override;
  /// Replaces the Zipf estimate of p(w) by relative frequencies counted over `corpus` (tokens
  /// absent from it get count 0, i.e. weight 1).
  void set_frequencies(std::span<const std::string_view> corpus);
  /// SIF weight of vocabulary row `i`.
  [[nodiscard]] float weight(std::size_t i) const noexcept { return weights_[i]; }
  /// Tokens seen by `encode` so far, and how many were out of vocabulary.
  [[nodiscard]] std::uint64_t tokens_seen() const noexcept { return tokens_.load(); }
  [[nodiscard]] std::uint64_t oov_tokens() const noexcept { return oov_.load(); }

 private:
  std::shared_ptr<const word_vectors> vectors_;
  std::string name_;
  word_vector_options options_;
  std::vector<float> weights_;
  std::string weights_tag_ = "zipf";
  mutable std::atomic<std::uint64_t> tokens_{0};
  mutable std::atomic<std::uint64_t> oov_{0};
};

}  // namespace precis::embed
