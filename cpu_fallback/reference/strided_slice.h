// STRIDED_SLICE (and SLICE, a unit-stride case of it), as TFLite 2.9
// computes it, for elements moved as raw bits of their size: strided_slice_logic.h's
// StartForAxis/StopForAxis resolve begin/end (masks, negative indices, clamping by direction), and
// each output index i of an axis reads input index start + i * stride.
// ellipsis_mask and new_axis_mask are unimplemented in TFLite 2.9 too.
#pragma once

#include <cstdint>

#include "ops/strided_slice.h"

namespace vkd::ref {

using ops::kMaxSliceRank;
using ops::StridedSliceParams;

// out holds the product of p.out_dims elements. T: uint8_t, uint32_t or
// uint64_t (the element's bits: int8/uint8, float32/int32, int64).
template <typename T>
void StridedSlice(const StridedSliceParams& p, const T* in, T* out);

}  // namespace vkd::ref
