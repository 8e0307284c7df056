#pragma once
/// @file lsa.hpp
/// Latent semantic analysis encoder: the hashed TF-IDF vectors of a corpus reduced to `rank`
/// dimensions by a seeded randomized truncated SVD (Halko, Martinsson, Tropp, SIAM Review 2011).
/// Fitted on a corpus (e.g. the sources), saved and loaded. Lexical-semantic (co-occurrence),
/// not neural. See docs/embed.md.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/embed/encoder.hpp"

namespace precis::embed {

/// Options of `lsa_encoder::fit`.
struct lsa_options {
  std::size_t rank = 128;            ///< output dimension k (clamped to min(N, D))
  std::size_t oversample = 10;       ///< extra random directions p
  std::size_t power_iterations = 2;  ///< subspace iterations q
  std::uint64_t seed = 0;            ///< random test matrix seed
  hashed_options features{};         ///< the hashed TF-IDF features (IDF fitted on the corpus)
};

/// x -> normalize(x V_k) with x the (IDF-weighted, L2-normalized) hashed vector of the text and
/// V_k the top-k right singular vectors of the corpus matrix.
class lsa_encoder final : public encoder {
 public:
  /// Fits on `corpus` (one document per text).
  /// @throws precis::error `[precis.invalid_argument]` for an empty corpus or rank 0.
  /// @remarks O(N D (k + p) (2q + 2)) for N documents, D = features.dimension.
  [[nodiscard]] static lsa_encoder fit(std::span<const std::string_view> corpus,
                                       const lsa_options& options = {});
  /// Reads a file written by `save`.
  /// @throws precis::error `[precis.io_error]`, `[precis.parse_error]`.
  [[nodiscard]] static lsa_encoder load(const std::string& path);
  /// Writes the model (options, IDF, singular values, components) in a binary format of precis.
  void save(const std::string& path) const;

  [[nodiscard]] std::string id() const override;
  [[nodiscard]] std::size_t dimension() const override {
    return static_cast<std::size_t>(components_.cols());
  }
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts) const override;
  /// Singular values, descending.
  [[nodiscard]] const std::vector<float>& singular_values() const noexcept { return sigma_; }

 private:
  lsa_encoder(hashed_encoder features, row_matrix components, std::vector<float> sigma,
              std::uint64_t fingerprint);
  hashed_encoder features_;
  row_matrix components_;  // D x k
  std::vector<float> sigma_;
  std::uint64_t fingerprint_ = 0;
};

}  // namespace precis::embed
