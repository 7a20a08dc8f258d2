#include "cpu_fallback/reference/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vkd::ref {

float ResizeScale(int in_size, int out_size, bool align_corners) {
  if (align_corners && out_size > 1) {
    return static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1);
  }
  return static_cast<float>(in_size) / static_cast<float>(out_size);
}

namespace {

// TFLite's ComputeInterpolationValues: the source position of output index
// `value` and the two input indices around it, each clamped into the input.
// The weights use the clamped lower bound, so positions before the first
// pixel (half-pixel centers at the border) collapse onto pixel 0.
void InterpolationValues(int value, float scale, bool half_pixel_centers, int input_size,
                         float* scaled_value, int* lower_bound, int* upper_bound) {
  if (half_pixel_centers) {
    *scaled_value = (static_cast<float>(value) + 0.5f) * scale - 0.5f;
  } else {
    *scaled_value = static_cast<float>(value) * scale;
  }
  const float scaled_value_floor = std::floor(*scaled_value);
  *lower_bound = std::max(static_cast<int>(scaled_value_floor), 0);
  *upper_bound = std::min(static_cast<int>(std::ceil(*scaled_value)), input_size - 1);
}

// TFLite's GetNearestNeighbor. TfLiteRound is std::round (halves away from zero).
int NearestNeighbor(int value, int input_size, int output_size, bool align_corners,
                    bool half_pixel_centers) {
  const float scale = ResizeScale(input_size, output_size, align_corners);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float scaled = (static_cast<float>(value) + offset) * scale;
  int result = std::min(
      align_corners ? static_cast<int>(std::round(scaled)) : static_cast<int>(std::floor(scaled)),
      input_size - 1);
  if (half_pixel_centers) result = std::max(result, 0);
  return result;
}

}  // namespace

void ResizeBilinear(const ResizeParams& p, const float* in, float* out) {
  const float scale_y = ResizeScale(p.in_h, p.out_h, p.align_corners);
  const float scale_x = ResizeScale(p.in_w, p.out_w, p.align_corners);
  const int c = p.channels;
  auto at = [&](int b, int y, int x, int ch) {
    return in[((static_cast<int64_t>(b) * p.in_h + y) * p.in_w + x) * c + ch];
  };
  for (int b = 0; b < p.batch; ++b) {
    for (int y = 0; y < p.out_h; ++y) {
      float in_y;
      int y0, y1;
      InterpolationValues(y, scale_y, p.half_pixel_centers, p.in_h, &in_y, &y0, &y1);
      for (int x = 0; x < p.out_w; ++x) {
        float in_x;
        int x0, x1;
        InterpolationValues(x, scale_x, p.half_pixel_centers, p.in_w, &in_x, &x0, &x1);
        const float dy = in_y - static_cast<float>(y0), dx = in_x - static_cast<float>(x0);
        float* o = out + ((static_cast<int64_t>(b) * p.out_h + y) * p.out_w + x) * c;
        for (int ch = 0; ch < c; ++ch) {
          o[ch] = at(b, y0, x0, ch) * (1 - dy) * (1 - dx) + at(b, y1, x0, ch) * dy * (1 - dx) +
                  at(b, y0, x1, ch) * (1 - dy) * dx + at(b, y1, x1, ch) * dy * dx;
        }
      }
    }
  }
}

void ResizeNearestNeighbor(const ResizeParams& p, const float* in, float* out) {
  const int c = p.channels;
  for (int b = 0; b < p.batch; ++b) {
    for (int y = 0; y < p.out_h; ++y) {
      const int in_y = NearestNeighbor(y, p.in_h, p.out_h, p.align_corners, p.half_pixel_centers);
      for (int x = 0; x < p.out_w; ++x) {
        const int in_x = NearestNeighbor(x, p.in_w, p.out_w, p.align_corners, p.half_pixel_centers);
        std::memcpy(out + ((static_cast<int64_t>(b) * p.out_h + y) * p.out_w + x) * c,
                    in + ((static_cast<int64_t>(b) * p.in_h + in_y) * p.in_w + in_x) * c,
                    static_cast<size_t>(c) * sizeof(float));
      }
    }
  }
}

}  // namespace vkd::ref
