#include "cpu_fallback/reference/softmax.h"

#include <cmath>
#include <limits>

namespace vkd::ref {

void Softmax(const float* in, float* out, int64_t rows, int64_t depth, float beta) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < depth; ++c) max = x[c] > max ? x[c] : max;
    float sum = 0.0f;
    for (int64_t c = 0; c < depth; ++c) {
      y[c] = std::exp((x[c] - max) * beta);
      sum += y[c];
    }
    const float reciprocal = 1.0f / sum;
    for (int64_t c = 0; c < depth; ++c) y[c] *= reciprocal;
  }
}

}  // namespace vkd::ref
