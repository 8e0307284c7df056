// The BERT forward pass for baseline x86-64 (SSE2) or any other CPU; see bert_kernel.inc.
#include "bert_kernel_prelude.hpp"
#define Eigen precis_eigen_generic
#define PRECIS_BERT_KERNEL bert_forward_generic
#include "bert_kernel.inc"
