#include "cpu_fallback/optimized/quantized_gemm.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "cpu_fallback/optimized/quant_isa.h"
#include "cpu_fallback/optimized/quantized_simd.h"
#include "cpu_fallback/quantization.h"

VKD_QUANT_NAMESPACE_BEGIN

namespace {

// The u8 operand of the dot products: uint8 activations as they are, int8 ones
// flipped to x + 128 (see the file comment of the header).
template <typename T>
constexpr uint8_t kFlip = std::is_same_v<T, int8_t> ? 0x80 : 0x00;

inline int32_t RequantizeScalar(int32_t acc, int32_t multiplier, int32_t left_shift,
                                int32_t right_shift, bool half_up, int32_t offset,
                                int32_t activation_min, int32_t activation_max) {
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(acc) << left_shift);
  const int32_t high = cpu::SaturatingRoundingDoublingHighMul(shifted, multiplier);
  int32_t v = (half_up ? ref::RoundingRightShiftHalfUp(high, right_shift)
                       : cpu::RoundingDivideByPOT(high, right_shift)) +
              offset;
  v = std::max(v, activation_min);
  return std::min(v, activation_max);
}

#if defined(VKD_QUANT_AVX512)

// Requantizes 16 accumulators of columns [col, col + 16) and stores the
// `store_mask` ones as 8-bit values.
template <typename T>
inline void StoreRequantized(__m512i acc, const QuantizedOutputStage& s, int col,
                             __mmask16 store_mask, T* out) {
  __m512i v = simd::RequantizeVec(acc, _mm512_loadu_si512(s.multiplier.data() + col),
                                  _mm512_loadu_si512(s.left_shift.data() + col),
                                  _mm512_loadu_si512(s.right_shift.data() + col),
                                  s.rounding == ref::FinalRounding::kHalfUp);
  v = _mm512_add_epi32(v, _mm512_set1_epi32(s.output_offset));
  v = _mm512_max_epi32(v, _mm512_set1_epi32(s.activation_min));
  v = _mm512_min_epi32(v, _mm512_set1_epi32(s.activation_max));
  // In range after the clamp, so truncation to 8 bits is exact for both types.
  _mm_mask_storeu_epi8(out, store_mask, _mm512_cvtepi32_epi8(v));
}

// R rows x P panels of accumulators, walking k four at a time.
template <typename T, int R, int P>
void MicroKernel(const uint8_t* const* a_rows, int k_groups, const int8_t* b, size_t panel_stride,
                 const int32_t* row_terms, const QuantizedOutputStage& s, int col0, int n,
                 T* const* c_rows) {
  __m512i acc[R][P];
  for (int r = 0; r < R; ++r) {
    for (int p = 0; p < P; ++p) acc[r][p] = _mm512_setzero_si512();
  }
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(kFlip<T>));
  for (int g = 0; g < k_groups; ++g) {
    __m512i bv[P];
    for (int p = 0; p < P; ++p) bv[p] = _mm512_loadu_si512(b + p * panel_stride + g * 64);
    for (int r = 0; r < R; ++r) {
      int32_t four;
      std::memcpy(&four, a_rows[r] + 4 * g, 4);
      __m512i av = _mm512_set1_epi32(four);
      if constexpr (kFlip<T> != 0) av = _mm512_xor_si512(av, flip);
      for (int p = 0; p < P; ++p) acc[r][p] = _mm512_dpbusd_epi32(acc[r][p], av, bv[p]);
    }
  }
  for (int p = 0; p < P; ++p) {
    const int col = col0 + p * kQuantPanelWidth;
    const int valid = std::min(kQuantPanelWidth, n - col);
    const __mmask16 store_mask = static_cast<__mmask16>((1u << valid) - 1);
    const __m512i bias = _mm512_loadu_si512(s.bias.data() + col);
    for (int r = 0; r < R; ++r) {
      const __m512i v =
          _mm512_add_epi32(_mm512_add_epi32(acc[r][p], bias), _mm512_set1_epi32(row_terms[r]));
      StoreRequantized(v, s, col, store_mask, c_rows[r] + col);
    }
  }
}

