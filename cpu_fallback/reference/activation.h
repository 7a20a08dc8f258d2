// Standalone float activation ops (LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
// LEAKY_RELU, HARD_SWISH) with TFLite 2.9's reference formulas. PRELU has a
// second (alpha) operand and broadcasts, so it lives in reference/elementwise.h.
//
// Each function maps n contiguous values and keeps no state, so optimized
// callers split a tensor into chunks across threads and call it per chunk.
#pragma once

#include <cstdint>

namespace vkd::ref {

// 1 / (1 + e^-x), with TFLite's cutoffs: 1 above 16.619..., e^x below -9
// (where 1 + e^-x loses e^x's digits).
void Logistic(const float* in, float* out, int64_t n);
void Tanh(const float* in, float* out, int64_t n);
// min(max(x, lo), hi): RELU is [0, +inf), RELU6 [0, 6], RELU_N1_TO_1 [-1, 1].
void Clamp(const float* in, float* out, int64_t n, float lo, float hi);
// x > 0 ? x : alpha * x
void LeakyRelu(const float* in, float* out, int64_t n, float alpha);
// x * relu6(x + 3) / 6
void HardSwish(const float* in, float* out, int64_t n);

}  // namespace vkd::ref
