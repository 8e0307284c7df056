#pragma once
/// @file encoder.hpp
/// Encoders turn texts into float32 vectors: one row per text of a row-major Eigen matrix.
/// Built in: a hashed TF-IDF encoder of words and character n-grams (no model file; lexical, not
/// neural), an encoder of precomputed vectors and an encoder around any C++ callable (a service,
/// a model). See docs/embed.md.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace precis::embed {

/// Row-major float32 matrix: one vector per row (numpy's C order, so arrays pass without copies).
using row_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A read-only view of a row-major float32 matrix (a `row_matrix`, a block of one, a numpy array).
using matrix_ref = Eigen::Ref<const row_matrix>;
/// A read-only view of any contiguous row-major float32 buffer.
using matrix_map = Eigen::Map<const row_matrix>;

/// Contextual token vectors of a transformer encoder, for BERTScore-style matching: the text is
/// cut into the model's word pieces, and sequences of pieces are run through the model together
/// so that each piece's vector depends on its neighbours. Implementations are immutable and
/// thread-safe. An encoder that has them returns this interface from `encoder::tokens()`.
class token_encoder {
 public:
  virtual ~token_encoder() = default;
  /// Identifies the model and which vectors, e.g. `<encoder id>/tokens=last-layer`.
  [[nodiscard]] virtual std::string token_id() const = 0;
  /// Columns of `embed_pieces`' result.
  [[nodiscard]] virtual std::size_t token_dimension() const = 0;
  /// Most pieces of one sequence (the model's special tokens not counted).
  [[nodiscard]] virtual std::size_t max_pieces() const = 0;
  /// Piece ids of `text` (no special tokens, no truncation). Two texts separated by whitespace
  /// give the concatenation of their pieces.
  [[nodiscard]] virtual std::vector<std::int32_t> pieces(std::string_view text) const = 0;
  /// The vectors of every piece of every sequence (each at most `max_pieces()` long), laid end to
  /// end in order; the special tokens the model adds around a sequence are left out.
  /// @throws precis::error `[precis.invalid_argument]` for a sequence longer than max_pieces().
  [[nodiscard]] virtual row_matrix embed_pieces(
      std::span<const std::vector<std::int32_t>> sequences) const = 0;
};

/// Interface of every encoder. Implementations are immutable after construction and `encode` is
/// `const` and thread-safe unless documented otherwise.
class encoder {
 public:
  virtual ~encoder() = default;
  /// Identifies the encoder *and its parameters*, e.g. `hashed-tfidf/v1/d=1024/...`; the cache
  /// key is (id, text hash), so two encoders with the same id must give the same vectors.
  [[nodiscard]] virtual std::string id() const = 0;
  /// Number of columns of `encode`'s result.
  [[nodiscard]] virtual std::size_t dimension() const = 0;
  /// One row per text, in order. Texts are UTF-8.
  [[nodiscard]] virtual row_matrix encode(std::span<const std::string_view> texts) const = 0;
  /// Its contextual token vectors (a transformer's), or null for an encoder of whole texts only.
  [[nodiscard]] virtual const token_encoder* tokens() const noexcept { return nullptr; }
};

/// Calls `enc.encode` on batches of at most `batch_size` texts and stacks the rows; checks every
/// batch's shape (rows == texts, columns == dimension()) and that every value is finite.
/// @throws precis::error `[precis.invalid_argument]` for `batch_size` 0, a wrong shape or a
///   non-finite value (naming the text index).
[[nodiscard]] row_matrix encode_batched(const encoder& enc, std::span<const std::string_view> texts,
                                        std::size_t batch_size = 256);
/// Same for owned strings.
[[nodiscard]] row_matrix encode_batched(const encoder& enc, std::span<const std::string> texts,
                                        std::size_t batch_size = 256);

/// Throws `[precis.invalid_argument] <name>: row R column C is NaN` (or `is infinite`) for the
/// first non-finite value, `<name>: empty matrix (R x C)` when `allow_empty` is false and the
/// matrix has no rows or no columns.
void check_finite(matrix_ref m, std::string_view name, bool allow_empty = false);