#else  // portable form: the same sums and rounding, one output at a time

template <typename T, int R, int P>
void MicroKernel(const uint8_t* const* a_rows, int k_groups, const int8_t* b, size_t panel_stride,
                 const int32_t* row_terms, const QuantizedOutputStage& s, int col0, int n,
                 T* const* c_rows) {
  for (int r = 0; r < R; ++r) {
    for (int p = 0; p < P; ++p) {
      const int8_t* panel = b + p * panel_stride;
      for (int lane = 0; lane < kQuantPanelWidth; ++lane) {
        const int col = col0 + p * kQuantPanelWidth + lane;
        if (col >= n) break;
        int32_t acc = 0;
        for (int kk = 0; kk < 4 * k_groups; ++kk) {
          const int32_t a = static_cast<uint8_t>(a_rows[r][kk] ^ kFlip<T>);
          acc += a * panel[(kk / 4) * 64 + lane * 4 + kk % 4];
        }
        acc += s.bias[col] + row_terms[r];
        c_rows[r][col] = static_cast<T>(
            RequantizeScalar(acc, s.multiplier[col], s.left_shift[col], s.right_shift[col],
                             s.rounding == ref::FinalRounding::kHalfUp, s.output_offset,
                             s.activation_min, s.activation_max));
      }
    }
  }
}

#endif

// The micro-kernel for a tile of R rows and `panels` (1..kQuantTilePanels) panels.
template <typename T, int R>
void TileKernel(const uint8_t* const* a_rows, int k_groups, const int8_t* b, size_t panel_stride,
                const int32_t* row_terms, const QuantizedOutputStage& s, int col0, int n,
                T* const* c_rows, int panels) {
  static_assert(kQuantTilePanels == 4, "one case per panel count");
  switch (panels) {
    case 1:
      MicroKernel<T, R, 1>(a_rows, k_groups, b, panel_stride, row_terms, s, col0, n, c_rows);
      break;
    case 2:
      MicroKernel<T, R, 2>(a_rows, k_groups, b, panel_stride, row_terms, s, col0, n, c_rows);
      break;
    case 3:
      MicroKernel<T, R, 3>(a_rows, k_groups, b, panel_stride, row_terms, s, col0, n, c_rows);
      break;
    default:
      MicroKernel<T, R, 4>(a_rows, k_groups, b, panel_stride, row_terms, s, col0, n, c_rows);
      break;
  }
}

template <typename T>
using TileKernelFn = void (*)(const uint8_t* const*, int, const int8_t*, size_t, const int32_t*,
                              const QuantizedOutputStage&, int, int, T* const*, int);

// Indexed by the tile's row count - 1: the last tile of a GEMM whose row count
// is not a multiple of kQuantTileRows (FULLY_CONNECTED's single row, small
// late conv layers) runs only the rows it has.
template <typename T>
constexpr TileKernelFn<T> kTileKernels[kQuantTileRows] = {TileKernel<T, 1>, TileKernel<T, 2>,
                                                          TileKernel<T, 3>, TileKernel<T, 4>,
                                                          TileKernel<T, 5>, TileKernel<T, 6>};
static_assert(kQuantTileRows == 6, "one kernel per row count");

}  // namespace

