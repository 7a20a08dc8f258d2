// The AVX-512 VNNI build of cpu_fallback/optimized/quantized_conv.cc (see quant_isa.h).
#define VKD_QUANT_ISA_COPY 1
#include "cpu_fallback/optimized/quant_isa.h"

#if defined(VKD_QUANT_DISPATCH)
#include <algorithm>
#include <cstring>
#include <type_traits>

VKD_AVX512VNNI_BEGIN
#include "cpu_fallback/optimized/quantized_conv.cc"
VKD_AVX512VNNI_END

namespace vkd::opt::avx512_entry {
#define VKD_CONV(T)                                                                            \
  void ConvQuantized(QuantizedConvPlan& plan, const T* input, T* output,                      \
                     cpu::ThreadPool& pool) {                                                  \
    avx512_impl::ConvQuantized<T>(plan, input, output, pool);                                  \
  }                                                                                            \
  void DepthwiseConvQuantized(const QuantizedDepthwisePlan& plan, const T* input, T* output,   \
                              cpu::ThreadPool& pool) {                                         \
    avx512_impl::DepthwiseConvQuantized<T>(plan, input, output, pool);                         \
  }
VKD_CONV(int8_t)
VKD_CONV(uint8_t)
}  // namespace vkd::opt::avx512_entry
#endif
