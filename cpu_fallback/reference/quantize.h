// QUANTIZE (float -> int, and requantizing int -> int) and CAST, as TFLite
// 2.9's quantize.cc and cast.cc compute them.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "cpu_fallback/quantization.h"
#include "ops/quantize.h"
#include "ops/saturating_cast.h"

namespace vkd::ref {


using ops::AffineQuantize;

// Requantizing: out = clamp(zp_out + (x - zp_in) * (in_scale / out_scale)),
// the multiplier applied in TFLite's fixed point.
struct RequantizeParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int32_t multiplier = 0;
  int shift = 0;
};

template <typename TIn, typename TOut>
inline void Requantize(const RequantizeParams& p, const TIn* in, TOut* out, int64_t n) {
  constexpr int32_t kMin = std::numeric_limits<TOut>::min();
  constexpr int32_t kMax = std::numeric_limits<TOut>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t q = cpu::MultiplyByQuantizedMultiplier(
                          static_cast<int32_t>(in[i]) - p.input_zero_point, p.multiplier, p.shift) +
                      p.output_zero_point;
    out[i] = static_cast<TOut>(q < kMin ? kMin : (q > kMax ? kMax : q));
  }
}

// CAST: C++'s static_cast per element, as TFLite's copyCast (to bool: x != 0;
// float to integer: truncation toward zero, out-of-range values undefined
// there and here).
template <typename TIn, typename TOut>
inline void Cast(const TIn* in, TOut* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<TOut>(in[i]);
}

}  // namespace vkd::ref
