// The AVX-512 VNNI build of cpu_fallback/optimized/quantized_elementwise.cc (see quant_isa.h).
#define VKD_QUANT_ISA_COPY 1
#include "cpu_fallback/optimized/quant_isa.h"

#if defined(VKD_QUANT_DISPATCH)
#include <type_traits>

#include "cpu_fallback/optimized/broadcast_loop.h"
#include "cpu_fallback/quantization.h"

VKD_AVX512VNNI_BEGIN
#include "cpu_fallback/optimized/quantized_elementwise.cc"
VKD_AVX512VNNI_END

namespace vkd::opt::avx512_entry {
#define VKD_ADD(T)                                                                             \
  void QuantizedAdd(const ref::BroadcastPlan& collapsed, const ref::QuantizedAddParams& params, \
                    const T* a, const T* b, T* out, cpu::ThreadPool& pool) {                   \
    avx512_impl::QuantizedAdd<T>(collapsed, params, a, b, out, pool);                          \
  }
VKD_ADD(int8_t)
VKD_ADD(uint8_t)
}  // namespace vkd::opt::avx512_entry
#endif
