// Picks the BERT kernel for the running CPU once.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bert_kernel.hpp"

namespace precis::embed {
namespace detail {
void bert_forward_generic(const bert_view&, const std::int32_t*, const std::int32_t*,
                          const std::size_t*, std::size_t, float*);
#if defined(__x86_64__) && defined(__GNUC__)
void bert_forward_avx2(const bert_view&, const std::int32_t*, const std::int32_t*,
                       const std::size_t*, std::size_t, float*);
void bert_forward_avx512(const bert_view&, const std::int32_t*, const std::int32_t*,
                         const std::size_t*, std::size_t, float*);
#endif
}  // namespace detail

detail::bert_forward_fn select_bert_kernel(const char** isa) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("fma")) {
    *isa = "avx512";
    return &detail::bert_forward_avx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    *isa = "avx2";
    return &detail::bert_forward_avx2;
  }
#endif
  *isa = "generic";
  return &detail::bert_forward_generic;
}

detail::bert_forward_fn bert_kernel_named(const char* isa) noexcept {
  const std::string_view name(isa);
  if (name == "generic") return &detail::bert_forward_generic;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (name == "avx2") return avx2 ? &detail::bert_forward_avx2 : nullptr;
  if (name == "avx512") {
    const bool ok = avx2 && __builtin_cpu_supports("avx512f") &&
                    __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                    __builtin_cpu_supports("avx512bw");
    return ok ? &detail::bert_forward_avx512 : nullptr;
  }
#endif
  return nullptr;
}

}  // namespace precis::embed
