#pragma once
// The interface of the BERT forward-pass kernels: raw views of the weights, no Eigen types, so
// that the kernel translation units (compiled for AVX-512, AVX2 and baseline x86-64, each with
// Eigen in a namespace of its own) share nothing with the rest of the library.
#include <cstddef>
#include <cstdint>

namespace precis::embed {
namespace detail {
/// Raw views of the weights, the interface of the per-instruction-set kernels (bert_kernel.inc).
struct bert_layer_view {
  const float *query_weight, *query_bias, *key_weight, *key_bias, *value_weight, *value_bias;
  const float *attention_output_weight, *attention_output_bias;
  const float *attention_layernorm_weight, *attention_layernorm_bias;
  const float *intermediate_weight, *intermediate_bias;
  const float *output_weight, *output_bias, *output_layernorm_weight, *output_layernorm_bias;
};
struct bert_view {
  std::size_t hidden, heads, intermediate, layers;
  float eps;
  bool gelu;  ///< gelu (erf) or relu
  const float *word_embeddings, *position_embeddings, *token_type_embeddings;
  const float *embeddings_layernorm_weight, *embeddings_layernorm_bias;
  const bert_layer_view* layer;
};
using bert_forward_fn = void (*)(const bert_view&, const std::int32_t* ids,
                                 const std::int32_t* type_ids, const std::size_t* offsets,
                                 std::size_t sequences, float* out);
}  // namespace detail


/// The forward pass for the best instruction set this CPU supports, and its name.
detail::bert_forward_fn select_bert_kernel(const char** isa) noexcept;
/// The forward pass for `isa` (`avx512`, `avx2`, `generic`) when this CPU runs it, else null.
detail::bert_forward_fn bert_kernel_named(const char* isa) noexcept;
}  // namespace precis::embed
