// The int8 GEMM behind the optimized quantized CONV_2D and FULLY_CONNECTED,
// and the vectorized requantization shared with DEPTHWISE_CONV_2D.
//
// Products are u8 x s8 -> s32, four at a time (AVX-512 VNNI's vpdpbusd; a
// plain loop computes the same numbers elsewhere). Both quantized types are
// brought to that form without changing the exact int32 result:
//  - int8 activations are flipped to uint8 (x + 128) in the kernel, and the
//    128 * sum(w) that adds, with the input zero point's term, is taken out of
//    the bias once: bias' = bias - (128 + in_zp) * sum_k w.
//  - uint8 weights are stored as w - 128 (int8). Then
//      sum (x - in_zp)(w - w_zp) = sum x (w - 128) + (128 - w_zp) sum x - in_zp sum (w - w_zp)
//    where the last term is folded into the bias and the middle one is added per
//    GEMM row from the row's input sum (skipped when every w - w_zp fits int8,
//    which is then stored as is).
// Padding taps must hold the input zero point (im2col writes it), so the
// identities hold over every tap. The epilogue is ref::Requantize per column
// (its rounding as the op's TFLite kernel does it), + output zero point, clamp.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu_fallback/reference/quantized_conv.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

inline constexpr int kQuantPanelWidth = 16;  // int32 lanes of one 512-bit vector
inline constexpr int kQuantTileRows = 6;     // GEMM rows per micro-tile
inline constexpr int kQuantTilePanels = 4;   // panels per micro-tile (24 accumulators)

// GEMM weights from a row-major [n][k] int8/uint8 matrix, k padded to a
// multiple of 4 with zeros. Panel p holds columns [16p, 16p + 16) as
// [k_padded / 4][16][4]: one 64-byte vector per group of 4 k.
struct QuantizedPackedWeights {
  int n = 0;
  int k = 0;
  int k_padded = 0;
  std::vector<int8_t> data;

  int num_panels() const { return (n + kQuantPanelWidth - 1) / kQuantPanelWidth; }
  const int8_t* panel(int p) const {
    return data.data() + static_cast<size_t>(p) * k_padded * kQuantPanelWidth;
  }
};

// Per-column requantization, padded to num_panels * 16 entries.
struct QuantizedOutputStage {
  std::vector<int32_t> bias;  // bias with the zero-point terms folded in
  std::vector<int32_t> multiplier;
  std::vector<int32_t> left_shift;   // max(shift, 0)
  std::vector<int32_t> right_shift;  // max(-shift, 0)
  int32_t row_sum_factor = 0;        // uint8 with wide weights: 128 - w_zp
  ref::FinalRounding rounding = ref::FinalRounding::kHalfUp;
  int32_t output_offset = 0;
  int32_t activation_min = 0;
  int32_t activation_max = 0;
};

// Packs `weights` ([n][k], T = int8_t or uint8_t) and folds the zero points of
// `params` and `bias` (null: none) into the output stage.
template <typename T>
void PackQuantizedGemm(const T* weights, int n, int k, const ref::QuantizedConvParams& params,
                       const int32_t* bias, QuantizedPackedWeights* packed,
                       QuantizedOutputStage* stage);

// c[r * ldc + col] = stage(sum_k a[r * lda + k] * w[col][k]) for r < m,
// threaded over row tiles and panel groups. Each A row must have k_padded
// readable bytes (those past k meet zero weights).
template <typename T>
void QuantizedGemm(const T* a, int64_t lda, int m, const QuantizedPackedWeights& w,
                   const QuantizedOutputStage& stage, T* c, int64_t ldc, cpu::ThreadPool& pool);

// out[i] = ref::Requantize(acc[i], ...), i < n, with shifts split as in
// QuantizedOutputStage.
template <typename T>
void RequantizeRow(const int32_t* acc, int n, const int32_t* multiplier, const int32_t* left_shift,
                   const int32_t* right_shift, ref::FinalRounding rounding, int32_t output_offset,
                   int32_t activation_min, int32_t activation_max, T* out);

}  // namespace vkd::opt
