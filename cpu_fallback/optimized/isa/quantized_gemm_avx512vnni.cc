// The AVX-512 VNNI build of cpu_fallback/optimized/quantized_gemm.cc (see quant_isa.h).
#define VKD_QUANT_ISA_COPY 1
#include "cpu_fallback/optimized/quant_isa.h"

#if defined(VKD_QUANT_DISPATCH)
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "cpu_fallback/quantization.h"

VKD_AVX512VNNI_BEGIN
#include "cpu_fallback/optimized/quantized_gemm.cc"
VKD_AVX512VNNI_END

namespace vkd::opt::avx512_entry {
#define VKD_GEMM(T)                                                                              \
  void QuantizedGemm(const T* a, int64_t lda, int m, const QuantizedPackedWeights& w,           \
                     const QuantizedOutputStage& s, T* c, int64_t ldc, cpu::ThreadPool& pool) {  \
    avx512_impl::QuantizedGemm<T>(a, lda, m, w, s, c, ldc, pool);                                \
  }                                                                                              \
  void RequantizeRow(const int32_t* acc, int n, const int32_t* multiplier,                      \
                     const int32_t* left_shift, const int32_t* right_shift,                     \
                     ref::FinalRounding rounding, int32_t output_offset, int32_t activation_min, \
                     int32_t activation_max, T* out) {                                           \
    avx512_impl::RequantizeRow<T>(acc, n, multiplier, left_shift, right_shift, rounding,         \
                                  output_offset, activation_min, activation_max, out);           \
  }
VKD_GEMM(int8_t)
VKD_GEMM(uint8_t)
}  // namespace vkd::opt::avx512_entry
#endif
