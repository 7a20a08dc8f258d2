#include "cpu_fallback/optimized/quantized_elementwise.h"

#include <type_traits>

#include "cpu_fallback/optimized/broadcast_loop.h"
#include "cpu_fallback/optimized/quant_isa.h"
#include "cpu_fallback/optimized/quantized_simd.h"
#include "cpu_fallback/quantization.h"

VKD_QUANT_NAMESPACE_BEGIN

namespace {

#if defined(VKD_QUANT_AVX512)

// One input's term of the sum: ((x + offset) << left_shift) * multiplier,
// rounded as the scalar functor does (RequantizeVec with no left shift).
template <typename T>
struct ScaleInput {
  __m512i offset, multiplier, right_shift, zero;
  int left_shift;

  ScaleInput(int32_t off, int32_t mult, int shift, int left)
      : offset(_mm512_set1_epi32(off)),
        multiplier(_mm512_set1_epi32(mult)),
        right_shift(_mm512_set1_epi32(-shift)),
        zero(_mm512_setzero_si512()),
        left_shift(left) {}

  __m512i operator()(__m128i bytes) const {
    __m512i x =
        std::is_same_v<T, int8_t> ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
    x = _mm512_sll_epi32(_mm512_add_epi32(x, offset), _mm_cvtsi32_si128(left_shift));
    return simd::RequantizeVec(x, multiplier, zero, right_shift, /*half_up=*/false);
  }
};

template <typename T>
void AddRow(const ref::QuantizedAddParams& p, const T* a, int64_t a_stride, const T* b,
            int64_t b_stride, T* out, int64_t n) {
  if (a_stride == 0 && b_stride == 0) {
    const T v = ref::QuantizedAddFn<T>{p}(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
    return;
  }
  const ScaleInput<T> scale1(p.input1_offset, p.input1_multiplier, p.input1_shift, p.left_shift);
  const ScaleInput<T> scale2(p.input2_offset, p.input2_multiplier, p.input2_shift, p.left_shift);
  // A broadcast operand's term is the same for the whole row.
  const auto scalar_term = [&p](T x, int32_t offset, int32_t multiplier, int shift) {
    return _mm512_set1_epi32(cpu::MultiplyByQuantizedMultiplierSmallerThanOneExp(
        (offset + static_cast<int32_t>(x)) * (1 << p.left_shift), multiplier, shift));
  };
  const __m512i a_term =
      a_stride == 0 ? scalar_term(a[0], p.input1_offset, p.input1_multiplier, p.input1_shift)
                    : _mm512_setzero_si512();
  const __m512i b_term =
      b_stride == 0 ? scalar_term(b[0], p.input2_offset, p.input2_multiplier, p.input2_shift)
                    : _mm512_setzero_si512();
  const __m512i out_multiplier = _mm512_set1_epi32(p.output_multiplier);
  const __m512i out_shift = _mm512_set1_epi32(-p.output_shift);
  const __m512i out_offset = _mm512_set1_epi32(p.output_offset);
  const __m512i lo = _mm512_set1_epi32(p.act_min);
  const __m512i hi = _mm512_set1_epi32(p.act_max);
  const __m512i zero = _mm512_setzero_si512();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 mask =
        n - i >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (n - i)) - 1);
    const __m512i x1 = a_stride == 0 ? a_term : scale1(_mm_maskz_loadu_epi8(mask, a + i));
    const __m512i x2 = b_stride == 0 ? b_term : scale2(_mm_maskz_loadu_epi8(mask, b + i));
    __m512i v = simd::RequantizeVec(_mm512_add_epi32(x1, x2), out_multiplier, zero, out_shift,
                                    /*half_up=*/false);
    v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, out_offset), lo), hi);
    // In range after the clamp, so truncation to 8 bits is exact for both types.
    _mm_mask_storeu_epi8(out + i, mask, _mm512_cvtepi32_epi8(v));
  }
}

#endif  // VKD_QUANT_AVX512

}  // namespace

template <typename T>
void QuantizedAdd(const ref::BroadcastPlan& collapsed, const ref::QuantizedAddParams& params,
                  const T* a, const T* b, T* out, cpu::ThreadPool& pool) {
#if defined(VKD_QUANT_DISPATCH) && !defined(VKD_QUANT_ISA_COPY)
  if (UseAvx512Vnni()) return avx512_entry::QuantizedAdd(collapsed, params, a, b, out, pool);
#endif
#if defined(VKD_QUANT_AVX512)
  BroadcastBinaryRows(
      collapsed, a, b, out,
      [&params](const T* ra, int64_t a_stride, const T* rb, int64_t b_stride, T* rout, int64_t n) {
        AddRow(params, ra, a_stride, rb, b_stride, rout, n);
      },
      pool);
#else
  BroadcastBinary(collapsed, a, b, out, ref::QuantizedAddFn<T>{params}, pool);
#endif
}

template void QuantizedAdd<int8_t>(const ref::BroadcastPlan&, const ref::QuantizedAddParams&,
                                   const int8_t*, const int8_t*, int8_t*, cpu::ThreadPool&);
template void QuantizedAdd<uint8_t>(const ref::BroadcastPlan&, const ref::QuantizedAddParams&,
                                    const uint8_t*, const uint8_t*, uint8_t*, cpu::ThreadPool&);

VKD_QUANT_NAMESPACE_END  // namespace vkd::opt