template <typename T>
void PackQuantizedGemm(const T* weights, int n, int k, const ref::QuantizedConvParams& params,
                       const int32_t* bias, QuantizedPackedWeights* packed,
                       QuantizedOutputStage* stage) {
  packed->n = n;
  packed->k = k;
  packed->k_padded = (k + 3) / 4 * 4;
  const int panels = packed->num_panels();
  const int columns = panels * kQuantPanelWidth;
  packed->data.assign(static_cast<size_t>(columns) * packed->k_padded, 0);

  // Stored weight = w - base, with w + filter_offset = stored + (base + filter_offset).
  // Prefer base = -filter_offset (stored = the true weight, no row term); when
  // the true weights do not fit int8 (uint8 with a zero point far from 128),
  // store w - 128.
  int32_t true_min = 0, true_max = 0;
  for (size_t i = 0; i < static_cast<size_t>(n) * k; ++i) {
    const int32_t v = weights[i] + params.filter_offset;
    true_min = std::min(true_min, v);
    true_max = std::max(true_max, v);
  }
  const int32_t base = (true_min >= -128 && true_max <= 127)
                           ? -params.filter_offset
                           : (std::is_same_v<T, int8_t> ? 0 : 128);
  const int32_t row_factor = base + params.filter_offset;

  stage->bias.assign(columns, 0);
  stage->multiplier.assign(columns, 0);
  stage->left_shift.assign(columns, 0);
  stage->right_shift.assign(columns, 0);
  // sum_k (x + input_offset) * w_true = sum_k u * stored + row_factor * sum_k u
  //                                    + (input_offset - flip) * sum_k w_true,
  // u being the u8 operand x + flip.
  const int32_t flip = kFlip<T>;
  for (int col = 0; col < n; ++col) {
    const T* row = weights + static_cast<size_t>(col) * k;
    int64_t column_sum = 0;
    int8_t* panel = packed->data.data() + static_cast<size_t>(col / kQuantPanelWidth) *
                                              packed->k_padded * kQuantPanelWidth;
    const int lane = col % kQuantPanelWidth;
    for (int kk = 0; kk < k; ++kk) {
      column_sum += row[kk] + params.filter_offset;
      panel[(kk / 4) * 64 + lane * 4 + kk % 4] = static_cast<int8_t>(row[kk] - base);
    }
    const int64_t folded = (bias != nullptr ? bias[col] : 0) +
                           static_cast<int64_t>(params.input_offset - flip) * column_sum;
    // int32 accumulation wraps in TFLite too; keep the same residue.
    stage->bias[col] = static_cast<int32_t>(static_cast<uint32_t>(folded));
    stage->multiplier[col] = params.output_multiplier[col];
    stage->left_shift[col] = std::max(params.output_shift[col], 0);
    stage->right_shift[col] = std::max(-params.output_shift[col], 0);
  }
  stage->row_sum_factor = row_factor;
  stage->rounding = params.rounding;
  stage->output_offset = params.output_offset;
  stage->activation_min = params.activation_min;
  stage->activation_max = params.activation_max;
}

template <typename T>
void QuantizedGemm(const T* a, int64_t lda, int m, const QuantizedPackedWeights& w,
                   const QuantizedOutputStage& s, T* c, int64_t ldc, cpu::ThreadPool& pool) {
#if defined(VKD_QUANT_DISPATCH) && !defined(VKD_QUANT_ISA_COPY)
  if (UseAvx512Vnni()) return avx512_entry::QuantizedGemm(a, lda, m, w, s, c, ldc, pool);
#endif
  constexpr int R = kQuantTileRows;
  constexpr int P = kQuantTilePanels;
  const int tiles = (m + R - 1) / R;
  const int panels = w.num_panels();
  const int panel_groups = (panels + P - 1) / P;
  const int k_groups = w.k_padded / 4;
  const size_t panel_stride = static_cast<size_t>(w.k_padded) * kQuantPanelWidth;
  const int64_t work_per_item = int64_t{R} * w.k_padded * P * kQuantPanelWidth;
  const int64_t min_chunk = std::max<int64_t>(1, (int64_t{1} << 18) / work_per_item);
  pool.ParallelFor(int64_t{tiles} * panel_groups, min_chunk, [&](int64_t begin, int64_t end) {
    const uint8_t* a_rows[R];
    T* c_rows[R];
    int32_t row_terms[R];
    int current_tile = -1;
    int rows = 0;
    for (int64_t item = begin; item < end; ++item) {
      const int tile = static_cast<int>(item / panel_groups);
      const int group = static_cast<int>(item % panel_groups);
      if (tile != current_tile) {
        current_tile = tile;
        const int row0 = tile * R;
        rows = std::min(R, m - row0);
        for (int r = 0; r < rows; ++r) {
          const int64_t row = row0 + r;
          a_rows[r] = reinterpret_cast<const uint8_t*>(a + row * lda);
          c_rows[r] = c + row * ldc;
          row_terms[r] = 0;
          if (s.row_sum_factor != 0) {
            int32_t sum = 0;
            for (int kk = 0; kk < w.k; ++kk) sum += static_cast<uint8_t>(a_rows[r][kk] ^ kFlip<T>);
            row_terms[r] = sum * s.row_sum_factor;
          }
        }
      }
      const int panel0 = group * P;
      kTileKernels<T>[rows - 1](a_rows, k_groups, w.panel(panel0), panel_stride, row_terms, s,
                                panel0 * kQuantPanelWidth, w.n, c_rows,
                                std::min(P, panels - panel0));
    }
  });
}

