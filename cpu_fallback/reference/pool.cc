// AVERAGE_POOL_2D and MAX_POOL_2D reference kernels (float, int8/uint8) and
// the padding rule pooling shares with TFLite.
#include "cpu_fallback/reference/pool.h"

#include <algorithm>
#include <limits>

#include "cpu_fallback/activation.h"

namespace vkd::ref {

int PoolLeadingPadding(int in_size, int filter_size, int stride, int out_size) {
  const int total = (out_size - 1) * stride + filter_size - in_size;
  return total > 0 ? total / 2 : 0;
}

namespace {

// Visits each output element with the window of input taps that lie inside
// the input: rows [y0, y1), columns [x0, x1) (input coordinates).
template <typename Body>
void ForEachWindow(const Pool2DParams& p, Body body) {
  for (int b = 0; b < p.batch; ++b) {
    for (int out_y = 0; out_y < p.out_h; ++out_y) {
      const auto [y0, y1] = ClippedPoolSpan(out_y, p.stride_h, p.pad_h, p.filter_h, p.in_h);
      for (int out_x = 0; out_x < p.out_w; ++out_x) {
        const auto [x0, x1] = ClippedPoolSpan(out_x, p.stride_w, p.pad_w, p.filter_w, p.in_w);
        for (int c = 0; c < p.channels; ++c) {
          const int64_t out_index =
              ((static_cast<int64_t>(b) * p.out_h + out_y) * p.out_w + out_x) * p.channels + c;
          body(b, y0, y1, x0, x1, c, out_index);
        }
      }
    }
  }
}

inline int64_t InputIndex(const Pool2DParams& p, int b, int y, int x, int c) {
  return ((static_cast<int64_t>(b) * p.in_h + y) * p.in_w + x) * p.channels + c;
}

}  // namespace

void AveragePool(const Pool2DParams& p, const float* in, float* out) {
  ForEachWindow(p, [&](int b, int y0, int y1, int x0, int x1, int c, int64_t out_index) {
    float total = 0.0f;
    int count = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        total += in[InputIndex(p, b, y, x, c)];
        ++count;
      }
    }
    // count > 0: the leading padding is below the filter size, so every window
    // overlaps the input.
    const float average = count > 0 ? total / static_cast<float>(count) : 0.0f;
    out[out_index] = cpu::ClampActivation(average, p.act_min, p.act_max);
  });
}

void MaxPool(const Pool2DParams& p, const float* in, float* out) {
  ForEachWindow(p, [&](int b, int y0, int y1, int x0, int x1, int c, int64_t out_index) {
    float max = std::numeric_limits<float>::lowest();
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) max = std::max(max, in[InputIndex(p, b, y, x, c)]);
    }
    out[out_index] = cpu::ClampActivation(max, p.act_min, p.act_max);
  });
}

template <typename T>
void AveragePoolQuantized(const Pool2DParams& p, const T* in, T* out) {
  ForEachWindow(p, [&](int b, int y0, int y1, int x0, int x1, int c, int64_t out_index) {
    int32_t sum = 0;
    int32_t count = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        sum += in[InputIndex(p, b, y, x, c)];
        ++count;
      }
    }
    const int32_t average = count > 0 ? RoundedAverage(sum, count) : 0;
    out[out_index] = static_cast<T>(std::min(std::max(average, p.q_act_min), p.q_act_max));
  });
}

template <typename T>
void MaxPoolQuantized(const Pool2DParams& p, const T* in, T* out) {
  ForEachWindow(p, [&](int b, int y0, int y1, int x0, int x1, int c, int64_t out_index) {
    int32_t max = std::numeric_limits<T>::lowest();
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) max = std::max<int32_t>(max, in[InputIndex(p, b, y, x, c)]);
    }
    out[out_index] = static_cast<T>(std::min(std::max(max, p.q_act_min), p.q_act_max));
  });
}

template void AveragePoolQuantized<int8_t>(const Pool2DParams&, const int8_t*, int8_t*);
template void AveragePoolQuantized<uint8_t>(const Pool2DParams&, const uint8_t*, uint8_t*);
template void MaxPoolQuantized<int8_t>(const Pool2DParams&, const int8_t*, int8_t*);
template void MaxPoolQuantized<uint8_t>(const Pool2DParams&, const uint8_t*, uint8_t*);

}  // namespace vkd::ref
