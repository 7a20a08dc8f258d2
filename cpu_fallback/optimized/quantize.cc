#include "cpu_fallback/optimized/quantize.h"

#include <limits>
#include <type_traits>

#include "cpu_fallback/optimized/quant_isa.h"
#include "cpu_fallback/optimized/quantized_simd.h"
#include "cpu_fallback/reference/quantize.h"

VKD_QUANT_NAMESPACE_BEGIN

template <typename T>
void AffineQuantize(const float* in, T* out, int64_t n, float scale, int32_t zero_point) {
#if defined(VKD_QUANT_DISPATCH) && !defined(VKD_QUANT_ISA_COPY)
  if (UseAvx512Vnni()) return avx512_entry::AffineQuantize(in, out, n, scale, zero_point);
#endif
  int64_t i = 0;
#if defined(VKD_QUANT_AVX512)
  // std::round (half away from zero) has no instruction: truncate, then step
  // away from zero where the dropped fraction (exact in float) is >= 1/2.
  // Out-of-range and NaN quotients convert to INT32_MIN as the scalar
  // cvttss2si does, so even those match the reference on x86.
  const __m512 divisor = _mm512_set1_ps(scale);
  const __m512 half = _mm512_set1_ps(0.5f);
  const __m512i zp = _mm512_set1_epi32(zero_point);
  const __m512i lo = _mm512_set1_epi32(std::numeric_limits<T>::min());
  const __m512i hi = _mm512_set1_epi32(std::numeric_limits<T>::max());
  const __m512i one = _mm512_set1_epi32(1);
  for (; i + 16 <= n; i += 16) {
    const __m512 q = _mm512_div_ps(_mm512_loadu_ps(in + i), divisor);
    const __m512 t = _mm512_roundscale_ps(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __mmask16 step = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(q, t)), half, _CMP_GE_OQ);
    const __mmask16 negative = _mm512_cmp_ps_mask(q, _mm512_setzero_ps(), _CMP_LT_OQ);
    __m512i v = _mm512_cvttps_epi32(t);
    v = _mm512_mask_add_epi32(v, step & ~negative, v, one);
    v = _mm512_mask_sub_epi32(v, step & negative, v, one);
    v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, zp), lo), hi);
    if constexpr (sizeof(T) == 1) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(v));
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm512_cvtepi32_epi16(v));
    }
  }
#endif
  ref::AffineQuantize(in + i, out + i, n - i, scale, zero_point);
}

#if defined(VKD_QUANT_AVX512)
namespace {

template <typename TIn>
__m512i Load16(const TIn* in) {
  if constexpr (std::is_same_v<TIn, int8_t>) {
    return _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)));
  } else if constexpr (std::is_same_v<TIn, uint8_t>) {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)));
  } else {
    return _mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in)));
  }
}

// `v` already clamped to TOut's range, so truncation is exact.
template <typename TOut>
void Store16(__m512i v, TOut* out) {
  if constexpr (sizeof(TOut) == 1) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_cvtepi32_epi8(v));
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm512_cvtepi32_epi16(v));
  }
}

}  // namespace
#endif

template <typename TIn, typename TOut>
void Requantize(const ref::RequantizeParams& p, const TIn* in, TOut* out, int64_t n) {
#if defined(VKD_QUANT_DISPATCH) && !defined(VKD_QUANT_ISA_COPY)
  if (UseAvx512Vnni()) return avx512_entry::Requantize(p, in, out, n);
#endif
  int64_t i = 0;
#if defined(VKD_QUANT_AVX512)
  const __m512i in_zp = _mm512_set1_epi32(p.input_zero_point);
  const __m512i out_zp = _mm512_set1_epi32(p.output_zero_point);
  const __m512i multiplier = _mm512_set1_epi32(p.multiplier);
  const __m512i left_shift = _mm512_set1_epi32(p.shift > 0 ? p.shift : 0);
  const __m512i right_shift = _mm512_set1_epi32(p.shift > 0 ? 0 : -p.shift);
  const __m512i lo = _mm512_set1_epi32(std::numeric_limits<TOut>::min());
  const __m512i hi = _mm512_set1_epi32(std::numeric_limits<TOut>::max());
  for (; i + 16 <= n; i += 16) {
    __m512i v = _mm512_sub_epi32(Load16(in + i), in_zp);
    // MultiplyByQuantizedMultiplier: rounding half away from zero.
    v = simd::RequantizeVec(v, multiplier, left_shift, right_shift, /*half_up=*/false);
    v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, out_zp), lo), hi);
    Store16(v, out + i);
  }
#endif
  ref::Requantize(p, in + i, out + i, n - i);
}

#define VKD_INSTANTIATE_REQUANTIZE(TIn)                                                      \
  template void Requantize<TIn, int8_t>(const ref::RequantizeParams&, const TIn*, int8_t*,   \
                                        int64_t);                                            \
  template void Requantize<TIn, uint8_t>(const ref::RequantizeParams&, const TIn*, uint8_t*, \
                                         int64_t);                                           \
  template void Requantize<TIn, int16_t>(const ref::RequantizeParams&, const TIn*, int16_t*, \
                                         int64_t);
VKD_INSTANTIATE_REQUANTIZE(int8_t)
VKD_INSTANTIATE_REQUANTIZE(uint8_t)
VKD_INSTANTIATE_REQUANTIZE(int16_t)
#undef VKD_INSTANTIATE_REQUANTIZE

template void AffineQuantize<int8_t>(const float*, int8_t*, int64_t, float, int32_t);
template void AffineQuantize<uint8_t>(const float*, uint8_t*, int64_t, float, int32_t);
template void AffineQuantize<int16_t>(const float*, int16_t*, int64_t, float, int32_t);

VKD_QUANT_NAMESPACE_END  // namespace vkd::opt
