#include "ops/strided_slice.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vkd::ops {

namespace {

int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return std::min(std::max(v, lo), hi); }

// TFLite's StartForAxis.
int32_t StartForAxis(int32_t axis_size, int32_t begin, int32_t stride, bool masked) {
  if (axis_size == 0) return 0;
  int32_t start = begin;
  if (masked) {
    start =
        stride > 0 ? std::numeric_limits<int32_t>::lowest() : std::numeric_limits<int32_t>::max();
  }
  if (start < 0) start += axis_size;
  return stride > 0 ? Clamp(start, 0, axis_size) : Clamp(start, -1, axis_size - 1);
}

// TFLite's StopForAxis (end points one past the last element read).
int32_t StopForAxis(int32_t axis_size, int32_t end, int32_t stride, bool masked, bool shrink,
                    int32_t start) {
  if (axis_size == 0) return 0;
  // A shrunk axis is the one element at start, whatever end says.
  if (shrink) return start + 1;
  int32_t stop = end;
  if (masked) {
    stop =
        stride > 0 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int32_t>::lowest();
  }
  if (stop < 0) stop += axis_size;
  return stride > 0 ? Clamp(stop, 0, axis_size) : Clamp(stop, -1, axis_size - 1);
}

}  // namespace

void ResolveStridedSlice(int rank, const int32_t* in_dims, const int32_t* begin, const int32_t* end,
                         const int32_t* strides, int32_t begin_mask, int32_t end_mask,
                         int32_t shrink_axis_mask, StridedSliceParams* p) {
  p->rank = rank;
  p->shrink_axis_mask = shrink_axis_mask;
  for (int d = 0; d < rank; ++d) {
    const bool shrink = (shrink_axis_mask >> d) & 1;
    const int32_t start = StartForAxis(in_dims[d], begin[d], strides[d], (begin_mask >> d) & 1);
    const int32_t stop =
        StopForAxis(in_dims[d], end[d], strides[d], (end_mask >> d) & 1, shrink, start);
    p->in_dims[d] = in_dims[d];
    p->start[d] = start;
    p->stride[d] = strides[d];
    // TFLite's output size: ceil((stop - start) / stride), never negative.
    const auto size = static_cast<int32_t>(
        std::ceil(static_cast<float>(stop - start) / static_cast<float>(strides[d])));
    p->out_dims[d] = std::max(size, 0);
  }
}

Status CheckSliceRank(int rank) {
  if (rank < 1 || rank > kMaxSliceRank) {
    return UnimplementedError("input 0: rank " + std::to_string(rank) + " outside 1.." +
                              std::to_string(kMaxSliceRank));
  }
  return Status::Ok();
}

}  // namespace vkd::ops
