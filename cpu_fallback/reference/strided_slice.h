// STRIDED_SLICE (and SLICE, a unit-stride case of it), as TFLite 2.9
// computes it, for elements moved as raw bits of their size: strided_slice_logic.h's
// StartForAxis/StopForAxis resolve begin/end (masks, negative indices, clamping by direction), and
// each output index i of an axis reads input index start + i * stride.
// ellipsis_mask and new_axis_mask are unimplemented in TFLite 2.9 too.
#pragma once

#include <cstdint>

namespace vkd::ref {

inline constexpr int kMaxSliceRank = 5;

struct StridedSliceParams {
  int rank = 0;
  int32_t in_dims[kMaxSliceRank] = {};
  int32_t start[kMaxSliceRank] = {};     // first input index read, per axis
  int32_t stride[kMaxSliceRank] = {};    // non-zero; negative walks backwards
  int32_t out_dims[kMaxSliceRank] = {};  // before shrinking (shrunk axes are 1)
  int32_t shrink_axis_mask = 0;
};

// Resolves begin/end/strides (each `rank` values) against `in_dims` into
// `p`. Strides must be non-zero (the caller checks).
void ResolveStridedSlice(int rank, const int32_t* in_dims, const int32_t* begin, const int32_t* end,
                         const int32_t* strides, int32_t begin_mask, int32_t end_mask,
                         int32_t shrink_axis_mask, StridedSliceParams* p);

// out holds the product of p.out_dims elements. T: uint8_t, uint32_t or
// uint64_t (the element's bits: int8/uint8, float32/int32, int64).
template <typename T>
void StridedSlice(const StridedSliceParams& p, const T* in, T* out);

}  // namespace vkd::ref
