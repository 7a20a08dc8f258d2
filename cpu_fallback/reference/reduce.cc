#include "cpu_fallback/reference/reduce.h"

namespace vkd::ref {

int64_t ReducedCount(const ReduceParams& p) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) {
    if (p.reduced[d]) n *= p.dims[d];
  }
  return n;
}

void ReduceSum(const ReduceParams& p, const float* in, float* out) {
  int64_t in_count = 1, out_count = 1;
  int64_t out_strides[kMaxReduceRank] = {};  // 0 along reduced dimensions
  for (int d = p.rank - 1; d >= 0; --d) {
    in_count *= p.dims[d];
    if (!p.reduced[d]) {
      out_strides[d] = out_count;
      out_count *= p.dims[d];
    }
  }
  for (int64_t i = 0; i < out_count; ++i) out[i] = 0.0f;
  if (in_count == 0) return;
  int64_t index[kMaxReduceRank] = {};
  for (int64_t i = 0; i < in_count; ++i) {
    int64_t out_index = 0;
    for (int d = 0; d < p.rank; ++d) out_index += index[d] * out_strides[d];
    out[out_index] += in[i];
    // Advance the input index odometer, innermost dimension first.
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < p.dims[d]) break;
      index[d] = 0;
    }
  }
}

void ReduceMean(const ReduceParams& p, const float* in, float* out) {
  ReduceSum(p, in, out);
  int64_t out_count = 1;
  for (int d = 0; d < p.rank; ++d) {
    if (!p.reduced[d]) out_count *= p.dims[d];
  }
  const float count = static_cast<float>(ReducedCount(p));
  for (int64_t i = 0; i < out_count; ++i) out[i] = out[i] / count;
}

}  // namespace vkd::ref
