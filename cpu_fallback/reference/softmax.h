// SOFTMAX over the last axis, float, as TFLite 2.9 computes it:
// out = e^((x - max) * beta) / sum, the max taken per row for range safety.
#pragma once

#include <cstdint>

namespace vkd::ref {

// `rows` rows of `depth` contiguous values each.
void Softmax(const float* in, float* out, int64_t rows, int64_t depth, float beta);

}  // namespace vkd::ref
