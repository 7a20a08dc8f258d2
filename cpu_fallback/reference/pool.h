// AVERAGE_POOL_2D and MAX_POOL_2D on NHWC float and int8/uint8 tensors, as
// TFLite 2.9's reference kernels compute them, plus the padding rule
// pooling shares with TFLite's ComputePaddingHeightWidth.
#pragma once

#include <algorithm>
#include <cstdint>

#include "model/ir/op_options.h"

namespace vkd::ref {

struct Pool2DParams {
  int batch = 0, in_h = 0, in_w = 0, channels = 0;
  int out_h = 0, out_w = 0;
  int filter_h = 0, filter_w = 0;
  int stride_h = 1, stride_w = 1;
  // Taps before the first input row/column. SAME padding puts the odd extra
  // pad after the input, so only the leading amount matters.
  int pad_h = 0, pad_w = 0;
  float act_min = 0, act_max = 0;  // fused activation clamp
  // int8/uint8: the fused activation as a clamp in the output's quantized
  // domain (TFLite's CalculateActivationRangeQuantized).
  int32_t q_act_min = 0, q_act_max = 0;
};

// The input rows (or columns) [begin, end) that output row (column) `out`'s
// window covers along one axis, clipped to the input: padding taps are not
// visited. The reference and optimized pools both walk these.
struct PoolSpan {
  int begin, end;
};
inline PoolSpan ClippedPoolSpan(int out, int stride, int pad, int filter, int in_size) {
  const int origin = out * stride - pad;
  return {std::max(0, origin), std::min(in_size, origin + filter)};
}

// (The output size is the pools' shape rule, ops/shape_rules.h.)
// TFLite's ComputePaddingWithOffset, leading part: max(0, (out-1)*stride + filter - in) / 2.
int PoolLeadingPadding(int in_size, int filter_size, int stride, int out_size);

// Mean over the taps inside the input (padding taps are not counted), then clamp.
void AveragePool(const Pool2DParams& p, const float* in, float* out);
// Max over the taps inside the input, then clamp.
void MaxPool(const Pool2DParams& p, const float* in, float* out);

// int8/uint8 (T = int8_t or uint8_t). TFLite pools quantized values without
// rescaling (input and output share scale and zero point); the average is
// the int32 sum divided by the tap count, rounding half away from zero:
// (sum +- count/2) / count with C's truncating division.
template <typename T>
void AveragePoolQuantized(const Pool2DParams& p, const T* in, T* out);
template <typename T>
void MaxPoolQuantized(const Pool2DParams& p, const T* in, T* out);

// The rounding average TFLite's quantized AVERAGE_POOL_2D uses. count > 0.
inline int32_t RoundedAverage(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

}  // namespace vkd::ref
