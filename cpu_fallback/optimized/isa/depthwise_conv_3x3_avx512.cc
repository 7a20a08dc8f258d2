// The 3x3 depthwise kernel for AVX-512F (built with -mavx512f -mavx2 -mfma;
// called only when the CPU has them, see cpu_isa.h): 16-channel blocks, then
// one 8-channel block with AVX2 for the rest.
#include "cpu_fallback/optimized/depthwise_conv_3x3.h"

#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace vkd::opt::isa_avx512 {
namespace {
struct Vec16 {
  using T = __m512;
  static constexpr int kLanes = 16;
  static T Zero() { return _mm512_setzero_ps(); }
  static T Set1(float v) { return _mm512_set1_ps(v); }
  static T Load(const float* p) { return _mm512_loadu_ps(p); }
  static void Store(float* p, T v) { _mm512_storeu_ps(p, v); }
  static T Fma(T a, T b, T acc) { return _mm512_fmadd_ps(a, b, acc); }
  static T Add(T a, T b) { return _mm512_add_ps(a, b); }
  static T Min(T a, T b) { return _mm512_min_ps(a, b); }
  static T Max(T a, T b) { return _mm512_max_ps(a, b); }
};
#include "cpu_fallback/optimized/isa/vec8_avx2.inc"
}  // namespace
#define VKD_DW_WIDE Vec16
#define VKD_DW_NARROW Vec8
#include "cpu_fallback/optimized/isa/depthwise_conv_3x3_impl.inc"
#undef VKD_DW_WIDE
#undef VKD_DW_NARROW
}  // namespace vkd::opt::isa_avx512

#else
namespace vkd::opt::isa_avx512 {
void DepthwiseConv3x3Rows(const ref::ConvGeometry&, const float*, const float*, const float*, float,
                          float, float*, int64_t, int64_t) {}
}  // namespace vkd::opt::isa_avx512
#endif
