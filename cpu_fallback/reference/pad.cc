#include "cpu_fallback/reference/pad.h"

namespace vkd::ref {

template <typename T>
void Pad(const PadParams& p, const T* in, T pad_value, T* out) {
  int64_t out_dims[kMaxPadRank] = {};
  int64_t in_strides[kMaxPadRank] = {};
  int64_t out_count = 1;
  int64_t stride = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    out_dims[d] = p.before[d] + p.in_dims[d] + p.after[d];
    out_count *= out_dims[d];
    in_strides[d] = stride;
    stride *= p.in_dims[d];
  }
  int64_t index[kMaxPadRank] = {};
  for (int64_t i = 0; i < out_count; ++i) {
    bool inside = true;
    int64_t in_index = 0;
    for (int d = 0; d < p.rank; ++d) {
      const int64_t in_coord = index[d] - p.before[d];
      if (in_coord < 0 || in_coord >= p.in_dims[d]) {
        inside = false;
        break;
      }
      in_index += in_coord * in_strides[d];
    }
    out[i] = inside ? in[in_index] : pad_value;
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < out_dims[d]) break;
      index[d] = 0;
    }
  }
}

template void Pad<uint8_t>(const PadParams&, const uint8_t*, uint8_t, uint8_t*);
template void Pad<uint32_t>(const PadParams&, const uint32_t*, uint32_t, uint32_t*);
template void Pad<uint64_t>(const PadParams&, const uint64_t*, uint64_t, uint64_t*);

}  // namespace vkd::ref
