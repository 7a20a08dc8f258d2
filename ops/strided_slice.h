// STRIDED_SLICE's index arithmetic as TFLite 2.9 resolves it
// (strided_slice_logic.h's StartForAxis/StopForAxis: masks, negative indices,
// clamping by direction), shared by the CPU kernels and the GPU lowering.
// Each output index i of an axis reads input index start + i * stride.
#pragma once

#include <cstdint>

#include "common/status.h"

namespace vkd::ops {

inline constexpr int kMaxSliceRank = 5;

struct StridedSliceParams {
  int rank = 0;
  int32_t in_dims[kMaxSliceRank] = {};
  int32_t start[kMaxSliceRank] = {};     // first input index read, per axis
  int32_t stride[kMaxSliceRank] = {};    // non-zero; negative walks backwards
  int32_t out_dims[kMaxSliceRank] = {};  // before shrinking (shrunk axes are 1)
  int32_t shrink_axis_mask = 0;
};

// Ranks the slice arithmetic takes: 1..kMaxSliceRank, else Unimplemented
// ("input 0: rank 6 outside 1..5"). STRIDED_SLICE's shape rule and the CPU
// SLICE and STRIDED_SLICE kernels check it alike.
Status CheckSliceRank(int rank);

// Resolves begin/end/strides (each `rank` values) against `in_dims` into
// `p`. Strides must be non-zero (the caller checks).
void ResolveStridedSlice(int rank, const int32_t* in_dims, const int32_t* begin, const int32_t* end,
                         const int32_t* strides, int32_t begin_mask, int32_t end_mask,
                         int32_t shrink_axis_mask, StridedSliceParams* p);

}  // namespace vkd::ops
