// The 3x3 depthwise kernel for AVX2 + FMA3 (built with -mavx2 -mfma; called
// only when the CPU has them, see cpu_isa.h).
#include "cpu_fallback/optimized/depthwise_conv_3x3.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace vkd::opt::isa_avx2 {
namespace {
#include "cpu_fallback/optimized/isa/vec8_avx2.inc"
}  // namespace
#define VKD_DW_WIDE Vec8
#include "cpu_fallback/optimized/isa/depthwise_conv_3x3_impl.inc"
#undef VKD_DW_WIDE
}  // namespace vkd::opt::isa_avx2

#else
// Not an x86-64 build (or the ISA flags are missing): never selected.
namespace vkd::opt::isa_avx2 {
void DepthwiseConv3x3Rows(const ref::ConvGeometry&, const float*, const float*, const float*, float,
                          float, float*, int64_t, int64_t) {}
}  // namespace vkd::opt::isa_avx2
#endif
