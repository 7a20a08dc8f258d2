// The AVX-512 VNNI build of cpu_fallback/optimized/quantize.cc (see quant_isa.h).
#define VKD_QUANT_ISA_COPY 1
#include "cpu_fallback/optimized/quant_isa.h"

#if defined(VKD_QUANT_DISPATCH)
// Everything the kernel file includes, first and outside the target region.
#include <limits>
#include <type_traits>

#include "cpu_fallback/reference/quantize.h"

VKD_AVX512VNNI_BEGIN
#include "cpu_fallback/optimized/quantize.cc"
VKD_AVX512VNNI_END

namespace vkd::opt::avx512_entry {
#define VKD_AFFINE(T)                                                                  \
  void AffineQuantize(const float* in, T* out, int64_t n, float s, int32_t z) {       \
    avx512_impl::AffineQuantize<T>(in, out, n, s, z);                                  \
  }
VKD_AFFINE(int8_t)
VKD_AFFINE(uint8_t)
VKD_AFFINE(int16_t)
#undef VKD_AFFINE
#define VKD_REQ(TIn, TOut)                                                             \
  void Requantize(const ref::RequantizeParams& p, const TIn* in, TOut* out, int64_t n) { \
    avx512_impl::Requantize<TIn, TOut>(p, in, out, n);                                 \
  }
#define VKD_REQ_ALL(TIn) VKD_REQ(TIn, int8_t) VKD_REQ(TIn, uint8_t) VKD_REQ(TIn, int16_t)
VKD_REQ_ALL(int8_t)
VKD_REQ_ALL(uint8_t)
VKD_REQ_ALL(int16_t)
}  // namespace vkd::opt::avx512_entry
#endif
