// MEAN and SUM over any set of axes, float, as TFLite 2.9's reference
// reduction computes them: each output element accumulates its inputs in
// increasing input order, starting from 0; MEAN then divides by the number of
// reduced elements.
#pragma once

#include <cstdint>

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

}  // namespace vkd::ref
