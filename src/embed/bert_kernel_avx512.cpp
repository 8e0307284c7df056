// The BERT forward pass for AVX-512 (F, DQ, VL, BW) + FMA; see bert_kernel.inc and
// bert_kernel_avx2.cpp.
#include "bert_kernel_prelude.hpp"
// GCC 12 reports its own _mm512_undefined_* idiom (avx512fintrin.h) as maybe-uninitialized once
// Eigen's packet code is inlined here: a known false positive (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC target("sse3,ssse3,sse4.1,sse4.2,popcnt,avx,avx2,fma,f16c,avx512f,avx512dq,avx512vl,avx512bw")
#ifndef __SSE3__
#define __SSE3__ 1
#endif
#ifndef __SSSE3__
#define __SSSE3__ 1
#endif
#ifndef __SSE4_1__
#define __SSE4_1__ 1
#endif
#ifndef __SSE4_2__
#define __SSE4_2__ 1
#endif
#ifndef __AVX__
#define __AVX__ 1
#endif
#ifndef __AVX2__
#define __AVX2__ 1
#endif
#ifndef __FMA__
#define __FMA__ 1
#endif
#ifndef __AVX512F__
#define __AVX512F__ 1
#endif
#ifndef __AVX512DQ__
#define __AVX512DQ__ 1
#endif
#define Eigen precis_eigen_avx512
#define PRECIS_BERT_KERNEL bert_forward_avx512
#include "bert_kernel.inc"
#endif
