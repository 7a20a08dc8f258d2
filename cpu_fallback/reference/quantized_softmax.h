// SOFTMAX of int8/uint8 tensors (int8/uint8/int16 outputs), as TFLite 2.9's
// builtin kernel computes it on x86: not the fixed-point reference_ops
// softmax but optimized_ops' float lookup table. Prepare tabulates
// exp(-beta * in_scale * d) for the 256 possible distances d from a row's
// maximum; Eval sums table entries in float, in order, and scales each by
// 1 / (sum * out_scale).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ops/saturating_cast.h"

namespace vkd::ref {

// table[255 - d] = expf(-in_scale * beta * d), d = 0..255.
void PopulateSoftmaxTable(float input_scale, float beta, float table[256]);

struct QuantizedSoftmaxParams {
  const float* table = nullptr;  // from PopulateSoftmaxTable
  float output_scale = 0;
  int32_t output_zero_point = 0;
};

// `rows` rows of `depth` values, each normalized independently.
// TIn int8_t or uint8_t; TOut int8_t, uint8_t or int16_t.
template <typename TIn, typename TOut>
void QuantizedSoftmax(const QuantizedSoftmaxParams& p, const TIn* in, TOut* out, int64_t rows,
                      int64_t depth) {
  constexpr int32_t kOutMin = std::numeric_limits<TOut>::min();
  constexpr int32_t kOutMax = std::numeric_limits<TOut>::max();
  for (int64_t r = 0; r < rows; ++r, in += depth, out += depth) {
    int32_t max_value = std::numeric_limits<TIn>::min();
    for (int64_t j = 0; j < depth; ++j) {
      max_value = in[j] > max_value ? static_cast<int32_t>(in[j]) : max_value;
    }
    // row_table[x] = table[255 - (max - x)]: x <= max, so the index is in [0, 255].
    const float* row_table = p.table + 255 - max_value;
    // Sequential float sum: the order is part of the result.
    float sum = 0.0f;
    for (int64_t j = 0; j < depth; ++j) sum += row_table[in[j]];
    const float inv_sum = 1.0f / (sum * p.output_scale);
    for (int64_t j = 0; j < depth; ++j) {
      const float prob = row_table[in[j]] * inv_sum;
      int32_t q;
      if constexpr (std::is_same_v<TOut, uint8_t>) {
        // TFLite's non-ARM64 uint8 output: add 0.5 and truncate (the zero
        // point is 0 by the op's contract).
        q = ops::SaturatingInt32(prob + 0.5f);
      } else {
        q = ops::SaturatingInt32(std::round(prob)) + p.output_zero_point;
      }
      out[j] = static_cast<TOut>(q < kOutMin ? kOutMin : (q > kOutMax ? kOutMax : q));
    }
  }
}

}  // namespace vkd::ref
