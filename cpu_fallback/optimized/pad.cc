#include "cpu_fallback/optimized/pad.h"

#include <algorithm>
#include <cstring>

namespace vkd::opt {

template <typename T>
void Pad(const ref::PadParams& p, const T* in, T pad_value, T* out) {
  if (p.rank == 0) {
    out[0] = in[0];
    return;
  }
  constexpr int kMax = ref::kMaxPadRank;
  int64_t out_dims[kMax] = {};
  int64_t in_strides[kMax] = {};
  int64_t stride = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    out_dims[d] = p.before[d] + p.in_dims[d] + p.after[d];
    in_strides[d] = stride;
    stride *= p.in_dims[d];
  }
  const int inner = p.rank - 1;
  const int64_t row_len = out_dims[inner];
  int64_t rows = 1;
  for (int d = 0; d < inner; ++d) rows *= out_dims[d];
  if (row_len == 0) return;

  int64_t index[kMax] = {};  // outer coordinates of the current output row
  for (int64_t r = 0; r < rows; ++r, out += row_len) {
    bool inside = true;
    int64_t in_offset = 0;
    for (int d = 0; d < inner; ++d) {
      const int64_t in_coord = index[d] - p.before[d];
      if (in_coord < 0 || in_coord >= p.in_dims[d]) {
        inside = false;
        break;
      }
      in_offset += in_coord * in_strides[d];
    }
    if (!inside) {
      std::fill(out, out + row_len, pad_value);
    } else {
      const int64_t before = p.before[inner];
      const int64_t n = p.in_dims[inner];
      std::fill(out, out + before, pad_value);
      std::memcpy(out + before, in + in_offset, static_cast<size_t>(n) * sizeof(T));
      std::fill(out + before + n, out + row_len, pad_value);
    }
    for (int d = inner - 1; d >= 0; --d) {
      if (++index[d] < out_dims[d]) break;
      index[d] = 0;
    }
  }
}

template void Pad<uint8_t>(const ref::PadParams&, const uint8_t*, uint8_t, uint8_t*);
template void Pad<uint32_t>(const ref::PadParams&, const uint32_t*, uint32_t, uint32_t*);
template void Pad<uint64_t>(const ref::PadParams&, const uint64_t*, uint64_t, uint64_t*);

}  // namespace vkd::opt