template <typename T>
void RequantizeRow(const int32_t* acc, int n, const int32_t* multiplier, const int32_t* left_shift,
                   const int32_t* right_shift, ref::FinalRounding rounding, int32_t output_offset,
                   int32_t activation_min, int32_t activation_max, T* out) {
#if defined(VKD_QUANT_DISPATCH) && !defined(VKD_QUANT_ISA_COPY)
  if (UseAvx512Vnni()) return avx512_entry::RequantizeRow(acc, n, multiplier, left_shift, right_shift, rounding, output_offset,
                                       activation_min, activation_max, out);
#endif
  const bool half_up = rounding == ref::FinalRounding::kHalfUp;
  int i = 0;
#if defined(VKD_QUANT_AVX512)
  const __m512i offset = _mm512_set1_epi32(output_offset);
  const __m512i lo = _mm512_set1_epi32(activation_min);
  const __m512i hi = _mm512_set1_epi32(activation_max);
  for (; i < n; i += 16) {
    const __mmask16 mask =
        n - i >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (n - i)) - 1);
    __m512i v = simd::RequantizeVec(_mm512_maskz_loadu_epi32(mask, acc + i),
                                    _mm512_maskz_loadu_epi32(mask, multiplier + i),
                                    _mm512_maskz_loadu_epi32(mask, left_shift + i),
                                    _mm512_maskz_loadu_epi32(mask, right_shift + i), half_up);
    v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, offset), lo), hi);
    _mm_mask_storeu_epi8(out + i, mask, _mm512_cvtepi32_epi8(v));
  }
#endif
  for (; i < n; ++i) {
    out[i] =
        static_cast<T>(RequantizeScalar(acc[i], multiplier[i], left_shift[i], right_shift[i],
                                        half_up, output_offset, activation_min, activation_max));
  }
}

template void PackQuantizedGemm<int8_t>(const int8_t*, int, int, const ref::QuantizedConvParams&,
                                        const int32_t*, QuantizedPackedWeights*,
                                        QuantizedOutputStage*);
template void PackQuantizedGemm<uint8_t>(const uint8_t*, int, int, const ref::QuantizedConvParams&,
                                         const int32_t*, QuantizedPackedWeights*,
                                         QuantizedOutputStage*);
template void QuantizedGemm<int8_t>(const int8_t*, int64_t, int, const QuantizedPackedWeights&,
                                    const QuantizedOutputStage&, int8_t*, int64_t,
                                    cpu::ThreadPool&);
template void QuantizedGemm<uint8_t>(const uint8_t*, int64_t, int, const QuantizedPackedWeights&,
                                     const QuantizedOutputStage&, uint8_t*, int64_t,
                                     cpu::ThreadPool&);
template void RequantizeRow<int8_t>(const int32_t*, int, const int32_t*, const int32_t*,
                                    const int32_t*, ref::FinalRounding, int32_t, int32_t, int32_t,
                                    int8_t*);
template void RequantizeRow<uint8_t>(const int32_t*, int, const int32_t*, const int32_t*,
                                     const int32_t*, ref::FinalRounding, int32_t, int32_t, int32_t,
                                     uint8_t*);

VKD_QUANT_NAMESPACE_END  // namespace vkd::opt
