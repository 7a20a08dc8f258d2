#include "cpu_fallback/reference/strided_slice.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vkd::ref {

template <typename T>
void StridedSlice(const StridedSliceParams& p, const T* in, T* out) {
  int64_t in_strides[kMaxSliceRank] = {};
  int64_t out_count = 1, stride = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= p.in_dims[d];
    out_count *= p.out_dims[d];
  }
  int64_t index[kMaxSliceRank] = {};
  for (int64_t i = 0; i < out_count; ++i) {
    int64_t in_index = 0;
    for (int d = 0; d < p.rank; ++d) {
      in_index += (p.start[d] + index[d] * p.stride[d]) * in_strides[d];
    }
    out[i] = in[in_index];
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < p.out_dims[d]) break;
      index[d] = 0;
    }
  }
}

template void StridedSlice<uint8_t>(const StridedSliceParams&, const uint8_t*, uint8_t*);
template void StridedSlice<uint32_t>(const StridedSliceParams&, const uint32_t*, uint32_t*);
template void StridedSlice<uint64_t>(const StridedSliceParams&, const uint64_t*, uint64_t*);

}  // namespace vkd::ref
