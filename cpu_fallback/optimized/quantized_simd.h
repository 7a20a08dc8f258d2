// AVX-512 helpers shared by the optimized quantized kernels (internal).
// VKD_QUANT_AVX512 is defined when the build targets AVX-512 with VNNI
// (-march=native on the project's machines); the kernels keep a portable form
// for other targets that computes the same numbers.
#pragma once

#include <cstdint>

// Also in the AVX-512 VNNI copies of the kernel files (quant_isa.h), which
// include this header inside their target region.
#if (defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && \
     defined(__AVX512VNNI__)) ||                                                \
    defined(VKD_QUANT_ISA_COPY)
// GCC 12's AVX-512 headers trip -Wuninitialized on their own _mm512_undefined
// idiom (GCC bug 105593); the warning is about the header, not this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#define VKD_QUANT_AVX512 1
#endif

namespace vkd::opt::simd {

#if defined(VKD_QUANT_AVX512)

// MultiplyByQuantizedMultiplier on 16 lanes, bit-exact with the scalar form.
// SaturatingRoundingDoublingHighMul's nudge-then-truncate equals
// (a * b + 2^30) >> 31 with an arithmetic shift for every product (for a
// negative product, truncating (ab + 1 - 2^30) / 2^31 toward zero is flooring
// ab + 2^30 over 2^31); its one saturating case needs a multiplier of
// INT32_MIN, which QuantizeMultiplier never makes.
inline __m512i RequantizeVec(__m512i x, __m512i multiplier, __m512i left_shift, __m512i right_shift,
                             bool half_up) {
  x = _mm512_sllv_epi32(x, left_shift);
  const __m512i half = _mm512_set1_epi64(int64_t{1} << 30);
  // 64-bit products of the even lanes, then of the odd lanes.
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, multiplier), half);
  __m512i odd = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(multiplier, 32)), half);
  // Bits 31..62 of each sum: the low dword for even lanes, the high one for odd.
  even = _mm512_srli_epi64(_mm512_slli_epi64(even, 1), 32);
  odd = _mm512_slli_epi64(odd, 1);
  const __m512i high = _mm512_mask_blend_epi32(0xAAAA, even, odd);
  const __m512i one = _mm512_set1_epi32(1);
  if (half_up) {  // ruy: (x + 2^(e-1)) >> e, nudge 0 for e == 0
    const __m512i nudge = _mm512_srli_epi32(_mm512_sllv_epi32(one, right_shift), 1);
    return _mm512_srav_epi32(_mm512_add_epi32(high, nudge), right_shift);
  }
  // RoundingDivideByPOT: round half away from zero.
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, right_shift), one);
  const __m512i remainder = _mm512_and_si512(high, mask);
  const __m512i threshold =
      _mm512_add_epi32(_mm512_srai_epi32(mask, 1), _mm512_srli_epi32(high, 31));
  const __m512i result = _mm512_srav_epi32(high, right_shift);
  return _mm512_mask_add_epi32(result, _mm512_cmpgt_epi32_mask(remainder, threshold), result, one);
}

#endif  // VKD_QUANT_AVX512

}  // namespace vkd::opt::simd
