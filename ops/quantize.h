// QUANTIZE's float -> integer mapping as TFLite 2.9's reference kernel
// computes it, shared by the CPU kernels and the GPU partitions' int8/uint8
// edges (enable_quant).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "ops/saturating_cast.h"

namespace vkd::ops {

// out = clamp(round(x / scale) + zero_point): division, not multiplication by
// the reciprocal, and std::round (half away from zero), as TFLite's
// AffineQuantize. T int8_t, uint8_t or int16_t.
template <typename T>
inline void AffineQuantize(const float* in, T* out, int64_t n, float scale, int32_t zero_point) {
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t q = ops::SaturatingInt32(std::round(in[i] / scale)) + zero_point;
    out[i] = static_cast<T>(q < kMin ? kMin : (q > kMax ? kMax : q));
  }
}

}  // namespace vkd::ops