/// Options of `hashed_encoder`.
struct hashed_options {
  std::size_t dimension = 1024;    ///< output columns (>= 1)
  bool words = true;               ///< hash whole words (lower-cased)
  float word_weight = 1.0F;        ///< weight of a word feature
  std::size_t char_ngram_min = 3;  ///< char n-grams of each word padded as `<word>` (0 = none)
  std::size_t char_ngram_max = 5;  ///< inclusive, <= 8
  float char_weight = 0.5F;        ///< weight of one char n-gram feature
  bool signed_hash = true;         ///< random +-1 sign per feature (unbiased inner products)
  std::uint64_t seed = 0;          ///< changes every bucket and sign
  bool normalize = true;           ///< L2-normalize each row (a text without features: zeros)
};

/// Hashed TF-IDF: each text's lower-cased words (runs of ASCII letters/digits and non-ASCII
/// bytes) and the character n-grams of each word (fastText style, `<` and `>` padding) are hashed
/// into `dimension` buckets with a seeded 64-bit hash; the counts are multiplied by a per-bucket
/// IDF (1 unless fitted with `fit_idf`) and the row is L2-normalized. Deterministic; no model
/// file; a lexical signal (shared words and word pieces), not a neural one.
/// @remarks O(bytes * (char_ngram_max - char_ngram_min + 2)) per text. Thread-safe.
class hashed_encoder final : public encoder {
 public:
  /// @throws precis::error `[precis.invalid_argument]` for dimension 0, char_ngram_max > 8 or
  ///   char_ngram_min > char_ngram_max (with char_ngram_min > 0).
  explicit hashed_encoder(const hashed_options& options = {});

  /// A copy whose per-bucket IDF is ln((1 + N) / (1 + df_b)) + 1 over the `corpus` documents
  /// (scikit-learn's smooth IDF), df_b = documents with a feature in bucket b.
  [[nodiscard]] hashed_encoder fit_idf(std::span<const std::string_view> corpus) const;

  [[nodiscard]] std::string id() const override;
  [[nodiscard]] std::size_t dimension() const override { return options_.dimension; }
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts) const override;
  /// Encodes one text into `out` (dimension() floats).
  void encode_into(std::string_view text, std::span<float> out) const;
  /// The options.
  [[nodiscard]] const hashed_options& options() const noexcept { return options_; }
  /// Per-bucket IDF (empty when not fitted).
  [[nodiscard]] std::span<const float> idf() const noexcept { return idf_; }
  /// Replaces the IDF (size dimension(), or empty for none); used to load a fitted encoder.
  /// @throws precis::error `[precis.invalid_argument]` on a wrong size or a non-finite value.
  void set_idf(std::vector<float> idf);

 private:
  template <class Visit>
  void features(std::string_view text, Visit&& visit) const;

  hashed_options options_;
  std::vector<float> idf_;
};

/// Vectors computed elsewhere, looked up by exact text.
class precomputed_encoder final : public encoder {
 public:
  /// `vectors.row(i)` is the vector of `texts[i]`; a repeated text keeps its last row.
  /// @throws precis::error `[precis.invalid_argument]` on a size mismatch, an empty matrix or a
  ///   non-finite value.
  precomputed_encoder(std::string id, std::span<const std::string> texts, matrix_ref vectors);
  [[nodiscard]] std::string id() const override { return id_; }
  [[nodiscard]] std::size_t dimension() const override {
    return static_cast<std::size_t>(vectors_.cols());
  }
  /// @throws precis::error `[precis.invalid_argument] precomputed encoder '<id>': no vector for
  ///   text N ('<first 40 bytes>')`.
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts) const override;

 private:
  std::string id_;
  row_matrix vectors_;
  std::unordered_map<std::string, std::size_t> index_;
};

/// Any C++ callable (a model, an HTTP client, ...) as an encoder. `encode` checks the callable's
/// result shape; thread safety is the callable's.
class callback_encoder final : public encoder {
 public:
  using function = std::function<row_matrix(std::span<const std::string_view>)>;
  /// @throws precis::error `[precis.invalid_argument]` for dimension 0 or an empty function.
  callback_encoder(std::string id, std::size_t dimension, function fn);
  [[nodiscard]] std::string id() const override { return id_; }
  [[nodiscard]] std::size_t dimension() const override { return dimension_; }
  /// @throws precis::error `[precis.invalid_argument]` when the callable returns a wrong shape.
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts) const override;

 private:
  std::string id_;
  std::size_t dimension_;
  function fn_;
};

/// A seeded 64-bit hash of bytes (used for hashing features and cache keys). Stable across
/// platforms and versions of precis v0.
[[nodiscard]] std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed) noexcept;

}  // namespace precis::embed
