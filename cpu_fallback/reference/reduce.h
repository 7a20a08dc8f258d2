// MEAN and SUM over any set of axes, float, as TFLite 2.9's reference
// reduction computes them: each output element accumulates its inputs in
// increasing input order, starting from 0; MEAN then divides by the number of
// reduced elements.
#pragma once

#include <cstdint>

#include "cpu_fallback/quantization.h"

namespace vkd::ref {

inline constexpr int kMaxReduceRank = 8;

// The input's dimensions and which of them are reduced (duplicates and
// negative axes already resolved). The output holds the product of the kept
// dimensions in row-major order, with or without keep_dims (same layout).
struct ReduceParams {
  int rank = 0;
  int64_t dims[kMaxReduceRank] = {};
  bool reduced[kMaxReduceRank] = {};
};

int64_t ReducedCount(const ReduceParams& p);  // product of the reduced dimensions
void ReduceSum(const ReduceParams& p, const float* in, float* out);
void ReduceMean(const ReduceParams& p, const float* in, float* out);

// --- int8 / uint8 ---
//
// TFLite 2.9 picks one of several formulas for quantized MEAN and SUM, by
// shape and by whether input and output share scale and zero point; each
// first sums the reduced inputs exactly (int32), so the sum and the final
// per-output step are separate here.

// Per-output int32 sums of the quantized input values (zero points not
// subtracted). T is int8_t or uint8_t.
template <typename T>
void ReduceSumQuantized(const ReduceParams& p, const T* in, int32_t* sums);

enum class QuantizedReduceFormula {
  // MEAN, int8, 4-D keep_dims over axes {1,2} (optimized_integer_ops::Mean):
  // the float mean rounded half away from zero when input and output share
  // parameters, else rescaled as kMeanRescale. (The float formula of later
  // TFLite versions, with an extra +0.5 and no clamp, is off by one from
  // 2.9 here: the oracle tests pin this down.)
  kMeanHwInt8Float,
  // MEAN, uint8, same case (optimized_ops::Mean): the sum times a fixed-point
  // multiplier for in_scale / (count * out_scale), plus an integer bias, clamped.
  kMeanHwUint8Fixed,
  // MEAN, same parameters in and out (reference_ops::Mean): sum / count
  // with C's truncating integer division.
  kMeanTruncate,
  // MEAN, parameters differ (reference_ops::QuantizedMeanOrSum): float mean,
  // rescaled and rounded, clamped to the type's range.
  kMeanRescale,
  // SUM, same parameters: the integer sum wrapped to the storage type (TFLite
  // adds in T).
  kSumWrap,
  // SUM, parameters differ (QuantizedMeanOrSum with compute_sum): rounded
  // rescaled float sum plus zero point, wrapped to the storage type.
  kSumRescale,
};

struct QuantizedReduceParams {
  QuantizedReduceFormula formula = QuantizedReduceFormula::kMeanTruncate;
  int32_t count = 1;  // reduced elements per output
  int32_t in_zero_point = 0, out_zero_point = 0;
  float in_scale = 1, out_scale = 1;
  // kMeanHwUint8Fixed
  int32_t multiplier = 0, shift = 0, bias = 0;
};

// The final step: sums[i] -> out[i] for `n` outputs.
template <typename T>
void FinishQuantizedReduce(const QuantizedReduceParams& q, const int32_t* sums, int64_t n, T* out);

}  // namespace vkd::ref
