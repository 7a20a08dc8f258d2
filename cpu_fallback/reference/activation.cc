#include "cpu_fallback/reference/activation.h"

#include <algorithm>
#include <cmath>

#include "cpu_fallback/activation.h"

namespace vkd::ref {

void Logistic(const float* in, float* out, int64_t n) {
  // Beyond these, the float result is exactly 1 (upper), or 1 + e^-x rounds
  // away e^x's digits (lower); TFLite's reference kernel uses the same pair.
  constexpr float kCutoffUpper = 16.619047164916992188f;
  constexpr float kCutoffLower = -9.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float x = in[i];
    if (x > kCutoffUpper) {
      out[i] = 1.0f;
    } else if (x < kCutoffLower) {
      out[i] = std::exp(x);
    } else {
      out[i] = 1.0f / (1.0f + std::exp(-x));
    }
  }
}

void Tanh(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
}

void Clamp(const float* in, float* out, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; ++i) out[i] = cpu::ClampActivation(in[i], lo, hi);
}

void LeakyRelu(const float* in, float* out, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x > 0.0f ? x : x * alpha;
  }
}

void HardSwish(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x * std::min(6.0f, std::max(0.0f, x + 3.0f)) / 6.0f;
  }
}

}  // namespace vkd::ref
