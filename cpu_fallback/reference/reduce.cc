#include "cpu_fallback/reference/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu_fallback/qshape_util.h"
#include "ops/saturating_cast.h"

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

template <typename T>
void ReduceSumQuantized(const ReduceParams& p, const T* in, int32_t* sums) {
  int64_t in_count = 1, out_count = 1;
  int64_t out_strides[kMaxReduceRank] = {};
  for (int d = p.rank - 1; d >= 0; --d) {
    in_count *= p.dims[d];
    if (!p.reduced[d]) {
      out_strides[d] = out_count;
      out_count *= p.dims[d];
    }
  }
  for (int64_t i = 0; i < out_count; ++i) sums[i] = 0;
  int64_t index[kMaxReduceRank] = {};
  for (int64_t i = 0; i < in_count; ++i) {
    int64_t out_index = 0;
    for (int d = 0; d < p.rank; ++d) out_index += index[d] * out_strides[d];
    sums[out_index] += in[i];
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < p.dims[d]) break;
      index[d] = 0;
    }
  }
}

template <typename T>
void FinishQuantizedReduce(const QuantizedReduceParams& q, const int32_t* sums, int64_t n, T* out) {
  using Formula = QuantizedReduceFormula;
  const float count = static_cast<float>(q.count);
  const float lowest = std::numeric_limits<T>::lowest();
  const float highest = std::numeric_limits<T>::max();
  switch (q.formula) {
    case Formula::kMeanHwInt8Float: {
      const bool ordinary = q.in_zero_point == q.out_zero_point && q.in_scale == q.out_scale;
      const float scale = q.in_scale / q.out_scale;
      const float bias = static_cast<float>(-q.in_zero_point) * scale;
      for (int64_t i = 0; i < n; ++i) {
        const float mean = static_cast<float>(sums[i]) / count;
        float result = ordinary ? std::round(mean)
                                : std::round(cpu::MulAdd(mean, scale, bias)) +
                                      static_cast<float>(q.out_zero_point);
        result = std::max(std::min(result, highest), lowest);
        out[i] = static_cast<T>(result);
      }
      break;
    }
    case Formula::kMeanHwUint8Fixed:
      for (int64_t i = 0; i < n; ++i) {
        int32_t acc = cpu::MultiplyByQuantizedMultiplier(sums[i], q.multiplier, q.shift) + q.bias;
        acc = std::min<int32_t>(std::max<int32_t>(acc, std::numeric_limits<T>::lowest()),
                                std::numeric_limits<T>::max());
        out[i] = static_cast<T>(acc);
      }
      break;
    case Formula::kMeanTruncate:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(sums[i] / q.count);
      break;
    case Formula::kMeanRescale: {
      const float scale = q.in_scale / q.out_scale;
      const float bias = static_cast<float>(-q.in_zero_point) * scale;
      for (int64_t i = 0; i < n; ++i) {
        const float mean = static_cast<float>(sums[i]) / count;
        float result =
            std::round(cpu::MulAdd(mean, scale, bias)) + static_cast<float>(q.out_zero_point);
        result = std::max(std::min(result, highest), lowest);
        out[i] = static_cast<T>(result);
      }
      break;
    }
    case Formula::kSumWrap:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(sums[i]);
      break;
    case Formula::kSumRescale: {
      const float scale = q.in_scale / q.out_scale;
      const float bias = static_cast<float>(-q.in_zero_point) * scale * count;
      for (int64_t i = 0; i < n; ++i) {
        const int32_t value = ops::SaturatingInt32(std::round(
                                  cpu::MulAdd(static_cast<float>(sums[i]), scale, bias))) +
                              q.out_zero_point;
        out[i] = static_cast<T>(value);
      }
      break;
    }
  }
}

template void ReduceSumQuantized<int8_t>(const ReduceParams&, const int8_t*, int32_t*);
template void ReduceSumQuantized<uint8_t>(const ReduceParams&, const uint8_t*, int32_t*);
template void FinishQuantizedReduce<int8_t>(const QuantizedReduceParams&, const int32_t*, int64_t,
                                            int8_t*);
template void FinishQuantizedReduce<uint8_t>(const QuantizedReduceParams&, const int32_t*, int64_t,
                                             uint8_t*);

}  // namespace vkd::ref
